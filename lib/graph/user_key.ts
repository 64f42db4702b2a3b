/**
 * How a user is named in a Graph path: `/users/{id | userPrincipalName}`. An object id (a GUID)
 * goes as it is; a UPN is checked (one `@`, no spaces, controls or path characters) and encoded
 * as the user-get page says: `#` (in guests' `#EXT#` UPNs) as `%23`; a UPN starting with `$` in
 * the key form `('$x@y.com')`. Facts: ../shared/reference/meetings.md section 5.
 *
 * @module
 */

import { InvalidInputError } from "../errors.ts";
import { isGuid } from "../identifiers.ts";
import { printable } from "./ids.ts";

// A UPN: local part, `@`, a domain. The local part allows what Entra allows, and guests' `#EXT#`.
const UPN =
  /^[A-Za-z0-9'.\-_!#^~$&*+=?{|}`%]{1,113}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$/;

/** Whether a value names a user by UPN (not an object id). */
export function isUpn(value: string): boolean {
  return !isGuid(value) && UPN.test(value);
}

/**
 * The path segment for a user given by object id or UPN.
 *
 * @example A guest's UPN and a `$` UPN
 * ```ts
 * import { userPathSegment } from "./user_key.ts";
 * console.log(userPathSegment("adele_fabrikam.com#EXT#@contoso.onmicrosoft.com"));
 * // adele_fabrikam.com%23EXT%23@contoso.onmicrosoft.com
 * console.log(userPathSegment("$admin@contoso.com")); // ('$admin@contoso.com')
 * ```
 */
export function userPathSegment(value: unknown, field = "user"): string {
  if (typeof value !== "string" || value.trim() === "") {
    throw new InvalidInputError(field, "give a user's object id (GUID) or user principal name");
  }
  const v = value.trim();
  if (isGuid(v)) return v.toLowerCase();
  if (!UPN.test(v)) {
    throw new InvalidInputError(
      field,
      `"${printable(v)}" is neither an object id (GUID) nor a user principal name (name@domain)`,
    );
  }
  if (v.startsWith("$")) return `('${encodeURIComponent(v).replaceAll("%40", "@")}')`;
  return encodeURIComponent(v).replaceAll("%40", "@");
}
