/**
 * Rendering results and errors for people (a table, one line of error and its fix) and for
 * programs (`--output json`: one JSON document on stdout, success and error alike, in the shape
 * documented in docs/cli-output.md).
 *
 * @module
 */

import { exitCodeFor, GraphcallError, InvalidInputError } from "../errors.ts";
import { redact } from "../redact.ts";
import type { Painter } from "./colour.ts";
import type { Io } from "./io.ts";
import { flagForField, messageWithFlags, withFlags } from "./option_flags.ts";
import { sanitise } from "./sanitise.ts";

/** Output format. */
export type OutputFormat = "table" | "json";

/**
 * Prints rows as an aligned text table (the header row painted bold when colour is on). Every
 * cell is sanitised: cells hold ids, names and messages that come from outside.
 */
export function table(
  rows: readonly Record<string, unknown>[],
  columns: readonly string[],
  paint: Painter = (_s, t) => t,
): string {
  const cells = rows.map((r) => columns.map((c) => sanitise(r[c] ?? "")));
  const widths = columns.map((c, i) => Math.max(c.length, ...cells.map((row) => row[i]!.length)));
  const line = (values: readonly string[]) =>
    values.map((v, i) => v.padEnd(widths[i]!)).join("  ").trimEnd();
  return [paint("bold", line(columns.map((c) => c.toUpperCase()))), ...cells.map(line)].join(
    "\n",
  ) + "\n";
}

/** Writes a JSON document to stdout (redacted: no credential can leave through it). */
export function printJson(io: Io, value: unknown): void {
  io.out(redact(JSON.stringify(value, null, 2)) + "\n");
}

/** The `error` member of a JSON error document. */
export interface ErrorBody {
  /** Stable code, e.g. `usage`, `invalid_input`, `not_found`. */
  code: string;
  /** For people. */
  message: string;
  /** The flag, parameter or variable at fault. */
  field?: string;
  /** HTTP status, when a response (or none: 0) was involved. */
  status?: number;
  /** Graph's own error code. */
  graphCode?: string;
  /** Graph's `request-id`. */
  requestId?: string;
  /** The `client-request-id` graphcall sent. */
  clientRequestId?: string;
  /** What to do about it. */
  remediation?: string;
  /** Further fields some errors carry (e.g. `aadsts`). */
  [key: string]: unknown;
}

/** The JSON document for a failure: `{ok: false, command?, exitCode, error}`. */
export function errorDocument(
  error: unknown,
  command?: string,
): { ok: false; command?: string; exitCode: number; error: ErrorBody } {
  const exitCode = exitCodeFor(error);
  let body: ErrorBody;
  if (error instanceof GraphcallError) {
    body = {} as ErrorBody;
    for (const [k, v] of Object.entries(error.toJSON())) {
      if (v !== undefined && !(Array.isArray(v) && v.length === 0)) body[k] = v;
    }
    // The library names option keys; the CLI names its flags.
    const field = typeof body.field === "string" ? body.field : undefined;
    body.message = messageWithFlags(body.message, field);
    if (field !== undefined) body.field = flagForField(field);
    if (typeof body.remediation === "string") body.remediation = withFlags(body.remediation);
  } else {
    body = {
      code: "internal",
      message: redact(error instanceof Error ? error.message : String(error)),
    };
  }
  return { ok: false, ...(command ? { command } : {}), exitCode, error: body };
}

/**
 * An error's message as the CLI prints it: a library error's option keys (its `field`, and
 * "the tenantId option" in its text) become the CLI's flags.
 */
export function cliMessage(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const field = "field" in error && typeof error.field === "string" ? error.field : undefined;
  return error instanceof GraphcallError ? messageWithFlags(error.message, field) : error.message;
}

/** The one-line hint appended to usage errors. */
export function helpHint(command?: string): string {
  return `(see graphcall ${command ? command + " " : ""}--help)`;
}

/** How {@link reportError} reports. */
export interface ReportOptions {
  /** Print the stack of unexpected (non-graphcall) errors. */
  verbose?: boolean;
  /** The command that failed, e.g. `participant remove`. */
  command?: string;
  /** Painter for stderr. */
  paint?: Painter;
}

/**
 * Reports an error: one line (plus the fix) on stderr for people, or a JSON document on stdout
 * with `--output json`. Invalid input adds where to read the help. Returns the exit code.
 */
export function reportError(
  io: Io,
  error: unknown,
  format: OutputFormat,
  options: ReportOptions = {},
): number {
  const code = exitCodeFor(error);
  if (format === "json") {
    printJson(io, errorDocument(error, options.command));
    return code;
  }
  const paint = options.paint ?? ((_s, t) => t);
  // Messages quote text from outside (Graph's and Entra's messages, file contents, names).
  const message = sanitise(redact(cliMessage(error)));
  const hint = error instanceof InvalidInputError ? ` ${helpHint(options.command)}` : "";
  io.err(`graphcall: ${paint("red", "error:")} ${message}${hint}\n`);
  if (error instanceof GraphcallError && error.remediation) {
    io.err(`graphcall: fix: ${sanitise(redact(withFlags(error.remediation)))}\n`);
  }
  if (
    options.verbose && !(error instanceof GraphcallError) && error instanceof Error && error.stack
  ) {
    io.err(redact(error.stack).split("\n").map(sanitise).join("\n") + "\n");
  }
  return code;
}

/** A request described by `--what-if` (the library's dry run). */
export interface DescribedRequest {
  /** HTTP method. */
  method: string;
  /** Full URL. */
  url: string;
  /** Headers; `Authorization` is redacted. */
  headers: Record<string, string>;
  /** JSON body, if any. */
  body?: unknown;
}

/** Renders dry runs for people: request line, headers, body, and that nothing was sent. */
export function renderDryRuns(
  runs: readonly { request: DescribedRequest }[],
  paint: Painter,
): string {
  const parts = runs.map(({ request }) => {
    const lines = [
      `${paint("bold", "What if:")} ${sanitise(request.method)} ${sanitise(request.url)}`,
    ];
    for (const [name, value] of Object.entries(request.headers)) {
      lines.push(`  ${sanitise(name)}: ${sanitise(value)}`);
    }
    if (request.body !== undefined && request.body !== null) {
      lines.push(
        "",
        redact(JSON.stringify(request.body, null, 2)).split("\n").map(sanitise).join("\n"),
      );
    }
    return lines.join("\n");
  });
  const count = runs.length === 1 ? "the request was" : `${runs.length} requests were`;
  return parts.join("\n\n") + `\n(${count} not sent)\n`;
}
