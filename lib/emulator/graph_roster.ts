/**
 * Invitations and operations of the emulated calls, and how a roster changes over time.
 *
 * A roster is a participants map: a call's own, or its meeting's (then every call joined to the
 * meeting shares it). What the emulator keeps beside a roster (pending invitations, hidden
 * participants, the roster sequence) is keyed by that map, so it is shared the same way;
 * operations belong to the call that started them.
 *
 * Nothing runs on a timer: an invitation records when it was made and when its user answers
 * (`answer` and `answerAfterMs` of a seeded user), and every look at a call first calls
 * {@link resolveRoster} with the emulator's clock, which applies the answers that are due. Tests
 * move a fake clock instead of sleeping.
 *
 * Operation `status` uses the member names of Graph's `operationStatus` enum in Microsoft's
 * CSDL (`NotStarted`, `Running`, `Completed`, `Failed`) for the whole life of an operation: in
 * the invite answer, on GET and in notifications. (The docs' samples mix `Running` and
 * `completed`; clients should compare case-insensitively.)
 *
 * Assumptions (the real values are not documented; see docs/emulator.md, "Assumptions"):
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

import type { ResultInfo } from "./call_life.ts";
import type { EmulatedCall, EmulatedParticipant, EmulatedTenant } from "./state.ts";

export type { ResultInfo } from "./call_life.ts";

/** How long an identity that is not a seeded user takes to accept, ms. */
export const DEFAULT_ANSWER_AFTER_MS = 1_000;
/** How long an unanswered invitation rings before it fails, ms (the docs report about 60 s). */
export const DEFAULT_RING_TIMEOUT_MS = 60_000;

/** Graph's `operationStatus` members, as the CSDL names them. */
export type OperationStatus = "NotStarted" | "Running" | "Completed" | "Failed";

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
  operation: CommsOperation;
}

/** An operation (invite or mute). */
export interface CommsOperation {
  /** The id. */
  id: string;
  /** The call that started it. */
  callId: string;
  /** `#microsoft.graph.inviteParticipantsOperation` or `...muteParticipantOperation`. */
  type: string;
  /** Where it stands, as the CSDL names it. */
  status: OperationStatus;
  /** The caller's clientContext. */
  clientContext: string | null;
  /** Set when finished. */
  resultInfo: ResultInfo | null;
  /** The invitations (invite operations). */
  invitations: Invitation[];
}

/** What the emulator keeps beside a roster. */
export interface RosterExtras {
  /** Pending invitations by participant id. */
  invitations: Map<string, Invitation>;
  /** Participants hidden from the roster listing. */
  hidden: Set<string>;
  /** Roster sequence, bumped on each change. */
  sequence: number;
}

type Roster = Map<string, EmulatedParticipant>;

const rosters = new WeakMap<Roster, RosterExtras>();
const callOperations = new WeakMap<EmulatedCall, Map<string, CommsOperation>>();

/**
 * Finished operations kept readable per call; past it the oldest finished ones are forgotten (an
 * assumption: Graph documents no retention), so a long-running emulator's memory stays flat.
 */
export const MAX_FINISHED_OPERATIONS = 1000;

/** The extras of a roster (made on first use). */
export function rosterExtras(roster: Roster): RosterExtras {
  let e = rosters.get(roster);
  if (!e) rosters.set(roster, e = { invitations: new Map(), hidden: new Set(), sequence: 0 });
  return e;
}

/** The operations of a call (made on first use). */
export function operationsOf(call: EmulatedCall): Map<string, CommsOperation> {
  let ops = callOperations.get(call);
  if (!ops) callOperations.set(call, ops = new Map());
  if (ops.size > MAX_FINISHED_OPERATIONS * 1.1) forgetOldOperations(ops);
  return ops;
}

function forgetOldOperations(operations: Map<string, CommsOperation>): void {
  let excess = operations.size - MAX_FINISHED_OPERATIONS;
  for (const [id, op] of operations) {
    if (excess <= 0) break;
    if (op.status === "Running" || op.status === "NotStarted") continue;
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

/** Settles an operation whose invitations are all answered; returns whether it finished. */
function settle(op: CommsOperation): boolean {
  if (op.status !== "Running") return false;
  if (op.invitations.some((i) => i.state === "pending")) return false;
  const failed = op.invitations.find((i) => i.state !== "joined");
  if (!failed) {
    op.status = "Completed";
    op.resultInfo = { code: 200, subcode: 0, message: "The participants were added." };
    return true;
  }
  op.status = "Failed";
  op.resultInfo = failed.state === "declined"
    ? failure(603, "the invitee declined the call", failed.participantId)
    : failed.state === "noAnswer"
    ? failure(408, "the invitee did not answer", failed.participantId)
    : failure(487, "the invitation was cancelled", failed.participantId);
  return true;
}

/** What applying due answers changed. */
export interface RosterChange {
  /** Whether participants joined. */
  joined: boolean;
  /** Operations that finished. */
  settled: CommsOperation[];
}

const NO_CHANGE: RosterChange = Object.freeze({ joined: false, settled: [] }) as RosterChange;

/** Applies every answer due at `now`, in the order they fell due. */
export function resolveRoster(roster: Roster, now: number): RosterChange {
  const e = rosters.get(roster);
  if (!e || e.invitations.size === 0) return NO_CHANGE;
  const due = [...e.invitations.values()]
    .filter((i) => i.state === "pending" && i.invitedAt + i.answerAfterMs <= now)
    .sort((a, b) => (a.invitedAt + a.answerAfterMs) - (b.invitedAt + b.answerAfterMs));
  if (due.length === 0) return NO_CHANGE;
  const change: RosterChange = { joined: false, settled: [] };
  for (const inv of due) {
    if (inv.answer === "accept") {
      inv.state = "joined";
      roster.set(inv.participantId, {
        id: inv.participantId,
        identity: inv.identity,
        isMuted: false,
        isInLobby: false,
      });
      if (inv.hidden) e.hidden.add(inv.participantId);
      e.sequence++;
      change.joined = true;
    } else {
      inv.state = inv.answer === "decline" ? "declined" : "noAnswer";
    }
    e.invitations.delete(inv.participantId);
    if (settle(inv.operation)) change.settled.push(inv.operation);
  }
  return change;
}

/** When the next pending invitation of a roster is answered, ms; Infinity when none is. */
export function nextAnswerAt(roster: Roster): number {
  const e = rosters.get(roster);
  let next = Infinity;
  if (!e) return next;
  for (const i of e.invitations.values()) next = Math.min(next, i.invitedAt + i.answerAfterMs);
  return next;
}

/**
 * Cancels a pending invitation (a DELETE before the invitee joined); returns the operation it
 * belonged to, or undefined when no invitation is pending under that id.
 */
export function cancelInvitation(
  roster: Roster,
  participantId: string,
): CommsOperation | undefined {
  const e = rosters.get(roster);
  const inv = e?.invitations.get(participantId);
  if (!e || !inv || inv.state !== "pending") return undefined;
  inv.state = "cancelled";
  e.invitations.delete(participantId);
  settle(inv.operation);
  return inv.operation;
}

/** An operation as Graph shows it. */
export function operationJson(op: CommsOperation): Record<string, unknown> {
  const out: Record<string, unknown> = {
    "@odata.type": op.type,
    id: op.id,
    status: op.status,
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
