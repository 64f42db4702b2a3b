/**
 * Teams meetings of the emulator: the seeded spec, the live meeting (whose roster every call
 * joined to it shares), the join links derived as Teams writes them, and how a join body finds
 * its meeting. The contract is ../shared/emulator-state.md, "Meetings, calls and users".
 *
 * @module
 */

import { InvalidInputError } from "../errors.ts";
import type { EmulatedCall, EmulatedParticipant } from "./emulated_call.ts";

/** A person in a seeded meeting: a seeded user, or a full identity set. */
export interface AttendeeSpec {
  /** The participant id the person has in the roster (made up when absent). */
  id?: string;
  /** A seeded user's id. */
  user?: string;
  /** A Graph identitySet (phone, guest, user of another tenant, ...). */
  identity?: Record<string, unknown>;
  /** Whether the person is muted. */
  isMuted?: boolean;
  /** Whether the person waits in the meeting's lobby. */
  isInLobby?: boolean;
}

/** A Teams meeting, as seeded. */
export interface MeetingSpec {
  /** The emulator's name for the meeting (admin API, state); not a Graph id. */
  id: string;
  /** The organizer: a seeded user's id (the long link's `Oid`). */
  organizer?: string;
  /** The subject. */
  subject?: string;
  /** The chat thread, e.g. `19:meeting_...@thread.v2` (derived from `id` when absent). */
  threadId?: string;
  /** The numeric meeting id of short links (derived from `id` when absent). */
  joinMeetingId?: string;
  /** The passcode a join by meeting id must give; absent: none asked. */
  passcode?: string;
  /** `open`: a joining app is admitted at once; `lobby`: it waits to be admitted. */
  lobby?: "open" | "lobby";
  /** The people in the meeting. */
  attendees?: AttendeeSpec[];
}

/** A live meeting. */
export interface EmulatedMeeting {
  /** The emulator's name for it. */
  id: string;
  /** The organizer's user id. */
  organizer: string | undefined;
  /** The subject. */
  subject: string | undefined;
  /** The chat thread id. */
  threadId: string;
  /** The numeric meeting id. */
  joinMeetingId: string;
  /** The passcode, if one is asked. */
  passcode: string | undefined;
  /** Lobby setting. */
  lobby: "open" | "lobby";
  /** The roster: the people and the app legs in the meeting. Calls joined to it share it. */
  participants: Map<string, EmulatedParticipant>;
  /** The calls joined to the meeting (ended ones leave). */
  calls: Set<EmulatedCall>;
}

/** The long and short join links of a meeting. */
export interface MeetingLinks {
  /** `https://teams.microsoft.com/l/meetup-join/{thread}/0?context={"Tid","Oid"}`. */
  joinWebUrl: string;
  /** `https://teams.microsoft.com/meet/{joinMeetingId}?p={passcode}`. */
  shortJoinUrl: string;
}

function fail(field: string, message: string): never {
  throw new InvalidInputError(`state.${field}`, message);
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** A small stable hash (FNV-1a, 32 bits) for derived ids. */
function hash32(text: string, salt: number): number {
  let h = 0x811c9dc5 ^ salt;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/** The thread id derived from a meeting's name, shaped as Teams writes them. */
export function derivedThreadId(meetingId: string): string {
  const bytes = new Uint8Array(24);
  for (let i = 0; i < 6; i++) new DataView(bytes.buffer).setUint32(i * 4, hash32(meetingId, i));
  const b64 = btoa(String.fromCharCode(...bytes)).replace(/=+$/, "").replace(/\+/g, "-")
    .replace(/\//g, "_");
  return `19:meeting_${b64}@thread.v2`;
}

/** The 13-digit meeting id derived from a meeting's name. */
export function derivedJoinMeetingId(meetingId: string): string {
  const a = String(hash32(meetingId, 101) % 10_000_000).padStart(7, "0");
  const b = String(hash32(meetingId, 202) % 1_000_000).padStart(6, "0");
  return `${(Number(a[0]) % 9) + 1}${a.slice(1)}${b}`;
}

/** Checks a meeting spec; throws naming the field. */
export function checkMeetingSpec(spec: unknown): asserts spec is MeetingSpec {
  if (!isObject(spec) || typeof spec.id !== "string" || !spec.id) {
    fail("tenants[].meetings[].id", "required");
  }
  for (const field of ["organizer", "subject", "threadId", "joinMeetingId", "passcode"] as const) {
    if (spec[field] !== undefined && typeof spec[field] !== "string") {
      fail(`tenants[].meetings[].${field}`, "must be a string");
    }
  }
  if (
    spec.threadId !== undefined && !/^19:\S+@thread\.(v2|skype|tacv2)$/.test(String(spec.threadId))
  ) {
    fail("tenants[].meetings[].threadId", "must look like 19:meeting_...@thread.v2");
  }
  if (spec.joinMeetingId !== undefined && !/^\d{6,20}$/.test(String(spec.joinMeetingId))) {
    fail("tenants[].meetings[].joinMeetingId", "must be 6 to 20 digits");
  }
  if (spec.lobby !== undefined && spec.lobby !== "open" && spec.lobby !== "lobby") {
    fail("tenants[].meetings[].lobby", 'must be "open" or "lobby"');
  }
  if (spec.attendees !== undefined && !Array.isArray(spec.attendees)) {
    fail("tenants[].meetings[].attendees", "must be an array");
  }
  for (const a of (spec.attendees ?? []) as unknown[]) checkAttendee(a);
}

/** Checks one attendee; throws naming the field. */
export function checkAttendee(a: unknown): asserts a is AttendeeSpec {
  const at = "tenants[].meetings[].attendees[]";
  if (!isObject(a)) fail(at, 'must be an object with "user" or "identity"');
  if (a.id !== undefined && (typeof a.id !== "string" || !a.id)) {
    fail(`${at}.id`, "must be a non-empty string");
  }
  if (a.user !== undefined && (typeof a.user !== "string" || !a.user)) {
    fail(`${at}.user`, "must be a seeded user's id");
  }
  if (a.identity !== undefined && !isObject(a.identity)) {
    fail(`${at}.identity`, "must be an identitySet object");
  }
  if ((a.user === undefined) === (a.identity === undefined)) {
    fail(at, 'give exactly one of "user" or "identity"');
  }
  for (const flag of ["isMuted", "isInLobby"] as const) {
    if (a[flag] !== undefined && typeof a[flag] !== "boolean") fail(`${at}.${flag}`, "boolean");
  }
}

/** Builds the live meeting; `person` turns an attendee into a participant. */
export function buildMeeting(
  spec: MeetingSpec,
  person: (a: AttendeeSpec) => EmulatedParticipant,
): EmulatedMeeting {
  const participants = new Map<string, EmulatedParticipant>();
  for (const a of spec.attendees ?? []) {
    const p = person(a);
    participants.set(p.id, p);
  }
  return {
    id: spec.id,
    organizer: spec.organizer,
    subject: spec.subject,
    threadId: spec.threadId ?? derivedThreadId(spec.id),
    joinMeetingId: spec.joinMeetingId ?? derivedJoinMeetingId(spec.id),
    passcode: spec.passcode,
    lobby: spec.lobby ?? "open",
    participants,
    calls: new Set(),
  };
}

/** The join links of a meeting, derived as Teams writes them. */
export function meetingLinks(meeting: EmulatedMeeting, tenantId: string): MeetingLinks {
  const context = JSON.stringify({ Tid: tenantId, Oid: meeting.organizer ?? "" });
  const joinWebUrl = `https://teams.microsoft.com/l/meetup-join/${
    encodeURIComponent(meeting.threadId)
  }/0?context=${encodeURIComponent(context)}`;
  const shortJoinUrl = `https://teams.microsoft.com/meet/${meeting.joinMeetingId}` +
    (meeting.passcode === undefined ? "" : `?p=${encodeURIComponent(meeting.passcode)}`);
  return { joinWebUrl, shortJoinUrl };
}

/** How a join body names its meeting. */
export type JoinTarget =
  | { kind: "organizer"; threadId: string; organizerId: string | undefined }
  | { kind: "joinMeetingId"; joinMeetingId: string; passcode: string | undefined };

/** Why a join found no meeting, or was refused by it. */
export type JoinMiss = "notFound" | "wrongPasscode";

/** Finds the meeting a join names, among a tenant's meetings. */
export function findMeeting(
  meetings: Iterable<EmulatedMeeting>,
  target: JoinTarget,
): EmulatedMeeting | JoinMiss {
  for (const m of meetings) {
    if (target.kind === "organizer") {
      if (m.threadId !== target.threadId) continue;
      if (
        m.organizer !== undefined &&
        m.organizer.toLowerCase() !== (target.organizerId ?? "").toLowerCase()
      ) continue;
      return m;
    }
    if (m.joinMeetingId !== target.joinMeetingId.replace(/\s+/g, "")) continue;
    if (m.passcode !== undefined && m.passcode !== target.passcode) return "wrongPasscode";
    return m;
  }
  return "notFound";
}
