/**
 * `GET /users/{id | userPrincipalName}` of the emulated Graph, for apps holding `User.Read.All`
 * or a higher directory role (`User.ReadWrite.All`, `Directory.Read.All`,
 * `Directory.ReadWrite.All`), as the user-get page lists for application permissions.
 *
 * A guest's `#EXT#` UPN arrives with `#` encoded as `%23`; a UPN that starts with `$` must be
 * written `/users('$x@y.com')` (the plain form is a 400, as the docs say). `$select` is honoured
 * (unknown properties are refused with 400). Without the role the directory answers 403
 * `Authorization_RequestDenied`; an unknown user is 404 `Request_ResourceNotFound`.
 *
 * @module
 */

import { graphError, graphJson, type GraphRequestIds } from "./graph_errors.ts";
import type { Caller } from "./graph_auth.ts";
import { parseSelect, queryOptions } from "./graph_query.ts";
import type { UserSpec } from "./state.ts";

/** Application roles that may read users. */
export const USER_READ_ROLES: readonly string[] = Object.freeze([
  "User.Read.All",
  "User.ReadWrite.All",
  "Directory.Read.All",
  "Directory.ReadWrite.All",
]);

/** The properties Graph returns without `$select`. */
const DEFAULT_PROPERTIES = [
  "businessPhones",
  "displayName",
  "givenName",
  "id",
  "jobTitle",
  "mail",
  "mobilePhone",
  "officeLocation",
  "preferredLanguage",
  "surname",
  "userPrincipalName",
];

/** Properties `$select` may name (the emulator answers null for those it does not model). */
const SELECTABLE: ReadonlySet<string> = new Set([
  ...DEFAULT_PROPERTIES,
  "accountEnabled",
  "companyName",
  "createdDateTime",
  "department",
  "employeeId",
  "otherMails",
  "proxyAddresses",
  "usageLocation",
  "userType",
]);

function userJson(u: UserSpec): Record<string, unknown> {
  return {
    businessPhones: [],
    displayName: u.displayName ?? null,
    givenName: null,
    id: u.id,
    jobTitle: null,
    mail: u.mail ?? null,
    mobilePhone: null,
    officeLocation: null,
    preferredLanguage: null,
    surname: null,
    userPrincipalName: u.userPrincipalName ?? null,
    accountEnabled: true,
    companyName: null,
    createdDateTime: null,
    department: null,
    employeeId: null,
    otherMails: [],
    proxyAddresses: [],
    usageLocation: null,
    userType: u.userPrincipalName?.includes("#EXT#") ? "Guest" : "Member",
  };
}

/** `GET /users/{id | upn}` (or `/users('{upn}')`). */
export function getUser(
  caller: Caller,
  key: string,
  parenthesised: boolean,
  url: URL,
  baseUrl: string,
  version: string,
  ids: GraphRequestIds,
): Response {
  if (!parenthesised && key.startsWith("$")) {
    return graphError(
      400,
      "BadRequest",
      `Resource not found for the segment '${key}'. A userPrincipalName that starts with $ is written /users('${key}').`,
      ids,
    );
  }
  const wanted = USER_READ_ROLES.map((r) => r.toLowerCase());
  if (!caller.roles.some((r) => wanted.includes(r.toLowerCase()))) {
    return graphError(
      403,
      "Authorization_RequestDenied",
      "Insufficient privileges to complete the operation.",
      ids,
    );
  }
  const opts = queryOptions(url.searchParams, ["$select"]);
  if ("refusal" in opts) return graphError(400, "BadRequest", opts.refusal, ids);
  const fields = parseSelect(opts.get("$select"), SELECTABLE, "microsoft.graph.user");
  if (fields !== undefined && "refusal" in fields) {
    return graphError(400, "BadRequest", fields.refusal, ids);
  }
  const lower = key.toLowerCase();
  let user = caller.tenant.users.get(lower);
  if (!user) {
    for (const u of caller.tenant.users.values()) {
      if (u.userPrincipalName?.toLowerCase() === lower) {
        user = u;
        break;
      }
    }
  }
  if (!user) {
    return graphError(
      404,
      "Request_ResourceNotFound",
      `Resource '${key}' does not exist or one of its queried reference-property objects are not present.`,
      ids,
    );
  }
  const all = userJson(user);
  const names = fields ?? DEFAULT_PROPERTIES;
  const out: Record<string, unknown> = {
    "@odata.context": `${baseUrl}/${version}/$metadata#users${
      fields ? `(${fields.join(",")})` : ""
    }/$entity`,
  };
  for (const n of names) out[n] = all[n] ?? null;
  return graphJson(out, ids);
}
