/**
 * Invitations: the body of `POST .../participants/invite`, built from identities or checked when
 * given raw, against `invitationParticipantInfo` (reference sections 1.2 and 2.3), before anything
 * is sent. Errors name the field.
 *
 * @module
 */

import { InvalidInputError } from "../errors.ts";
import { checkE164, type IdentitySet } from "./identities.ts";
import { checkId, printable } from "./ids.ts";
import type { ResponseMeta } from "./graph_http.ts";

/** The longest `clientContext` Graph accepts. */
export const MAX_CLIENT_CONTEXT = 256;

/**
 * graphcall's own bounds on an invitation (Graph documents none; these refuse hostile or broken
 * input before it is sent): invitees per request, and characters per identity property.
 */
export const INVITE_LIMITS: Readonly<{ participants: 1000; identityValue: 1024 }> = Object.freeze({
  participants: 1000,
  identityValue: 1024,
});

// C0/C1 controls, zero-width and bidi controls, BOM: never meaningful in an identity.
const HIDDEN_CHARACTERS = new RegExp(
  // deno-lint-ignore no-control-regex
  /[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff]/.source,
);

/** One participant to invite (Graph's `invitationParticipantInfo`). */
export interface InvitationParticipantInfo {
  /** Who to invite. */
  identity: IdentitySet;
  /** The participant id the invitee gets; lets the invitation be cancelled by DELETE. */
  participantId?: string;
  /** Hide the participant from the roster. */
  hidden?: boolean;
  /** The call the invitee is in now, to be replaced (one participant only). */
  replacesCallId?: string;
  /** Keep the participant out of the default audio routing group. */
  removeFromDefaultAudioRoutingGroup?: boolean;
  /** `/beta` only. */
  endpointType?: string;
  /** Graph's type tag. */
  "@odata.type"?: string;
}

/** The body of an invitation. */
export interface InviteBody {
  /** Who to invite. */
  participants: InvitationParticipantInfo[];
  /** Echoed in the operation; at most 256 characters. */
  clientContext?: string;
}

/** Options for `call.invite()`. */
export interface InviteOptions {
  /** Echoed in the operation; at most 256 characters. */
  clientContext?: string;
  /** The invitee's participant id (one identity only); generated when absent. */
  participantId?: string;
  /** Hide the participants from the roster. */
  hidden?: boolean;
  /** The call the invitee is in now (one identity only). */
  replacesCallId?: string;
  /** Keep the participants out of the default audio routing group. */
  removeFromDefaultAudioRoutingGroup?: boolean;
  /** Extra request headers. */
  headers?: Record<string, string>;
  /** Abort signal. */
  signal?: AbortSignal;
  /** Return the request instead of sending it. */
  dryRun?: boolean;
}

/** `{code, subcode, message}` of a finished operation. */
export interface ResultInfo {
  /** Generic success or failure code. */
  code?: number;
  /** Detail code. */
  subcode?: number;
  /** Message. */
  message?: string;
}

/** Graph's `inviteParticipantsOperation` (unknown keys kept). */
export interface InviteParticipantsOperation {
  /** The operation id. */
  id: string;
  /** `notStarted`, `running`, `completed` or `failed`; compare case-insensitively. */
  status: string | null;
  /** The caller's clientContext. */
  clientContext?: string | null;
  /** Set when finished. */
  resultInfo?: ResultInfo | null;
  /** The invitations, as Graph echoes them. */
  participants?: Record<string, unknown>[];
  /** Other properties. */
  [key: string]: unknown;
}

/** What an invitation returns. */
export interface InviteResult extends ResponseMeta {
  /** The call id. */
  callId: string;
  /** The operation id (from the body, else the `Location` header). */
  operationId: string;
  /** The `Location` header. */
  location: string | undefined;
  /** The operation as returned. */
  operation: InviteParticipantsOperation;
  /** The invitees and the participant id each will have (use it to cancel or wait). */
  participants: { participantId: string | undefined; identity: IdentitySet }[];
}

const PARTICIPANT_KEYS = new Set([
  "@odata.type",
  "identity",
  "participantId",
  "hidden",
  "replacesCallId",
  "removeFromDefaultAudioRoutingGroup",
  "endpointType",
]);

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Checks a `clientContext`; returns it. */
export function checkClientContext(value: unknown, field = "clientContext"): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== "string") throw new InvalidInputError(field, "must be a string");
  if (value.length > MAX_CLIENT_CONTEXT) {
    throw new InvalidInputError(
      field,
      `is ${value.length} characters long; Graph accepts at most ${MAX_CLIENT_CONTEXT}`,
    );
  }
  return value;
}

/** Checks an identity set; throws naming the field. */
export function checkIdentitySet(value: unknown, field: string): IdentitySet {
  if (!isObject(value)) throw new InvalidInputError(field, "must be an identity set object");
  const kinds = Object.keys(value).filter((k) => k !== "@odata.type" && value[k] !== null);
  if (kinds.length === 0) {
    throw new InvalidInputError(field, "must name an identity (user, phone, guest, application)");
  }
  for (const kind of kinds) {
    const who = value[kind];
    if (!isObject(who)) {
      throw new InvalidInputError(`${field}.${printable(kind)}`, "must be an object");
    }
    if (typeof who.id !== "string" || who.id === "") {
      throw new InvalidInputError(`${field}.${printable(kind)}.id`, "is required");
    }
    for (const [name, v] of Object.entries(who)) {
      const at = `${field}.${printable(kind)}.${printable(name)}`;
      if (v === null || typeof v === "boolean") continue;
      if (typeof v !== "string") throw new InvalidInputError(at, "must be a string");
      if (v.length > INVITE_LIMITS.identityValue) {
        throw new InvalidInputError(
          at,
          `is ${v.length} characters long; at most ${INVITE_LIMITS.identityValue}`,
        );
      }
      if (HIDDEN_CHARACTERS.test(v) || !v.isWellFormed()) {
        throw new InvalidInputError(at, "contains control, invisible or unpaired characters");
      }
    }
    if (kind === "phone") checkE164(who.id, `${field}.phone.id`);
  }
  return value as IdentitySet;
}

/**
 * Checks an invitation body against `invitationParticipantInfo`; returns it. `version` decides
 * whether `endpointType` (beta only) is allowed.
 *
 * @example A raw body with an unknown property is refused, naming it
 * ```ts
 * import { checkInviteBody } from "./invite.ts";
 * try {
 *   checkInviteBody({ participants: [{ identity: { user: { id: "x" } }, colour: "red" }] });
 * } catch (e) {
 *   console.log((e as Error).message); // participants[0].colour: ...
 * }
 * ```
 */
export function checkInviteBody(body: unknown, version: "v1.0" | "beta" = "v1.0"): InviteBody {
  if (!isObject(body)) throw new InvalidInputError("body", "must be a JSON object");
  for (const key of Object.keys(body)) {
    if (key !== "participants" && key !== "clientContext" && key !== "@odata.type") {
      throw new InvalidInputError(
        printable(key),
        "is not a property of an invitation (participants, clientContext)",
      );
    }
  }
  checkClientContext(body.clientContext);
  const participants = body.participants;
  if (!Array.isArray(participants) || participants.length === 0) {
    throw new InvalidInputError("participants", "must be a non-empty array");
  }
  if (participants.length > INVITE_LIMITS.participants) {
    throw new InvalidInputError(
      "participants",
      `${participants.length} invitees; at most ${INVITE_LIMITS.participants} per request`,
    );
  }
  participants.forEach((p, i) => {
    const at = `participants[${i}]`;
    if (!isObject(p)) {
      throw new InvalidInputError(at, "must be an invitationParticipantInfo object");
    }
    for (const key of Object.keys(p)) {
      if (!PARTICIPANT_KEYS.has(key)) {
        throw new InvalidInputError(
          `${at}.${printable(key)}`,
          "is not a property of invitationParticipantInfo",
        );
      }
      if (key === "endpointType" && version !== "beta") {
        throw new InvalidInputError(`${at}.endpointType`, "exists only on /beta");
      }
    }
    checkIdentitySet(p.identity, `${at}.identity`);
    for (const flag of ["hidden", "removeFromDefaultAudioRoutingGroup"]) {
      if (p[flag] !== undefined && typeof p[flag] !== "boolean") {
        throw new InvalidInputError(`${at}.${flag}`, "must be true or false");
      }
    }
    if (p.participantId !== undefined) checkId(p.participantId, `${at}.participantId`);
    if (p.replacesCallId !== undefined) checkId(p.replacesCallId, `${at}.replacesCallId`);
  });
  if (participants.length > 1 && participants.some((p) => isObject(p) && p.replacesCallId)) {
    throw new InvalidInputError(
      "participants",
      "with replacesCallId only one participant is allowed (Graph ignores the others)",
    );
  }
  return body as unknown as InviteBody;
}

/** Builds an invitation body from identities and options (participant ids generated). */
export function buildInviteBody(identities: IdentitySet[], options: InviteOptions): InviteBody {
  if (!Array.isArray(identities) || identities.length === 0) {
    throw new InvalidInputError("identities", "name at least one identity to invite");
  }
  if (identities.length > INVITE_LIMITS.participants) {
    throw new InvalidInputError(
      "identities",
      `${identities.length} invitees; at most ${INVITE_LIMITS.participants} per request`,
    );
  }
  if (identities.length > 1 && options.participantId !== undefined) {
    throw new InvalidInputError("participantId", "can be chosen only when inviting one identity");
  }
  if (identities.length > 1 && options.replacesCallId !== undefined) {
    throw new InvalidInputError("replacesCallId", "works with one identity only");
  }
  const clientContext = checkClientContext(options.clientContext);
  const participants = identities.map((identity, i) => {
    const p: InvitationParticipantInfo = {
      "@odata.type": "#microsoft.graph.invitationParticipantInfo",
      identity: checkIdentitySet(identity, `identities[${i}]`),
      participantId: options.participantId !== undefined
        ? checkId(options.participantId, "participantId")
        : crypto.randomUUID(),
    };
    if (options.hidden !== undefined) p.hidden = options.hidden;
    if (options.replacesCallId !== undefined) {
      p.replacesCallId = checkId(options.replacesCallId, "replacesCallId");
    }
    if (options.removeFromDefaultAudioRoutingGroup !== undefined) {
      p.removeFromDefaultAudioRoutingGroup = options.removeFromDefaultAudioRoutingGroup;
    }
    return p;
  });
  return { participants, ...(clientContext !== undefined ? { clientContext } : {}) };
}
