/**
 * The emulator's live call and participant records. Their own file so that state.ts and
 * meetings.ts (which shares a meeting's roster among its calls) both use them without importing
 * each other; state.ts re-exports them under the same names.
 *
 * @module
 */

import type { CallLife } from "./call_life.ts";

/** A live participant. */
export interface EmulatedParticipant {
  /** The id. */
  id: string;
  /** The identity set. */
  identity: Record<string, unknown>;
  /** Whether the participant is muted. */
  isMuted: boolean;
  /** Whether the participant waits in the lobby. */
  isInLobby: boolean;
  /** Whether the server muted the participant (`mediaStreams[].serverMuted`). */
  serverMuted?: boolean;
}

/** A live call. */
export interface EmulatedCall {
  /** The id. */
  id: string;
  /** The app that owns the call (a seeded call without one: the tenant's first app). */
  appId: string | undefined;
  /** The roster the call sees: its own, or its meeting's (shared with the meeting's calls). */
  participants: Map<string, EmulatedParticipant>;
  /** The meeting the call is joined to. */
  meetingId?: string;
  /** The call's life (state, lobby, keep-alive, callback); absent for a call seeded without a
   * meeting, which is always established. */
  life?: CallLife;
}
