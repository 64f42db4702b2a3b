/**
 * Checks for the ids that go into Graph paths: GUIDs or Graph id strings free of path
 * characters. Every id is checked before any request is made, and URL-encoded anyway.
 *
 * @module
 */

import { InvalidInputError } from "../errors.ts";

// Path characters, whitespace, C0/C1 controls, zero-width and bidi controls, BOM.
const FORBIDDEN_IN_ID = new RegExp(
  // deno-lint-ignore no-control-regex
  /[\/?#%\\\s\u0000-\u001f\u007f-\u009f\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff]/.source,
);
// Controls and invisible characters (zero-width, bidi, line separators, BOM), shown escaped.
// deno-lint-ignore no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff]/g;

const MAX_ID_LENGTH = 256;

/**
 * Returns the id if it is safe to put in a Graph path; throws an {@link InvalidInputError}
 * naming the field otherwise.
 *
 * @example Refuse a path-injection attempt
 * ```ts
 * import { checkId } from "./ids.ts";
 * try {
 *   checkId("../../users", "participant");
 * } catch (e) {
 *   console.log((e as Error).message);
 * }
 * ```
 */
export function checkId(value: unknown, field: string): string {
  if (typeof value !== "string" || value.length === 0) {
    throw new InvalidInputError(field, "an id is required");
  }
  if (value.length > MAX_ID_LENGTH) {
    throw new InvalidInputError(field, `the id is longer than ${MAX_ID_LENGTH} characters`);
  }
  if (FORBIDDEN_IN_ID.test(value)) {
    throw new InvalidInputError(
      field,
      `"${
        printable(value)
      }" contains characters not allowed in an id (/ ? # % \\ whitespace or control)`,
    );
  }
  if (value.includes("..")) {
    throw new InvalidInputError(field, `"${printable(value)}" contains ".."`);
  }
  return value;
}

/** A short, printable rendering of untrusted text for error messages. */
export function printable(value: string, max = 60): string {
  const shown = value.replace(
    CONTROL,
    (c) => {
      const code = c.charCodeAt(0);
      return code < 0x100
        ? `\\x${code.toString(16).padStart(2, "0")}`
        : `\\u${code.toString(16).padStart(4, "0")}`;
    },
  );
  return shown.length > max ? `${shown.slice(0, max)}…` : shown;
}
