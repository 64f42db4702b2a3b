/**
 * How a command hands back its outcome, and the one place that prints it: the human text (or
 * nothing with `--quiet`), or the JSON document (`{"ok": true, "command": ..., "result": ...}`,
 * see docs/cli-output.md) with `--output json`, and in GitHub Actions the step outputs, the step
 * summary and an `::error::` annotation per failed item.
 *
 * @module
 */

import { colourAllowed, type Painter, painter } from "./colour.ts";
import {
  annotateError,
  type CommandStream,
  inGithubActions,
  writeOutputs,
  writeStepSummary,
} from "./github_actions.ts";
import { type GlobalOptions, outputFormat } from "./global_options.ts";
import type { Io } from "./io.ts";
import { printJson } from "./render.ts";
import { redact } from "../redact.ts";
import { sanitise } from "./sanitise.ts";

/** One failed item of a bulk run, for its `::error::` annotation in GitHub Actions. */
export interface FailedItem {
  /** What failed, e.g. the participant id. */
  subject: string;
  /** Why (one line). */
  message: string;
  /** What to do about it. */
  fix?: string;
}

/** What a command produced. */
export interface Outcome {
  /** The command path, e.g. `participant remove`. */
  command: string;
  /** The JSON result (`result` in the JSON document and the `result` step output). */
  result: unknown;
  /** What people read on stdout; `--quiet` suppresses it unless `essential`. */
  human: (paint: Painter) => string;
  /** Notes for people on stderr (warnings, what to run next); not with `--quiet` or JSON. */
  notes?: (paint: Painter) => string;
  /** The human text is the product itself (a script, a token): printed even with `--quiet`. */
  essential?: boolean;
  /** The command has written its own output (the emulator's URLs, the demo's story). */
  printed?: boolean;
  /** A JSON document to print instead of the standard one (doctor's checklist). */
  document?: Record<string, unknown>;
  /** The exit code; 0 unless some items failed. */
  exitCode?: number;
  /** Failed items: one `::error::` annotation each in GitHub Actions (at most ten). */
  failures?: readonly FailedItem[];
  /** Extra GitHub step outputs (besides `result`) and a Markdown step summary. */
  github?: { outputs?: Record<string, string>; summary?: string };
}

/** The JSON document for a success (or a partial success, `ok: false` with a result). */
export function successDocument(outcome: Outcome): Record<string, unknown> {
  const exitCode = outcome.exitCode ?? 0;
  return {
    ok: exitCode === 0,
    command: outcome.command,
    ...(exitCode !== 0 ? { exitCode } : {}),
    result: outcome.result,
  };
}

/** The painter for stdout, given the options. */
export function stdoutPainter(io: Io, options: GlobalOptions): Painter {
  return painter(colourAllowed(io, io.stdoutIsTerminal ?? false, options.color === false));
}

/** How many failed items get their own annotation; the rest are counted in one more. */
export const MAX_ITEM_ANNOTATIONS = 10;

/** Where {@link emit} writes. */
export interface EmitStreams {
  /** Human text, guarded (see output_guard.ts). */
  human: Io;
  /** JSON documents and workflow commands, unguarded. */
  raw: Io;
  /** Where workflow commands go. */
  commandStream: CommandStream;
}

/** Prints an outcome and writes GitHub outputs; returns its exit code. */
export async function emit(
  streams: EmitStreams,
  options: GlobalOptions,
  outcome: Outcome,
): Promise<number> {
  const { human, raw } = streams;
  const json = outputFormat(options) === "json";
  if (!outcome.printed) {
    if (json) printJson(raw, outcome.document ?? successDocument(outcome));
    else {
      if (!options.quiet || outcome.essential) {
        human.out(outcome.human(stdoutPainter(raw, options)));
      }
      if (!options.quiet && outcome.notes) {
        human.err(
          outcome.notes(painter(colourAllowed(raw, raw.isTerminal, options.color === false))),
        );
      }
    }
  }
  if (inGithubActions(raw)) {
    const failures = outcome.failures ?? [];
    for (const f of failures.slice(0, MAX_ITEM_ANNOTATIONS)) {
      annotateError(
        raw,
        redact(sanitise(`${f.subject}: ${f.message}${f.fix ? ` fix: ${f.fix}` : ""}`)),
        { title: `graphcall ${outcome.command}`, stream: streams.commandStream },
      );
    }
    if (failures.length > MAX_ITEM_ANNOTATIONS) {
      annotateError(
        raw,
        `${
          failures.length - MAX_ITEM_ANNOTATIONS
        } more items failed; the result output lists them all`,
        { title: `graphcall ${outcome.command}`, stream: streams.commandStream },
      );
    }
    await writeOutputs(raw, {
      result: redact(JSON.stringify(outcome.result)),
      ...outcome.github?.outputs,
    });
    if (outcome.github?.summary) await writeStepSummary(raw, outcome.github.summary);
  }
  return outcome.exitCode ?? 0;
}
