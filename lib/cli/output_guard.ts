/**
 * The last gate of human output: every write to stdout and stderr meant for people goes through
 * {@link guardedIo}, which escapes stray control characters (lib/cli/sanitise.ts) and, in GitHub
 * Actions, makes sure no line can be read by the runner as a workflow command: a line whose text
 * begins with `::` (or the legacy `##[`) has that first character escaped (`\x3a:error::...`).
 * graphcall's own workflow commands (annotations, masks) and JSON documents are written to the
 * unguarded streams.
 *
 * @module
 */

import type { Io } from "./io.ts";
import { sanitiseOutput } from "./sanitise.ts";

// A line whose first non-blank text the runner would take for a workflow command.
const COMMAND_LINE = /(^|\n)([ \t]*)(::|##\[)/g;

/**
 * Escapes the start of each line that would be read as a workflow command. `atLineStart` says
 * whether `text` begins a line (the previous write ended with a line break).
 *
 * @example
 * ```ts
 * import { escapeCommandLines } from "./output_guard.ts";
 * console.log(escapeCommandLines("name: x\n::error::y\n", true)); // ...\n\x3a:error::y
 * ```
 */
export function escapeCommandLines(text: string, atLineStart: boolean): string {
  return text.replace(COMMAND_LINE, (match, lead: string, blank: string, start: string, at) => {
    if (at === 0 && lead === "" && !atLineStart) return match;
    return `${lead}${blank}${start === "::" ? "\\x3a:" : "\\x23#["}`;
  });
}

/** An Io whose `out` and `err` are guarded for people (see the module doc). */
export function guardedIo(io: Io, options: { actions: boolean }): Io {
  const atLineStart = { out: true, err: true };
  const guard = (stream: "out" | "err", text: string): string => {
    let safe = sanitiseOutput(text);
    if (options.actions) safe = escapeCommandLines(safe, atLineStart[stream]);
    if (safe.length > 0) atLineStart[stream] = safe.endsWith("\n");
    return safe;
  };
  return {
    ...io,
    out: (text) => io.out(guard("out", text)),
    err: (text) => io.err(guard("err", text)),
  };
}
