/**
 * The one sanitiser for human output of text that comes from outside: Graph, Entra, the GitHub
 * OIDC service, a state file, a journal (display names, ids, error messages, AADSTS
 * descriptions, text quoted in `fix:` lines, doctor details). Anyone who joins a meeting picks
 * their own display name, so such text may carry a newline and a workflow command, terminal
 * escapes (colours, OSC 8 links, cursor moves), or bidi overrides that make a line read
 * differently from what it holds.
 *
 * Every control character and invisible formatting character is shown as a visible escape
 * instead: `\n`, `\r`, `\t`, `\x1b` (C0, DEL, C1), `\u202e` (bidi controls, zero-width and other
 * invisible characters, line and paragraph separators), `\u{e0041}` (tag characters). Letters of
 * every script, emoji and the zero-width joiners that emoji and some scripts need are kept.
 * Backslashes are kept as they are (a Windows path stays readable), so an escape in the output
 * may also be the text itself; the output is for people, JSON output (`--output json`) is exact.
 *
 * @module
 */

// C0 (U+0000-001F), DEL and C1 (U+007F-009F), soft hyphen, Arabic letter mark, Mongolian vowel
// separator, zero-width space, left-to-right and right-to-left marks, line and paragraph
// separators, the bidi embeddings and overrides (U+202A-202E), word joiner and invisible
// operators (U+2060-2064), the bidi isolates (U+2066-2069) and deprecated format characters
// (U+206A-206F), the byte-order mark, interlinear annotation controls, and tag characters.
const UNSAFE =
  // deno-lint-ignore no-control-regex -- matching control characters is this regex's purpose
  /[\u0000-\u001f\u007f-\u009f\u00ad\u061c\u180e\u200b\u200e\u200f\u2028-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb]|\u{e0001}|[\u{e0020}-\u{e007f}]/gu;

const NAMED: Readonly<Record<string, string>> = { "\n": "\\n", "\r": "\\r", "\t": "\\t" };

/** The visible escape of one unsafe character. */
function escapeOf(c: string): string {
  const named = NAMED[c];
  if (named) return named;
  const code = c.codePointAt(0)!;
  if (code <= 0xff) return `\\x${code.toString(16).padStart(2, "0")}`;
  if (code <= 0xffff) return `\\u${code.toString(16).padStart(4, "0")}`;
  return `\\u{${code.toString(16)}}`;
}

/**
 * Text from outside, fit to print on one line: every control and invisible formatting
 * character escaped visibly.
 *
 * @example
 * ```ts
 * import { sanitise } from "./sanitise.ts";
 * console.log(sanitise("Eve\n::error::owned\x1b[31m")); // Eve\n::error::owned\x1b[31m (escaped)
 * ```
 */
export function sanitise(text: unknown): string {
  return String(text ?? "").replace(UNSAFE, escapeOf);
}

// What graphcall itself writes to a terminal: colour (SGR) sequences of lib/cli/colour.ts, and
// the progress bar's "return and clear the line".
// deno-lint-ignore no-control-regex -- graphcall's own escape sequences, matched to be kept
const OWN_SEQUENCE = /\x1b\[(?:1|2|22|31|32|33|39)m|\r\x1b\[2K|\n/y;

/**
 * Human output as a whole, made safe at the last moment before it is written: like
 * {@link sanitise}, but line breaks and graphcall's own colour and progress sequences are kept.
 * Text from outside is sanitised where it is put into the output; this catches what was missed
 * (a stray escape can then never reach the terminal; a stray line break is caught in GitHub
 * Actions by the workflow-command guard).
 */
export function sanitiseOutput(text: string): string {
  let out = "";
  let last = 0;
  UNSAFE.lastIndex = 0;
  for (const m of text.matchAll(UNSAFE)) {
    const at = m.index!;
    if (at < last) continue;
    OWN_SEQUENCE.lastIndex = at;
    const own = OWN_SEQUENCE.exec(text);
    if (own) {
      out += text.slice(last, at + own[0].length);
      last = at + own[0].length;
      continue;
    }
    out += text.slice(last, at) + escapeOf(m[0]);
    last = at + m[0].length;
  }
  return out + text.slice(last);
}
