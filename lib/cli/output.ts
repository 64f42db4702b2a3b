/**
 * How a command hands back its outcome: one place that decides between the human table and the
 * JSON document (`{"ok": true, "command": ..., "result": ...}`, see docs/cli-output.md), honours
 * `--quiet`, and in GitHub Actions writes step outputs and the step summary.
 *
 * @module
 */

import { colourAllowed, type Painter, painter } from "./colour.ts";
import { inGithubActions, writeOutputs, writeStepSummary } from "./github_actions.ts";
import { type GlobalOptions, outputFormat } from "./global_options.ts";
import type { Io } from "./io.ts";
import { printJson } from "./render.ts";
import { redact } from "../redact.ts";

/** What a command produced. */
export interface Outcome {
  /** The command path, e.g. `participant remove`. */
  command: string;
  /** The JSON result (`result` in the JSON document and the `result` step output). */
  result: unknown;
  /** What people read on stdout; `--quiet` suppresses it. */
  human: (paint: Painter) => string;
  /** The exit code; 0 unless some items failed. */
  exitCode?: number;
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

/** Prints an outcome and writes GitHub outputs; returns its exit code. */
export async function emit(io: Io, options: GlobalOptions, outcome: Outcome): Promise<number> {
  if (outputFormat(options) === "json") printJson(io, successDocument(outcome));
  else if (!options.quiet) io.out(outcome.human(stdoutPainter(io, options)));
  if (inGithubActions(io)) {
    await writeOutputs(io, {
      result: redact(JSON.stringify(outcome.result)),
      ...outcome.github?.outputs,
    });
    if (outcome.github?.summary) await writeStepSummary(io, outcome.github.summary);
  }
  return outcome.exitCode ?? 0;
}
