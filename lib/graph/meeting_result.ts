/**
 * What a removal from a meeting reports: whom it was asked for, and what happened to each. Types
 * only, shared by the job (remove_from_meeting.ts) and its not-found error (person_not_found.ts).
 *
 * @module
 */

import type { GraphcallError } from "../errors.ts";

/** Whom to remove: a user (UPN or object id), a display name, or a phone number (E.164). */
export type Person = string | { user: string } | { displayName: string } | { phone: string };

/** What happened to one person. */
export interface PersonResult {
  /** The person as asked for. */
  person: Person;
  /** `removed` (every match), `notFound`, or `failed` (a removal failed). */
  outcome: "removed" | "notFound" | "failed";
  /** The object id a UPN resolved to. */
  userId?: string;
  /** The participants that matched, with what happened to each. */
  participants: {
    id: string;
    displayName?: string;
    outcome: "removed" | "alreadyGone" | "failed";
    error?: GraphcallError;
  }[];
}

/** The outcome of a removal from a meeting. */
export interface RemoveFromMeetingResult {
  /** The app's call id (its own leg), now ended. */
  callId: string;
  /** The app's participant id in that call. */
  myParticipantId: string | undefined;
  /** People in the meeting besides the app, when the roster was read. */
  rosterSize: number;
  /** One entry per person asked for, in order. */
  people: PersonResult[];
  /** Participants removed. */
  removed: number;
  /** Whether the app left the meeting (hung up); false only if the hang-up itself failed. */
  left: boolean;
}
