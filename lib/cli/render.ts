/**
 * Rendering results and errors for people (a table, one line of error and its fix) and for
 * programs (`--output json`: one JSON document on stdout, success and error alike).
 *
 * @module
 */

import { exitCodeFor, GraphcallError } from "../errors.ts";
import { redact } from "../redact.ts";
import type { Io } from "./io.ts";

/** Output format. */
export type OutputFormat = "table" | "json";

/** Prints rows as an aligned text table. */
export function table(
  rows: readonly Record<string, unknown>[],
  columns: readonly string[],
): string {
  const cells = rows.map((r) => columns.map((c) => String(r[c] ?? "")));
  const widths = columns.map((c, i) => Math.max(c.length, ...cells.map((row) => row[i]!.length)));
  const line = (values: readonly string[]) =>
    values.map((v, i) => v.padEnd(widths[i]!)).join("  ").trimEnd();
  return [line(columns.map((c) => c.toUpperCase())), ...cells.map(line)].join("\n") + "\n";
}

/** Writes a JSON document to stdout. */
export function printJson(io: Io, value: unknown): void {
  io.out(redact(JSON.stringify(value, null, 2)) + "\n");
}

/**
 * Reports an error: one line (plus the fix) on stderr for people, or a JSON document on stdout
 * with `--output json`. Returns the exit code.
 */
export function reportError(io: Io, error: unknown, format: OutputFormat, verbose = false): number {
  const code = exitCodeFor(error);
  if (format === "json") {
    const body = error instanceof GraphcallError ? error.toJSON() : {
      code: "internal",
      message: redact(error instanceof Error ? error.message : String(error)),
    };
    printJson(io, { ok: false, exitCode: code, error: body });
    return code;
  }
  const message = error instanceof Error ? error.message : String(error);
  io.err(`graphcall: error: ${redact(message).replace(/\s*\n\s*/g, " ")}\n`);
  if (error instanceof GraphcallError && error.remediation) {
    io.err(`graphcall: fix: ${redact(error.remediation)}\n`);
  }
  if (verbose && !(error instanceof GraphcallError) && error instanceof Error && error.stack) {
    io.err(redact(error.stack) + "\n");
  }
  return code;
}
