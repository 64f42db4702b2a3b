/**
 * Guarding a meeting: the app joins, removes everyone present who matches a rule, then stays and
 * removes each newcomer who matches, until the caller's signal aborts; it hangs up on the way
 * out. It learns of roster changes from signed notifications when it listens, and polls the
 * roster otherwise (default every second). Each participant id is removed once (no second DELETE
 * for one appearance; a 404 means the person already left). Transient errors are reported and
 * the guard goes on; when its own call ends it says so and, with `rejoin`, joins again with
 * backoff. Waits use the pipeline's clock, so tests drive it with an injected one.
 *
 * @module
 */

import { GraphcallError, GraphError, InvalidInputError } from "../errors.ts";
import { isGuid } from "../identifiers.ts";
import type { CallHandle } from "./call.ts";
import type { GraphHttp } from "./graph_http.ts";
import { checkE164 } from "./identities.ts";
import { joinMeeting, type JoinOptions, type MeetingTarget } from "./meeting_join.ts";
import { backoffMs } from "./retry_policy.ts";
import { isSelf, type Participant } from "./roster_match.ts";
import { userPathSegment } from "./user_key.ts";
import { resolveUser } from "./users.ts";
import { FATAL_CODES } from "./worker_pool.ts";

/** Who the guard removes. A display-name rule is never implied: it must be given. */
export interface GuardRules {
  /** Users by UPN or object id (UPNs are looked up once, at start). */
  users?: readonly string[];
  /** Phone numbers, E.164. */
  phones?: readonly string[];
  /**
   * Display names: a glob (`*` any run of characters, `?` one; whole name, any case), or a
   * RegExp.
   */
  displayNames?: readonly (string | RegExp)[];
  /** Every anonymous guest (an identity with `guest` and no `user`). */
  guests?: boolean;
  /** Everyone whose identity names a tenant not in this list (people of other organizations). */
  allowTenants?: readonly string[];
}

/** What the guard reports as it goes. */
export type GuardEvent =
  | { type: "joined"; at: number; callId: string }
  | {
    type: "removed";
    at: number;
    callId: string;
    participantId: string;
    who: string;
    rule: string;
  }
  | { type: "alreadyGone"; at: number; participantId: string; who: string; rule: string }
  | { type: "callEnded"; at: number; callId: string; reason: string }
  | { type: "rejoining"; at: number; attempt: number; delayMs: number }
  | { type: "error"; at: number; error: GraphcallError }
  | { type: "left"; at: number; callId: string };

/** Options of {@link guardMeeting}. */
export interface GuardOptions extends Omit<JoinOptions, "dryRun" | "signal" | "pollIntervalMs"> {
  /** Ends the guard: it hangs up and returns the summary. */
  signal?: AbortSignal;
  /** Told of every event. */
  onEvent?: (event: GuardEvent) => void;
  /** Time between roster reads when no notification comes, ms (default 1000). */
  pollIntervalMs?: number;
  /** Roster notifications (a listener), besides polling. */
  rosterNotifications?: {
    watchRoster(callId: string, handler: (participants: Participant[]) => void): () => void;
  };
  /** Join again (with backoff) when the app's own call ends. */
  rejoin?: boolean;
}

/** The guard's summary. */
export interface GuardSummary {
  /** The call ids the app used (one per join). */
  callIds: string[];
  /** Every removal made. */
  removals: { at: number; callId: string; participantId: string; who: string; rule: string }[];
  /** Removals per person (by how the roster named them). */
  byPerson: Record<string, number>;
  /** Why it stopped: the caller's signal, or the app's call ended (without `rejoin`). */
  endedBy: "signal" | "callEnded";
}

interface CompiledRules {
  users: Map<string, string>;
  phones: Set<string>;
  names: { test: (name: string) => boolean; label: string }[];
  guests: boolean;
  allowTenants: Set<string> | undefined;
}

function glob(pattern: string): RegExp {
  const escaped = pattern.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(
    /\?/g,
    ".",
  );
  return new RegExp(`^${escaped}$`, "i");
}

/** Checks the rules before anything is sent. */
export function checkRules(rules: GuardRules): void {
  const count = (rules.users?.length ?? 0) + (rules.phones?.length ?? 0) +
    (rules.displayNames?.length ?? 0) + (rules.guests ? 1 : 0) +
    (rules.allowTenants?.length ? 1 : 0);
  if (count === 0) {
    throw new InvalidInputError(
      "rules",
      "name whom to remove: users, phone numbers, display names, guests or allowed tenants",
    );
  }
  rules.users?.forEach((u, i) => userPathSegment(u, `users[${i}]`));
  rules.phones?.forEach((p, i) => checkE164(p, `phones[${i}]`));
  rules.displayNames?.forEach((n, i) => {
    if (!(n instanceof RegExp) && (typeof n !== "string" || n.trim() === "")) {
      throw new InvalidInputError(`displayNames[${i}]`, "a pattern must not be empty");
    }
  });
  rules.allowTenants?.forEach((t, i) => {
    if (!isGuid(t)) throw new InvalidInputError(`allowTenants[${i}]`, "must be a tenant id (GUID)");
  });
}

function nameOf(p: Participant): string {
  const identity = p.info?.identity ?? {};
  for (const kind of ["user", "guest", "phone", "application"]) {
    const i = identity[kind];
    if (i?.displayName) return i.displayName;
    if (kind === "phone" && i?.id) return i.id;
  }
  return p.id;
}

/** The rule a participant matches, or undefined. */
function matchRule(p: Participant, rules: CompiledRules): string | undefined {
  const identity = p.info?.identity ?? {};
  const userId = identity.user?.id?.toLowerCase();
  if (userId && rules.users.has(userId)) return `user ${rules.users.get(userId)}`;
  const phone = identity.phone?.id;
  if (phone && rules.phones.has(phone)) return `phone ${phone}`;
  if (rules.guests && identity.guest && !identity.user) return "anonymous guest";
  const name = Object.values(identity).map((i) => i?.displayName).filter((n): n is string =>
    typeof n === "string"
  );
  for (const rule of rules.names) {
    if (name.some((n) => rule.test(n))) return `display name ${rule.label}`;
  }
  if (rules.allowTenants) {
    const tenant = (identity.user as { tenantId?: string } | null | undefined)?.tenantId;
    if (tenant && !rules.allowTenants.has(tenant.toLowerCase())) {
      return `outside the allowed tenants (${tenant})`;
    }
  }
  return undefined;
}

async function compile(
  http: GraphHttp,
  rules: GuardRules,
  signal: AbortSignal | undefined,
): Promise<CompiledRules> {
  const users = new Map<string, string>();
  for (const u of rules.users ?? []) {
    const id = isGuid(u.trim())
      ? u.trim().toLowerCase()
      : (await resolveUser(http, u, signal ? { signal } : {})).id;
    users.set(id, u.trim());
  }
  return {
    users,
    phones: new Set(rules.phones ?? []),
    names: (rules.displayNames ?? []).map((n) =>
      n instanceof RegExp
        ? { test: (s: string) => n.test(s), label: String(n) }
        : { test: (s: string) => glob(n.trim()).test(s.trim()), label: `"${n.trim()}"` }
    ),
    guests: rules.guests === true,
    allowTenants: rules.allowTenants?.length
      ? new Set(rules.allowTenants.map((t) => t.toLowerCase()))
      : undefined,
  };
}

/** Guards a meeting until `options.signal` aborts; resolves with the summary. */
export async function guardMeeting(
  http: GraphHttp,
  target: MeetingTarget,
  rules: GuardRules,
  options: GuardOptions & { tenantId: string; callbackUri: string },
): Promise<GuardSummary> {
  checkRules(rules);
  const signal = options.signal;
  const emit = (e: GuardEvent) => {
    try {
      options.onEvent?.(e);
    } catch {
      // a listener's failure must not stop the guard
    }
  };
  const compiled = await compile(http, rules, signal);
  const summary: GuardSummary = { callIds: [], removals: [], byPerson: {}, endedBy: "signal" };
  const handled = new Set<string>();
  const interval = Math.max(1, options.pollIntervalMs ?? 1000);
  for (let joins = 0;; joins++) {
    if (signal?.aborted) return summary;
    let call: CallHandle;
    try {
      // The join polls on its own schedule: `pollIntervalMs` here is the roster's.
      const { pollIntervalMs: _roster, ...join } = options;
      call = await joinMeeting(http, target, {
        ...join,
        dryRun: false,
        ...(signal ? { signal } : {}),
      }) as CallHandle;
    } catch (e) {
      if (signal?.aborted) return summary;
      throw e;
    }
    summary.callIds.push(call.id);
    emit({ type: "joined", at: http.now(), callId: call.id });
    const ended = await watch(http, call, compiled, handled, summary, interval, options, emit);
    if (ended === "signal") {
      await call.hangUp().catch(() => {});
      emit({ type: "left", at: http.now(), callId: call.id });
      return summary;
    }
    call.stopKeepAlive();
    emit({ type: "callEnded", at: http.now(), callId: call.id, reason: ended });
    if (!options.rejoin) {
      summary.endedBy = "callEnded";
      return summary;
    }
    const delayMs = Math.min(60_000, backoffMs(Math.min(joins, 6), () => http.random()) * 2);
    emit({ type: "rejoining", at: http.now(), attempt: joins + 1, delayMs });
    try {
      await http.sleep(delayMs, signal);
    } catch {
      return summary;
    }
  }
}

/** Watches one call until the signal aborts ("signal") or the call ends (the reason). */
async function watch(
  http: GraphHttp,
  call: CallHandle,
  rules: CompiledRules,
  handled: Set<string>,
  summary: GuardSummary,
  interval: number,
  options: GuardOptions,
  emit: (e: GuardEvent) => void,
): Promise<string> {
  const signal = options.signal;
  let wake = new AbortController();
  let pushed: Participant[] | undefined;
  const unwatch = options.rosterNotifications?.watchRoster(call.id, (participants) => {
    pushed = participants;
    wake.abort();
  });
  const self = { myParticipantId: call.myParticipantId, appId: http.clientId };
  try {
    while (!signal?.aborted) {
      let roster: Participant[];
      try {
        if (pushed) {
          roster = pushed;
          pushed = undefined;
        } else {
          roster = [];
          for await (const p of call.participants(signal ? { signal } : {})) roster.push(p);
        }
      } catch (e) {
        if (signal?.aborted) break;
        if (e instanceof GraphError && e.code === "not_found") {
          return "the app's call ended (Graph no longer knows it)";
        }
        const error = asError(e);
        emit({ type: "error", at: http.now(), error });
        if (FATAL_CODES.has(error.code)) throw error;
        roster = [];
      }
      if (roster.some((p) => p.id === call.myParticipantId && p.removedState)) {
        return "the app was removed from the meeting";
      }
      for (const p of roster) {
        if (signal?.aborted || handled.has(p.id) || isSelf(p, self)) continue;
        const rule = matchRule(p, rules);
        if (!rule) continue;
        handled.add(p.id);
        const who = nameOf(p);
        try {
          const r = await call.remove(p.id, signal ? { signal } : {});
          const at = http.now();
          if (r.alreadyRemoved) {
            emit({ type: "alreadyGone", at, participantId: p.id, who, rule });
            continue;
          }
          summary.removals.push({ at, callId: call.id, participantId: p.id, who, rule });
          summary.byPerson[who] = (summary.byPerson[who] ?? 0) + 1;
          emit({ type: "removed", at, callId: call.id, participantId: p.id, who, rule });
        } catch (e) {
          if (e instanceof GraphError && e.code === "not_found") {
            emit({ type: "alreadyGone", at: http.now(), participantId: p.id, who, rule });
            continue;
          }
          if (signal?.aborted) break;
          const error = asError(e);
          emit({ type: "error", at: http.now(), error });
          if (FATAL_CODES.has(error.code)) throw error;
          handled.delete(p.id); // a transient failure: try this one again next round
        }
      }
      try {
        await http.sleep(interval, AbortSignal.any([wake.signal, ...(signal ? [signal] : [])]));
      } catch {
        // woken by a roster notification, or stopped
      }
      if (wake.signal.aborted) wake = new AbortController();
    }
    return "signal";
  } finally {
    unwatch?.();
  }
}

function asError(e: unknown): GraphcallError {
  return e instanceof GraphcallError ? e : new GraphcallError("internal", String(e), { cause: e });
}
