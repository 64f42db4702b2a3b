/**
 * Identity builders for invitations: `user`, `phone`, `guest`, `application`, each returning a
 * Graph identity set (`communicationsIdentitySet`) with its input checked.
 *
 * @module
 */

import { InvalidInputError } from "../errors.ts";
import { isGuid } from "../identifiers.ts";
import { checkId } from "./ids.ts";

/** One identity inside an identity set. Unknown keys are kept. */
export interface Identity {
  /** The id: an Entra object id, an app id, an E.164 number, or a guest id. */
  id: string;
  /** Display name. */
  displayName?: string;
  /** The identity's tenant. */
  tenantId?: string;
  /** Other properties (e.g. `identityProvider`, `@odata.type`). */
  [key: string]: unknown;
}

/** A Graph identity set: one of its keys names the kind of identity. */
export interface IdentitySet {
  /** An Entra user. */
  user?: Identity;
  /** A phone number. */
  phone?: Identity;
  /** A guest (anonymous) identity. */
  guest?: Identity;
  /** An application (bot). */
  application?: Identity;
  /** Other kinds (applicationInstance, device, ...). */
  [key: string]: Identity | string | undefined;
}

/** E.164: `+`, a non-zero digit, 7 to 15 digits in all. */
export const E164_RE = /^\+[1-9]\d{6,14}$/;

/** Returns the number if it is E.164; throws naming the field otherwise. */
export function checkE164(value: unknown, field = "phone"): string {
  if (typeof value !== "string" || !E164_RE.test(value)) {
    throw new InvalidInputError(
      field,
      "use an E.164 number: + then the country code and number, digits only (e.g. +14255550123)",
    );
  }
  return value;
}

function checkGuid(value: unknown, field: string): string {
  if (typeof value !== "string" || !isGuid(value)) {
    throw new InvalidInputError(field, "must be a GUID like 278405a3-f568-4b3e-b684-009193463064");
  }
  return value;
}

/**
 * An Entra user, by object id.
 *
 * @example Invite a user of another tenant
 * ```ts
 * import { user } from "./identities.ts";
 * const who = user("278405a3-f568-4b3e-b684-009193463064", { displayName: "Adele Vance" });
 * console.log(who.user?.id);
 * ```
 */
export function user(
  objectId: string,
  options: { tenantId?: string; displayName?: string } = {},
): IdentitySet {
  const id = checkGuid(objectId, "user");
  const identity: Identity = { id, identityProvider: "AAD" };
  if (options.tenantId !== undefined) identity.tenantId = checkGuid(options.tenantId, "tenantId");
  if (options.displayName !== undefined) identity.displayName = options.displayName;
  return { user: identity };
}

/**
 * A phone number (PSTN), in E.164.
 *
 * @example Dial a number
 * ```ts
 * import { phone } from "./identities.ts";
 * console.log(phone("+14255550123").phone?.id);
 * ```
 */
export function phone(e164: string): IdentitySet {
  return { phone: { "@odata.type": "#microsoft.graph.identity", id: checkE164(e164, "phone") } };
}

/**
 * A guest identity, by display name and an id of the caller's choosing.
 *
 * @example A named guest
 * ```ts
 * import { guest } from "./identities.ts";
 * console.log(guest("Visitor", "visitor-1").guest?.displayName);
 * ```
 */
export function guest(displayName: string, id: string): IdentitySet {
  if (typeof displayName !== "string" || displayName.trim() === "") {
    throw new InvalidInputError("guest", "a display name is required");
  }
  return { guest: { id: checkId(id, "guest id"), displayName } };
}

/**
 * An application (bot), by app id.
 *
 * @example Invite a bot
 * ```ts
 * import { application } from "./identities.ts";
 * console.log(application("0b5e8a21-6c4f-4d2e-9a57-3f1c2d8e7b60").application?.id);
 * ```
 */
export function application(appId: string): IdentitySet {
  return { application: { id: checkGuid(appId, "application") } };
}
