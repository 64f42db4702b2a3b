/**
 * `POST /communications/calls/{id}/participants/invite` in the emulator: checks the body as the
 * reference (section 1.2, 2.3) describes it, records the invitations, and answers 200 with a
 * `Location` header and an `inviteParticipantsOperation` whose status is `Running` (later
 * `Completed` or `Failed`: the CSDL's member names, see graph_roster.ts).
 *
 * Rules kept: `participants` non-empty and at most the docs' limit for one invitation (5, the
 * `inviteLimit` setting); `clientContext` at most 256 characters; an identity set with at least
 * one identity; at most one application (bot) per invitation; every participant's
 * `replacesCallId` is kept and echoed; `endpointType` only on `/beta`; unknown properties
 * refused (an assumption: Graph refuses properties its schema lacks). A `participantId` already
 * in the roster or pending answers 409 (an assumption).
 *
 * @module
 */

import type { EmulatedCall, EmulatedTenant } from "./state.ts";
import {
  answerOf,
  type CommsOperation,
  type Invitation,
  operationsOf,
  rosterExtras,
} from "./graph_roster.ts";

/** A problem with the body, as a 4xx answer. */
export interface InviteRefusal {
  /** HTTP status. */
  status: number;
  /** Graph code. */
  code: string;
  /** Message. */
  message: string;
}

const IDENTITY_KINDS = new Set([
  "user",
  "phone",
  "guest",
  "application",
  "applicationInstance",
  "device",
  "azureCommunicationServicesUser",
  "encrypted",
  "onPremises",
  "assertedIdentity",
  "acsUser",
  "spoolUser",
]);
const PARTICIPANT_KEYS = new Set([
  "@odata.type",
  "hidden",
  "identity",
  "participantId",
  "removeFromDefaultAudioRoutingGroup",
  "replacesCallId",
]);
const E164 = /^\+[1-9]\d{6,14}$/;
/** Invitees per request, as the docs state ("Inviting up to 5 participants is supported"). */
export const DEFAULT_INVITE_LIMIT = 5;
/** Characters per identity property: the emulator's assumption. */
const MAX_IDENTITY_VALUE = 1024;
const MAX_ID = 256;
// C0/C1 controls, zero-width and bidi controls, BOM.
// deno-lint-ignore no-control-regex
const HIDDEN = /[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff]/;

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function bad(message: string): InviteRefusal {
  return { status: 400, code: "BadRequest", message };
}

/** Checks an invite body; returns the refusal, or undefined when it is acceptable. */
export function checkInviteBody(
  body: unknown,
  version: string,
  limit: number = DEFAULT_INVITE_LIMIT,
): InviteRefusal | undefined {
  if (!isObject(body)) return bad("The request body must be a JSON object.");
  for (const key of Object.keys(body)) {
    if (key !== "participants" && key !== "clientContext" && key !== "@odata.type") {
      return bad(`The property '${key}' does not exist on type 'invite'.`);
    }
  }
  if (body.clientContext !== undefined && body.clientContext !== null) {
    if (typeof body.clientContext !== "string") return bad("clientContext must be a string.");
    if (body.clientContext.length > 256) {
      return bad("clientContext must be at most 256 characters.");
    }
  }
  const participants = body.participants;
  if (!Array.isArray(participants) || participants.length === 0) {
    return bad("At least one participant must be specified in 'participants'.");
  }
  if (participants.length > limit) {
    return bad(`At most ${limit} participants may be invited in one request.`);
  }
  let applications = 0;
  for (const [i, p] of participants.entries()) {
    const at = `participants[${i}]`;
    if (!isObject(p)) return bad(`${at} must be an invitationParticipantInfo object.`);
    for (const key of Object.keys(p)) {
      if (!PARTICIPANT_KEYS.has(key) && !(key === "endpointType" && version === "beta")) {
        return bad(`The property '${key}' does not exist on type 'invitationParticipantInfo'.`);
      }
    }
    for (const flag of ["hidden", "removeFromDefaultAudioRoutingGroup"]) {
      if (p[flag] !== undefined && typeof p[flag] !== "boolean") {
        return bad(`${at}.${flag} must be a boolean.`);
      }
    }
    for (const idField of ["participantId", "replacesCallId"]) {
      const v = p[idField];
      if (
        v !== undefined && v !== null &&
        (typeof v !== "string" || !/^[^/?#%\\\s]+$/.test(v) || v.includes("..") ||
          v.length > MAX_ID ||
          HIDDEN.test(v) || !v.isWellFormed())
      ) {
        return bad(`${at}.${idField} is not a valid id.`);
      }
    }
    const identity = p.identity;
    if (!isObject(identity)) return bad(`${at}.identity is required.`);
    const kinds = Object.keys(identity).filter((k) => k !== "@odata.type");
    if (kinds.length === 0) return bad(`${at}.identity must name at least one identity.`);
    let named = 0;
    for (const kind of kinds) {
      const who = identity[kind];
      if (who === null) continue;
      if (!IDENTITY_KINDS.has(kind)) {
        return bad(`The property '${kind}' does not exist on type 'communicationsIdentitySet'.`);
      }
      if (!isObject(who)) return bad(`${at}.identity.${kind} must be an identity object.`);
      if (typeof who.id !== "string" || who.id.length === 0) {
        return bad(`${at}.identity.${kind}.id is required.`);
      }
      for (const [name, v] of Object.entries(who)) {
        if (v !== null && typeof v !== "string" && typeof v !== "boolean") {
          return bad(`${at}.identity.${kind}.${name} must be a primitive value.`);
        }
        if (typeof v === "string" && v.length > MAX_IDENTITY_VALUE) {
          return bad(`${at}.identity.${kind}.${name} is too long.`);
        }
        if (typeof v === "string" && (HIDDEN.test(v) || !v.isWellFormed())) {
          return bad(`${at}.identity.${kind}.${name} contains control or invisible characters.`);
        }
      }
      if (kind === "phone" && !E164.test(who.id)) {
        return bad(`${at}.identity.phone.id must be an E.164 number such as +12345678901.`);
      }
      if (kind === "application") applications++;
      named++;
    }
    if (named === 0) return bad(`${at}.identity must name at least one identity.`);
  }
  if (applications > 1) {
    return bad("An application may not invite more than one bot to a call.");
  }
  return undefined;
}

/** Records the invitations of a checked body; returns the operation, or a 409 refusal. */
export function createInvitation(
  tenant: EmulatedTenant,
  call: EmulatedCall,
  body: { participants: Record<string, unknown>[]; clientContext?: string | null },
  now: number,
): CommsOperation | InviteRefusal {
  const roster = rosterExtras(call.participants);
  const op: CommsOperation = {
    id: crypto.randomUUID(),
    callId: call.id,
    type: "#microsoft.graph.inviteParticipantsOperation",
    status: "Running",
    clientContext: typeof body.clientContext === "string" ? body.clientContext : null,
    resultInfo: null,
    invitations: [],
  };
  const seen = new Set<string>();
  for (const p of body.participants) {
    const participantId = typeof p.participantId === "string"
      ? p.participantId
      : crypto.randomUUID();
    if (
      call.participants.has(participantId) || roster.invitations.has(participantId) ||
      seen.has(participantId)
    ) {
      return {
        status: 409,
        code: "Conflict",
        message: `Participant '${participantId}' is already in the call or invited.`,
      };
    }
    seen.add(participantId);
    const identity = p.identity as Record<string, unknown>;
    op.invitations.push(
      {
        participantId,
        identity,
        hidden: p.hidden === true,
        replacesCallId: typeof p.replacesCallId === "string" ? p.replacesCallId : null,
        invitedAt: now,
        ...answerOf(tenant, identity),
        state: "pending",
        operation: op,
      } satisfies Invitation,
    );
  }
  for (const inv of op.invitations) roster.invitations.set(inv.participantId, inv);
  operationsOf(call).set(op.id, op);
  return op;
}
