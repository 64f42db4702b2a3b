/**
 * The operation catalogue: every Graph request graphcall sends, once. Each entry has its method,
 * its path template, the application roles that allow it (least privileged first; any one is
 * enough), its PowerShell cmdlet, the clouds where Graph offers it, and how a 403 on it reads.
 * The transport, dry runs, `--what-if`, the 403 diagnosis, doctor's role checks, the tenant-setup
 * permission table and the help text all read this table; paths are built here and nowhere else.
 *
 * Facts: ../shared/reference/graph-participants.md (sections 1 and 3) and meetings.md (sections
 * 1, 2 and 6). Role names are compared case-insensitively: the docs print
 * `Calls.JoinGroupCallasGuest.All`, the app role's value is `...AsGuest.All`.
 *
 * The emulator keeps its own tables from the docs: it is the other side of the wire and must
 * catch this catalogue's mistakes, not share them.
 *
 * @module
 */

import { CLOUD_NAMES, type CloudName, CLOUDS } from "../clouds.ts";
import { GraphcallError } from "../errors.ts";
import { checkId } from "./ids.ts";
import { userPathSegment } from "./user_key.ts";

/** The name of an operation of the catalogue. */
export type OperationName =
  | "remove"
  | "get"
  | "mute"
  | "list"
  | "invite"
  | "getOperation"
  | "join"
  | "getCall"
  | "hangUp"
  | "keepAlive"
  | "lookup"
  | "batch";

/** One Graph operation. */
export interface OperationSpec {
  /** The catalogue name. */
  readonly name: OperationName;
  /** What it does, for people ("remove a participant"). */
  readonly summary: string;
  /** HTTP method. */
  readonly method: "GET" | "POST" | "DELETE";
  /** Path below the version, with `{param}` placeholders. */
  readonly path: string;
  /** Application roles that allow it, least privileged first; any one is enough. */
  readonly roles: readonly string[];
  /** The Microsoft Graph PowerShell cmdlet that sends the same request, if there is one. */
  readonly cmdlet: string | undefined;
  /** The clouds where Graph offers it. */
  readonly clouds: readonly CloudName[];
  /**
   * Permissions are checked when the call is created, not when this is sent (the docs' note on
   * call get, delete, keepAlive and participant list): a 403 here is not about this request's
   * roles.
   */
  readonly checkedAtCreation?: boolean;
  /**
   * A 403 while the token's roles grant the operation is the tenant's
   * `Set-CsApplicationMeetingConfiguration` policy (removal only).
   */
  readonly tenantPolicy?: boolean;
  /**
   * Safe to send again after a lost response; a 404 on the repeat means the first one did it
   * (an idempotent DELETE).
   */
  readonly repeatable?: boolean;
}

const CALLS_CLOUDS: readonly CloudName[] = Object.freeze(
  CLOUD_NAMES.filter((name) => CLOUDS[name].participantsApi),
);
const JOIN_ROLES = Object.freeze(["Calls.JoinGroupCall.All", "Calls.JoinGroupCallAsGuest.All"]);
const CALL_ROLES = Object.freeze(["Calls.Initiate.All", "Calls.AccessMedia.All"]);
const CALL = "/communications/calls/{callId}";
const PARTICIPANT = `${CALL}/participants/{participantId}`;

/** Every operation graphcall sends, by name. */
export const OPERATION_CATALOGUE: Readonly<Record<OperationName, OperationSpec>> = Object.freeze({
  remove: {
    name: "remove",
    summary: "remove a participant",
    method: "DELETE",
    path: PARTICIPANT,
    roles: JOIN_ROLES,
    cmdlet: "Remove-MgCommunicationCallParticipant",
    clouds: CALLS_CLOUDS,
    tenantPolicy: true,
    repeatable: true,
  },
  get: {
    name: "get",
    summary: "get a participant",
    method: "GET",
    path: PARTICIPANT,
    roles: JOIN_ROLES,
    cmdlet: "Get-MgCommunicationCallParticipant",
    clouds: CALLS_CLOUDS,
  },
  mute: {
    name: "mute",
    summary: "mute a participant",
    method: "POST",
    path: `${PARTICIPANT}/mute`,
    roles: JOIN_ROLES,
    cmdlet: "Invoke-MgMuteCommunicationCallParticipant",
    clouds: CALLS_CLOUDS,
  },
  list: {
    name: "list",
    summary: "list a call's participants",
    method: "GET",
    path: `${CALL}/participants`,
    roles: CALL_ROLES,
    cmdlet: "Get-MgCommunicationCallParticipant",
    clouds: CALLS_CLOUDS,
    checkedAtCreation: true,
  },
  invite: {
    name: "invite",
    summary: "invite participants",
    method: "POST",
    path: `${CALL}/participants/invite`,
    roles: Object.freeze(["Calls.InitiateGroupCall.All"]),
    cmdlet: "Invoke-MgInviteCommunicationCallParticipant",
    clouds: CALLS_CLOUDS,
  },
  getOperation: {
    name: "getOperation",
    summary: "read an operation of a call",
    method: "GET",
    path: `${CALL}/operations/{operationId}`,
    roles: CALL_ROLES,
    cmdlet: "Get-MgCommunicationCallOperation",
    clouds: CALLS_CLOUDS,
    checkedAtCreation: true,
  },
  join: {
    name: "join",
    summary: "join a meeting",
    method: "POST",
    path: "/communications/calls",
    roles: Object.freeze([...JOIN_ROLES, "Calls.InitiateGroupCall.All", "Calls.Initiate.All"]),
    cmdlet: "New-MgCommunicationCall",
    clouds: CALLS_CLOUDS,
  },
  getCall: {
    name: "getCall",
    summary: "get a call",
    method: "GET",
    path: CALL,
    roles: CALL_ROLES,
    cmdlet: "Get-MgCommunicationCall",
    clouds: CALLS_CLOUDS,
    checkedAtCreation: true,
  },
  hangUp: {
    name: "hangUp",
    summary: "hang up (leave the call)",
    method: "DELETE",
    path: CALL,
    roles: CALL_ROLES,
    cmdlet: "Remove-MgCommunicationCall",
    clouds: CALLS_CLOUDS,
    checkedAtCreation: true,
    repeatable: true,
  },
  keepAlive: {
    name: "keepAlive",
    summary: "keep a call alive",
    method: "POST",
    path: `${CALL}/keepAlive`,
    roles: CALL_ROLES,
    cmdlet: undefined,
    clouds: CALLS_CLOUDS,
    checkedAtCreation: true,
  },
  lookup: {
    name: "lookup",
    summary: "look up a user",
    method: "GET",
    path: "/users/{userId}",
    roles: Object.freeze([
      "User.Read.All",
      "User.ReadWrite.All",
      "Directory.Read.All",
      "Directory.ReadWrite.All",
    ]),
    cmdlet: "Get-MgUser",
    clouds: CLOUD_NAMES,
  },
  batch: {
    name: "batch",
    summary: "send a JSON batch",
    method: "POST",
    path: "/$batch",
    roles: Object.freeze([]),
    cmdlet: "Invoke-MgBatchRequest",
    clouds: CLOUD_NAMES,
    repeatable: true,
  },
});

/** The operation names, in catalogue order. */
export const OPERATION_NAMES: readonly OperationName[] = Object.freeze(
  Object.keys(OPERATION_CATALOGUE) as OperationName[],
);

/**
 * The participant operations (the roles doctor checks and the tenant-setup script lists by
 * default; the meeting path adds `join` and `lookup`).
 */
export const PARTICIPANT_OPERATIONS: readonly OperationName[] = Object.freeze([
  "remove",
  "get",
  "mute",
  "list",
  "invite",
]);

/** The catalogue entry for a name. */
export function operation(name: OperationName): OperationSpec {
  return OPERATION_CATALOGUE[name];
}

/** Whether a string names an operation of the catalogue. */
export function isOperationName(value: string): value is OperationName {
  return Object.hasOwn(OPERATION_CATALOGUE, value);
}

/**
 * The path of an operation with its parameters: each is checked as an id (the error names the
 * field given in `fields`, or the parameter) and URL-encoded; a `userId` is an object id or a
 * UPN, encoded as Graph's user-get page says (user_key.ts).
 *
 * @example The path of a removal
 * ```ts
 * import { operationPath } from "./operations.ts";
 * console.log(operationPath("remove", { callId: "c1", participantId: "p1" }));
 * // /communications/calls/c1/participants/p1
 * ```
 */
export function operationPath(
  name: OperationName,
  params: Readonly<Record<string, string>> = {},
  fields: Readonly<Record<string, string>> = {},
): string {
  return OPERATION_CATALOGUE[name].path.replace(/\{(\w+)\}/g, (_m, key: string) => {
    const field = fields[key] ?? key;
    return key === "userId"
      ? userPathSegment(params[key], field)
      : encodeURIComponent(checkId(params[key], field));
  });
}

/** Refuses, before anything is sent, an operation Graph does not offer in a cloud. */
export function ensureOffered(name: OperationName, cloud: CloudName): void {
  const op = OPERATION_CATALOGUE[name];
  if (op.clouds.includes(cloud)) return;
  throw new GraphcallError(
    "not_supported",
    `"${op.summary}" is not available in the ${cloud} cloud${
      cloud === "China" ? " (21Vianet)" : ""
    }: Microsoft Graph does not offer ${op.method} ${op.path} there; nothing was sent`,
  );
}

/**
 * The roles that allow an operation, least privileged first.
 *
 * @example What does removal need?
 * ```ts
 * import { requiredRoles } from "./operations.ts";
 * console.log(requiredRoles("remove")); // ["Calls.JoinGroupCall.All", "Calls.JoinGroupCallAsGuest.All"]
 * ```
 */
export function requiredRoles(name: OperationName): readonly string[] {
  return OPERATION_CATALOGUE[name].roles;
}

/** Whether a token's roles allow an operation (case-insensitive). */
export function grants(roles: readonly string[] | undefined, name: OperationName): boolean {
  const needed = OPERATION_CATALOGUE[name].roles;
  if (needed.length === 0) return true;
  if (!roles) return false;
  const have = new Set(roles.map((r) => r.toLowerCase()));
  return needed.some((r) => have.has(r.toLowerCase()));
}

/**
 * The operations among `among` (default: the participant operations) that a token's roles allow.
 *
 * @example Which participant operations can this token do?
 * ```ts
 * import { grantedOperations } from "./operations.ts";
 * console.log(grantedOperations(["calls.joingroupcall.all"])); // ["remove", "get", "mute"]
 * ```
 */
export function grantedOperations(
  roles: readonly string[],
  among: readonly OperationName[] = PARTICIPANT_OPERATIONS,
): OperationName[] {
  return among.filter((name) => grants(roles, name));
}

/**
 * A warning for an operation the token's roles do not allow, or undefined when they do. Used
 * before a call that would fail with 403.
 */
export function missingRoleWarning(
  claims: { roles: readonly string[]; appid?: string | undefined },
  name: OperationName,
): string | undefined {
  if (grants(claims.roles, name)) return undefined;
  return `the token has no role that allows "${name}" (it has ${
    claims.roles.length ? claims.roles.join(", ") : "no roles at all"
  }); grant the application permission ${requiredRoles(name).join(" or ")} to app ${
    claims.appid ?? "(unknown)"
  } and have an admin consent to it`;
}
