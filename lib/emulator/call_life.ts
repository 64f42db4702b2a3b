/**
 * The life of an app's call leg on the emulator's clock: `establishing`, then `established`
 * after the join delay (or, in a lobby meeting, once admitted); `terminated` when the app hangs
 * up, when it is removed, when the lobby timeout passes unadmitted (200/5855), or when no
 * keepAlive came for the keep-alive timeout (408/8537). End codes are those of Graph's
 * call-delete page.
 *
 * Nothing here runs on a timer: {@link dueTransition} says what is due at a time, and the call
 * runtime applies it whenever it looks at the call (on each request, on an admin tick, or when
 * its own wake-up timer fires with the real clock).
 *
 * @module
 */

/** `{code, subcode, message}` as Graph's resultInfo. */
export interface ResultInfo {
  /** Generic code (an HTTP-like status). */
  code: number;
  /** Detail code. */
  subcode: number;
  /** Message. */
  message: string;
}

/** The states of a call the emulator uses. */
export type CallState = "establishing" | "established" | "terminated";

/** The mutable life of a call leg. */
export interface CallLife {
  /** Where it stands. */
  state: CallState;
  /** The tenant the call belongs to. */
  tenantId: string;
  /** When it was created, ms. */
  createdAt: number;
  /** When it becomes established if not waiting in a lobby, ms. */
  readyAt: number;
  /** Whether it waits in the meeting's lobby. */
  inLobby: boolean;
  /** The app's own participant id. */
  myParticipantId: string;
  /** Where notifications go; null: none are sent. */
  callbackUri: string | null;
  /** Whether the keep-alive timeout applies (joined calls; not seeded ones). */
  keepAlive: boolean;
  /** The last keepAlive (or the creation), ms. */
  lastKeepAliveAt: number;
  /** Why it ended. */
  resultInfo: ResultInfo | null;
  /** When it ended, ms. */
  endedAt: number | null;
  /** The properties the call resource echoes (chatInfo, meetingInfo, mediaConfig, ...). */
  echo: Record<string, unknown>;
  /** `callChainId`. */
  chainId: string;
}

/**
 * The life of a call that was established before anyone asked: a call seeded from state, or a
 * seeded call without a life when it is hung up. No lobby, no keep-alive timeout, no callback.
 */
export function establishedLife(tenantId: string, myParticipantId: string): CallLife {
  return {
    state: "established",
    tenantId,
    createdAt: 0,
    readyAt: 0,
    inLobby: false,
    myParticipantId,
    callbackUri: null,
    keepAlive: false,
    lastKeepAliveAt: 0,
    resultInfo: null,
    endedAt: null,
    echo: {},
    chainId: crypto.randomUUID(),
  };
}

/** The end reasons the emulator uses (Graph's call-delete end-code table). */
export const END = Object.freeze(
  {
    /** The app hung up (the docs' example of DELETE /communications/calls/{id}). */
    hungUp: { code: 200, subcode: 5001, message: "The conversation has ended." },
    /** Another participant removed the app's leg. */
    removed: {
      code: 200,
      subcode: 5300,
      message: "Participant was removed from the conversation by another participant.",
    },
    /** Waited in the lobby past the lobby timeout. */
    lobbyTimeout: {
      code: 200,
      subcode: 5855,
      message:
        "Participant waiting in lobby was removed from the conversation after lobby inactivity timeout.",
    },
    /** No keepAlive for the keep-alive timeout. */
    keepAliveTimeout: {
      code: 408,
      subcode: 8537,
      message: "Keep Alive timeout, cleaned up inactive call.",
    },
    /** Every notification to the callback failed, with `callbackFailure: "terminate"`. */
    callbackFailed: {
      code: 500,
      subcode: 7117,
      message: "The call was ended because its callback URI did not accept notifications.",
    },
    /** The meeting was replaced or removed through the admin API. */
    meetingEnded: { code: 200, subcode: 5001, message: "The conversation has ended." },
  } satisfies Record<string, ResultInfo>,
);

/** The timing settings a call's life reads (current values, so they can change live). */
export interface LifeSettings {
  /** `establishing` -> `established`, ms. */
  joinDelayMs: number;
  /** Lobby wait before the call ends, ms. */
  lobbyTimeoutMs: number;
  /** No keepAlive for this long ends the call, ms. */
  keepAliveTimeoutMs: number;
}

/** Defaults of {@link LifeSettings}. */
export const DEFAULT_LIFE: Readonly<LifeSettings> = Object.freeze({
  joinDelayMs: 100,
  lobbyTimeoutMs: 15 * 60_000,
  keepAliveTimeoutMs: 45 * 60_000,
});

/** A transition due at or before a time. */
export type Transition =
  | { kind: "establish"; at: number }
  | { kind: "end"; at: number; reason: ResultInfo };

/** The next transition of a call (due or not), or undefined when none is scheduled. */
export function nextTransition(life: CallLife, s: LifeSettings): Transition | undefined {
  if (life.state === "terminated") return undefined;
  if (life.state === "establishing") {
    if (life.inLobby) {
      return { kind: "end", at: life.createdAt + s.lobbyTimeoutMs, reason: END.lobbyTimeout };
    }
    return { kind: "establish", at: life.readyAt };
  }
  if (!life.keepAlive) return undefined;
  return {
    kind: "end",
    at: life.lastKeepAliveAt + s.keepAliveTimeoutMs,
    reason: END.keepAliveTimeout,
  };
}

/** The transition due at `now`, if any. */
export function dueTransition(
  life: CallLife,
  now: number,
  s: LifeSettings,
): Transition | undefined {
  const t = nextTransition(life, s);
  return t && t.at <= now ? t : undefined;
}
