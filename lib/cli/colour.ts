/**
 * Colour on a terminal, and only there: off with `--no-color`, with `NO_COLOR` set to anything
 * non-empty (no-color.org), in GitHub Actions, and whenever the stream is not a terminal.
 *
 * @module
 */

import type { Io } from "./io.ts";

/** The styles graphcall uses. */
export type Style = "bold" | "red" | "green" | "yellow" | "dim";

const CODES: Readonly<Record<Style, [number, number]>> = {
  bold: [1, 22],
  red: [31, 39],
  green: [32, 39],
  yellow: [33, 39],
  dim: [2, 22],
};

/** Paints text in a style (or leaves it as it is). */
export type Painter = (style: Style, text: string) => string;

/** Whether colour may be used on a stream that is (or is not) a terminal. */
export function colourAllowed(io: Io, streamIsTerminal: boolean, noColorFlag = false): boolean {
  if (noColorFlag || !streamIsTerminal) return false;
  if (io.env("NO_COLOR")) return false;
  if (io.env("GITHUB_ACTIONS") === "true") return false;
  if (io.env("TERM") === "dumb") return false;
  return true;
}

/** A painter that colours when `enabled`, and returns the text unchanged otherwise. */
export function painter(enabled: boolean): Painter {
  if (!enabled) return (_style, text) => text;
  return (style, text) => `\x1b[${CODES[style][0]}m${text}\x1b[${CODES[style][1]}m`;
}
