/**
 * Which application permission (the token's `roles`) each participant operation needs.
 * Facts: ../shared/reference/graph-participants.md section 3. Compared case-insensitively: the
 * docs print `Calls.JoinGroupCallasGuest.All`, the app role value is `...AsGuest.All`.
 *
 * @module
 */

/** The participant operations graphcall performs. */
export type Operation = "remove" | "get" | "mute" | "list" | "invite";

/** Roles that grant each operation, least privileged first. Any one of them is enough. */
export const REQUIRED_ROLES: Readonly<Record<Operation, readonly string[]>> = Object.freeze({
  remove: Object.freeze(["Calls.JoinGroupCall.All", "Calls.JoinGroupCallAsGuest.All"]),
  get: Object.freeze(["Calls.JoinGroupCall.All", "Calls.JoinGroupCallAsGuest.All"]),
  mute: Object.freeze(["Calls.JoinGroupCall.All", "Calls.JoinGroupCallAsGuest.All"]),
  list: Object.freeze(["Calls.Initiate.All", "Calls.AccessMedia.All"]),
  invite: Object.freeze(["Calls.InitiateGroupCall.All"]),
});

/** The operations, in a stable order. */
export const OPERATIONS: readonly Operation[] = Object.freeze(
  Object.keys(REQUIRED_ROLES) as Operation[],
);

/**
 * The roles that grant an operation.
 *
 * @example What does removal need?
 * ```ts
 * import { requiredRoles } from "./required_roles.ts";
 * console.log(requiredRoles("remove")); // ["Calls.JoinGroupCall.All", "Calls.JoinGroupCallAsGuest.All"]
 * ```
 */
export function requiredRoles(operation: Operation): readonly string[] {
  return REQUIRED_ROLES[operation];
}

/** Whether a token's roles grant an operation (case-insensitive). */
export function grants(roles: readonly string[] | undefined, operation: Operation): boolean {
  if (!roles) return false;
  const have = new Set(roles.map((r) => r.toLowerCase()));
  return REQUIRED_ROLES[operation].some((r) => have.has(r.toLowerCase()));
}
