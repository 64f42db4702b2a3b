/**
 * Putting values into PowerShell text safely: validators for the few kinds of value a generated
 * script may hold (certificate thumbprints here; GUIDs and tenant names in ../identifiers.ts), and
 * single-quoted literals. A value reaches a script only after it passed one of these checks; the quoting is a
 * second wall, not the first.
 *
 * @module
 */

import { InvalidInputError } from "../errors.ts";

const THUMBPRINT = /^[0-9A-F]{40}$/;
// PowerShell treats these four as single quotes too, besides the ASCII one.
const SINGLE_QUOTES = /['\u2018\u2019\u201a\u201b]/g;
// deno-lint-ignore no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;

/**
 * Checks a certificate thumbprint (SHA-1, 40 hex digits; spaces and colons as the Windows
 * certificate dialog shows them are dropped) and returns it upper-case.
 *
 * @throws {InvalidInputError} naming `field` for anything else.
 */
export function checkThumbprint(value: string, field = "certificate-thumbprint"): string {
  const compact = value.replace(/[ :]/g, "").toUpperCase();
  if (!THUMBPRINT.test(compact)) {
    throw new InvalidInputError(
      field,
      "a certificate thumbprint is 40 hexadecimal digits (SHA-1), as Get-ChildItem Cert:\\CurrentUser\\My shows it",
    );
  }
  return compact;
}

/**
 * A PowerShell single-quoted string literal: no expansion happens inside; each quote character
 * (ASCII and the typographic ones PowerShell also accepts) is doubled. Control characters and
 * line breaks are refused: no value graphcall writes needs them.
 *
 * @example Quote a value
 * ```ts
 * import { psQuote } from "./powershell.ts";
 * console.log(psQuote("it's")); // 'it''s'
 * ```
 */
export function psQuote(value: string): string {
  if (CONTROL.test(value)) {
    throw new InvalidInputError("value", "control characters cannot be written into a script");
  }
  return `'${value.replace(SINGLE_QUOTES, (q) => q + q)}'`;
}
