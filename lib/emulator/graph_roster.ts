/**
 * Invitations and operations of the emulated calls, and how the roster changes over time.
 *
 * Nothing runs on a timer: an invitation records when it was made and when its user answers
 * (`answer` and `answerAfterMs` of a seeded user), and every read of a call first calls
 * {@link resolveCall} with the emulator's clock, which applies the answers that are due. Tests
 * move a fake clock instead of sleeping.
 *
 * Assumptions (the real values are not documented; see the README, "Emulator assumptions"):
 * - an invited participant is not in the roster until it joins; its id is the invitation's
 *   `participantId` (the caller's, or one the emulator makes up);
 * - an identity that is not a seeded user accepts after {@link DEFAULT_ANSWER_AFTER_MS}; a user
 *   with `answer: "noAnswer"` and no `answerAfterMs` rings for {@link DEFAULT_RING_TIMEOUT_MS};
 * - the failed operation's `resultInfo` uses SIP-like codes: decline 603, no answer 408,
 *   cancelled by a DELETE 487, each with `subcode` 0 and a message ending in `DiagCode: c#s`;
 * - operations stay readable after they complete or fail.
 *
 * @module
 */

import type { EmulatedCall, EmulatedParticipant, EmulatedTenant } from "./state.ts";

/** How long an identity that is not a seeded user takes to accept, ms. */
export const DEFAULT_ANSWER_AFTER_MS = 1_000;
/** How long an unanswered invitation rings before it fails, ms (the docs report about 60 s). */
export const DEFAULT_RING_TIMEOUT_MS = 60_000;

/** `{code, subcode, message}` of a finished operation. */
export interface ResultInfo {
  /** Generic success or failure code. */
  code: number;
  /** Detail code. */
  subcode: number;
  /** Message. */
  message: string;
}

/** One invited participant. */
export interface Invitation {
  /** The participant id the participant gets on joining. */
  participantId: string;
  /** The identity set invited. */
  identity: Record<string, unknown>;
  /** Hidden from the roster. */
  hidden: boolean;
  /** The echoed `replacesCallId`. */
  replacesCallId: string | null;
  /** When the invitation was made, ms. */
  invitedAt: number;
  /** What the invitee does. */
  answer: "accept" | "decline" | "noAnswer";
  /** After how long, ms. */
  answerAfterMs: number;
  /** Where it stands. */
  state: "pending" | "joined" | "declined" | "noAnswer" | "cancelled";
  /** The operation it belongs to. */
  operationId: string;
}

/** An operation (invite or mute). */
export interface CommsOperation {
  /** The id. */
  id: string;
  /** `#microsoft.graph.inviteParticipantsOperation` or `...muteParticipantOperation`. */
  type: string;
  /** notStarted | running | completed | failed. */
  status: "running" | "completed" | "failed";
  /** The caller's clientContext. */
  clientContext: string | null;
  /** Set when finished. */
  resultInfo: ResultInfo | null;
  /** The invitations (invite operations). */
  invitations: Invitation[];
}

/** What the emulator keeps per call beyond the roster. */
export interface CallExtras {
  /** Invitations by participant id. */
  invitations: Map<string, Invitation>;
  /** Operations by id. */
  operations: Map<string, CommsOperation>;
  /** Participants hidden from the roster listing. */
  hidden: Set<string>;
  /** Roster sequence, bumped on each change. */
  sequence: number;
}

const extras = new WeakMap<EmulatedCall, CallExtras>();

/**
 * Finished operations kept readable per call; past it the oldest finished ones are forgotten (an
 * assumption: Graph documents no retention), so a long-running emulator's memory stays flat.
 */
export const MAX_FINISHED_OPERATIONS = 1000;

/** The extras of a call (made on first use). */
export function callExtras(call: EmulatedCall): CallExtras {
  let e = extras.get(call);
  if (!e) {
    extras.set(
      call,
      e = { invitations: new Map(), operations: new Map(), hidden: new Set(), sequence: 0 },
    );
  }
  if (e.operations.size > MAX_FINISHED_OPERATIONS * 1.1) forgetOldOperations(e.operations);
  return e;
}

function forgetOldOperations(operations: Map<string, CommsOperation>): void {
  let excess = operations.size - MAX_FINISHED_OPERATIONS;
  for (const [id, op] of operations) {
    if (excess <= 0) break;
    if (op.status === "running") continue;
    operations.delete(id);
    excess--;
  }
}

/** How an identity answers: from the seeded user, or accept. */
export function answerOf(
  tenant: EmulatedTenant,
  identity: Record<string, unknown>,
): { answer: Invitation["answer"]; answerAfterMs: number } {
  const user = identity.user as { id?: unknown } | undefined;
  const seeded = typeof user?.id === "string" ? tenant.users.get(user.id.toLowerCase()) : undefined;
  const answer = seeded?.answer ?? "accept";
  const fallback = answer === "noAnswer" ? DEFAULT_RING_TIMEOUT_MS : DEFAULT_ANSWER_AFTER_MS;
  const after = seeded?.answerAfterMs;
  return {
    answer,
    answerAfterMs: typeof after === "number" && after >= 0 ? after : fallback,
  };
}

function failure(code: number, what: string, participantId: string): ResultInfo {
  return {
    code,
    subcode: 0,
    message:
      `addParticipants failed for participant ${participantId}. Underlying reason: ${what}. DiagCode: ${code}#0`,
  };
}

function settle(op: CommsOperation): void {
  if (op.status !== "running") return;
  if (op.invitations.some((i) => i.state === "pending")) return;
  const failed = op.invitations.find((i) => i.state !== "joined");
  if (!failed) {
    op.status = "completed";
    op.resultInfo = { code: 200, subcode: 0, message: "The participants were added." };
    return;
  }
  op.status = "failed";
  op.resultInfo = failed.state === "declined"
    ? failure(603, "the invitee declined the call", failed.participantId)
    : failed.state === "noAnswer"
    ? failure(408, "the invitee did not answer", failed.participantId)
    : failure(487, "the invitation was cancelled", failed.participantId);
}

/** Applies every answer due at `now`, in the order they fell due. */
export function resolveCall(call: EmulatedCall, now: number): void {
  const e = callExtras(call);
  const due = [...e.invitations.values()]
    .filter((i) => i.state === "pending" && i.invitedAt + i.answerAfterMs <= now)
    .sort((a, b) => (a.invitedAt + a.answerAfterMs) - (b.invitedAt + b.answerAfterMs));
  for (const inv of due) {
    if (inv.answer === "accept") {
      inv.state = "joined";
      const participant: EmulatedParticipant = {
        id: inv.participantId,
        identity: inv.identity,
        isMuted: false,
        isInLobby: false,
      };
      call.participants.set(inv.participantId, participant);
      if (inv.hidden) e.hidden.add(inv.participantId);
      e.sequence++;
    } else {
      inv.state = inv.answer === "decline" ? "declined" : "noAnswer";
    }
    e.invitations.delete(inv.participantId);
    const op = e.operations.get(inv.operationId);
    if (op) settle(op);
  }
}

/** Cancels a pending invitation (a DELETE before the invitee joined). */
export function cancelInvitation(call: EmulatedCall, participantId: string): boolean {
  const e = callExtras(call);
  const inv = e.invitations.get(participantId);
  if (!inv || inv.state !== "pending") return false;
  inv.state = "cancelled";
  e.invitations.delete(participantId);
  const op = e.operations.get(inv.operationId);
  if (op) settle(op);
  return true;
}

/** An operation as Graph shows it. */
export function operationJson(op: CommsOperation, status?: string): Record<string, unknown> {
  const out: Record<string, unknown> = {
    "@odata.type": op.type,
    id: op.id,
    status: status ?? op.status,
    clientContext: op.clientContext,
    resultInfo: op.resultInfo,
  };
  if (op.type === "#microsoft.graph.inviteParticipantsOperation") {
    out.participants = op.invitations.map((i) => ({
      "@odata.type": "#microsoft.graph.invitationParticipantInfo",
      endpointType: null,
      id: null,
      replacesCallId: i.replacesCallId,
      hidden: i.hidden,
      participantId: i.participantId,
      identity: i.identity,
    }));
  }
  return out;
}
