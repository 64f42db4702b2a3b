/**
 * The calls of a running emulator over time: joining a meeting, the lobby, becoming established,
 * keep-alive, hanging up, removals that end another app's leg, invitations answering, and the
 * notifications each change sends to the calls' callback URIs.
 *
 * Time-driven changes are applied lazily: whenever a request (or the admin API's tick) looks at
 * a call, what fell due by the emulator's clock is applied first, in the order it fell due. With
 * the real clock the runtime also keeps one wake-up timer (unref'd, cleared on close) at the
 * earliest due change, so notifications go out on time even when no request comes; with an
 * injected clock it sets no timer and tests move the clock instead.
 *
 * @module
 */

import {
  type CallLife,
  DEFAULT_LIFE,
  END,
  establishedLife,
  type LifeSettings,
  nextTransition,
  type ResultInfo,
} from "./call_life.ts";
import { callJson } from "./call_json.ts";
import {
  cancelInvitation,
  type CommsOperation,
  nextAnswerAt,
  operationJson,
  resolveRoster,
  rosterExtras,
} from "./graph_roster.ts";
import type { EmulatedMeeting } from "./meetings.ts";
import {
  type CommsNotification,
  DEFAULT_DELIVERY,
  type DeliverySettings,
  type NotificationTarget,
  Notifier,
} from "./notifications.ts";
import { participantJson } from "./participant_json.ts";
import type { SigningKey } from "./signing_key.ts";
import {
  appParticipant,
  type EmulatedCall,
  type EmulatedParticipant,
  type EmulatedTenant,
  type EmulatorState,
} from "./state.ts";

/** Everything the runtime reads from the settings (current values at each use). */
export interface RuntimeSettings extends LifeSettings, DeliverySettings {
  /** What a call whose notifications all fail does (UNCONFIRMED upstream): go on, or end. */
  callbackFailure: "ignore" | "terminate";
}

/** Defaults of {@link RuntimeSettings}. */
export const DEFAULT_RUNTIME: Readonly<RuntimeSettings> = Object.freeze({
  ...DEFAULT_LIFE,
  ...DEFAULT_DELIVERY,
  callbackFailure: "ignore",
});

/** Ended calls kept for the admin API; past it the oldest are forgotten. */
export const MAX_ENDED_CALLS = 1000;

/** What a join brings besides the meeting. */
export interface JoinRequest {
  /** The app joining. */
  appId: string;
  /** Where notifications go; null: none. */
  callbackUri: string | null;
  /** Properties the call resource echoes. */
  echo: Record<string, unknown>;
}

/** What a removal did. */
export type RemoveOutcome = "removed" | "cancelled" | "notFound";

/** The calls of one emulator over time. */
export class CallRuntime {
  /** Sends and logs notifications. */
  readonly notifier: Notifier;
  readonly #state: EmulatorState;
  readonly #now: () => number;
  readonly #settings: () => RuntimeSettings;
  readonly #timers: boolean;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #timerAt = Infinity;
  #closed = false;
  readonly #ended: { tenant: EmulatedTenant; call: EmulatedCall }[] = [];
  readonly #dirty = new Set<EmulatedMeeting>();

  /**
   * `timers`: keep a wake-up timer (the real clock); `notificationKey` signs notifications.
   */
  constructor(options: {
    state: EmulatorState;
    now: () => number;
    settings: () => RuntimeSettings;
    notificationKey: () => Promise<SigningKey>;
    timers: boolean;
  }) {
    this.#state = options.state;
    this.#now = options.now;
    this.#settings = options.settings;
    this.#timers = options.timers;
    this.notifier = new Notifier({
      key: options.notificationKey,
      now: options.now,
      settings: () => this.#settings(),
      onFailed: (target) => this.#callbackFailed(target),
    });
  }

  /** The emulator's clock, ms. */
  now(): number {
    return this.#now();
  }

  /**
   * The call if it exists, belongs to `appId` and has not ended, after applying what fell due;
   * undefined otherwise (Graph answers all three the same way: 404).
   */
  ownedCall(tenant: EmulatedTenant, callId: string, appId: string): EmulatedCall | undefined {
    const call = tenant.calls.get(callId);
    if (!call) return undefined;
    // A call seeded without appId before any app existed belongs to the tenant's first app.
    const owner = call.appId ?? tenant.apps.values().next().value?.clientId;
    if (owner !== appId && owner?.toLowerCase() !== appId.toLowerCase()) return undefined;
    if (call.life !== undefined || call.meetingId !== undefined) this.advance(tenant, call);
    else this.#resolve(tenant, call.participants);
    if (call.life?.state === "terminated") return undefined;
    return call;
  }

  /** Applies what fell due for a call (and, for a meeting's call, the whole meeting). */
  advance(tenant: EmulatedTenant, call: EmulatedCall): void {
    const meeting = this.meetingOf(tenant, call);
    if (meeting) this.#advanceMeeting(tenant, meeting);
    else this.#resolve(tenant, call.participants);
  }

  /** The meeting a call is joined to. */
  meetingOf(tenant: EmulatedTenant, call: EmulatedCall): EmulatedMeeting | undefined {
    return call.meetingId === undefined
      ? undefined
      : tenant.meetings.get(call.meetingId.toLowerCase());
  }

  /** The participants a call sees: all of its roster once established, else only itself. */
  visibleParticipants(call: EmulatedCall): EmulatedParticipant[] {
    const life = call.life;
    if (life && life.state !== "established") {
      const own = call.participants.get(life.myParticipantId);
      return own ? [own] : [];
    }
    const hidden = rosterExtras(call.participants).hidden;
    const out: EmulatedParticipant[] = [];
    for (const p of call.participants.values()) if (!hidden.has(p.id)) out.push(p);
    return out;
  }

  /** One participant as the call sees it. */
  visibleParticipant(call: EmulatedCall, participantId: string): EmulatedParticipant | undefined {
    const life = call.life;
    if (life && life.state !== "established" && participantId !== life.myParticipantId) {
      return undefined;
    }
    return call.participants.get(participantId);
  }

  /** Applies everything due in every tenant (the admin API's tick, and the wake-up timer). */
  tickAll(): void {
    for (const tenant of this.#state.tenants.values()) {
      for (const meeting of tenant.meetings.values()) this.#advanceMeeting(tenant, meeting);
      for (const call of tenant.calls.values()) {
        if (call.meetingId === undefined) this.#resolve(tenant, call.participants);
      }
    }
  }

  /** Joins an app to a meeting: a new call in state `establishing` (or waiting in the lobby). */
  join(tenant: EmulatedTenant, meeting: EmulatedMeeting, request: JoinRequest): EmulatedCall {
    const now = this.#now();
    const s = this.#settings();
    const inLobby = meeting.lobby === "lobby";
    const life: CallLife = {
      state: "establishing",
      tenantId: tenant.id,
      createdAt: now,
      readyAt: now + s.joinDelayMs,
      inLobby,
      myParticipantId: crypto.randomUUID(),
      callbackUri: request.callbackUri,
      keepAlive: true,
      lastKeepAliveAt: now,
      resultInfo: null,
      endedAt: null,
      echo: request.echo,
      chainId: crypto.randomUUID(),
    };
    const call: EmulatedCall = {
      id: crypto.randomUUID(),
      appId: request.appId,
      participants: meeting.participants,
      meetingId: meeting.id,
      life,
    };
    tenant.calls.set(call.id, call);
    meeting.calls.add(call);
    if (inLobby) {
      meeting.participants.set(
        life.myParticipantId,
        appParticipant(tenant, request.appId, life.myParticipantId, true),
      );
      this.#rosterChanged(meeting);
    }
    this.#notifyState(tenant, call, "updated");
    this.#armFor(meeting);
    return call;
  }

  /** Admits a call waiting in its meeting's lobby; false when it is not waiting. */
  admit(tenant: EmulatedTenant, call: EmulatedCall): boolean {
    const meeting = this.meetingOf(tenant, call);
    if (meeting) this.#advanceMeeting(tenant, meeting);
    const life = call.life;
    if (!meeting || !life || life.state !== "establishing" || !life.inLobby) return false;
    life.inLobby = false;
    life.readyAt = Math.max(life.readyAt, this.#now());
    const own = meeting.participants.get(life.myParticipantId);
    if (own) own.isInLobby = false;
    this.#rosterChanged(meeting);
    this.#advanceMeeting(tenant, meeting);
    return true;
  }

  /** Records a keepAlive. */
  keepAlive(tenant: EmulatedTenant, call: EmulatedCall): void {
    if (!call.life) return;
    call.life.lastKeepAliveAt = this.#now();
    const meeting = this.meetingOf(tenant, call);
    if (meeting) this.#armFor(meeting);
  }

  /** Ends the app's own leg (DELETE /communications/calls/{id}); the meeting goes on. */
  hangUp(tenant: EmulatedTenant, call: EmulatedCall): void {
    if (!call.life) {
      // A seeded call without a life: it ends like any other.
      call.life = establishedLife(tenant.id, "");
    }
    this.#end(tenant, call, END.hungUp, true);
  }

  /** Removes a participant through a call (or cancels its pending invitation). */
  removeParticipant(
    tenant: EmulatedTenant,
    call: EmulatedCall,
    participantId: string,
  ): RemoveOutcome {
    const roster = call.participants;
    const participant = this.visibleParticipant(call, participantId);
    if (participant) {
      roster.delete(participantId);
      const extras = rosterExtras(roster);
      extras.hidden.delete(participantId);
      extras.sequence++;
      const meeting = this.meetingOf(tenant, call);
      if (meeting) {
        for (const leg of meeting.calls) {
          if (leg.life?.myParticipantId === participantId) {
            this.#end(tenant, leg, END.removed, false);
            break;
          }
        }
        this.#rosterChanged(meeting);
      }
      return "removed";
    }
    const op = cancelInvitation(roster, participantId);
    if (op) {
      this.#notifyOperation(tenant, op);
      return "cancelled";
    }
    return "notFound";
  }

  /** Adds a person to a live meeting (the admin API); every established call sees them. */
  addAttendee(meeting: EmulatedMeeting, participant: EmulatedParticipant): void {
    meeting.participants.set(participant.id, participant);
    this.#rosterChanged(meeting);
  }

  /** Tells every established call of a meeting that its roster changed (coalesced). */
  rosterChanged(meeting: EmulatedMeeting): void {
    this.#rosterChanged(meeting);
  }

  /** Sends the notification of a finished (or started) operation to its call. */
  notifyOperation(tenant: EmulatedTenant, op: CommsOperation): void {
    this.#notifyOperation(tenant, op);
  }

  /** Arms the wake-up timer for a roster's pending invitations (after an invite). */
  invitationsChanged(tenant: EmulatedTenant, call: EmulatedCall): void {
    const meeting = this.meetingOf(tenant, call);
    if (meeting) this.#armFor(meeting);
    else this.#arm(nextAnswerAt(call.participants));
  }

  /** Ends the calls of a meeting being replaced or removed. */
  endMeeting(tenant: EmulatedTenant, meeting: EmulatedMeeting): void {
    for (const call of [...meeting.calls]) this.#end(tenant, call, END.meetingEnded, false);
  }

  /** Stops the timer and every notification in flight. */
  async close(): Promise<void> {
    this.#closed = true;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#dirty.clear();
    await this.notifier.close();
  }

  // --- internals

  #resolve(
    tenant: EmulatedTenant,
    roster: Map<string, EmulatedParticipant>,
    meeting?: EmulatedMeeting,
  ): void {
    const change = resolveRoster(roster, this.#now());
    if (change.joined && meeting) this.#rosterChanged(meeting);
    for (const op of change.settled) this.#notifyOperation(tenant, op);
  }

  #advanceMeeting(tenant: EmulatedTenant, meeting: EmulatedMeeting): void {
    const now = this.#now();
    const s = this.#settings();
    // Apply the calls' due transitions in the order they fell due.
    for (let guard = 0; guard < 10_000; guard++) {
      let first: { call: EmulatedCall; at: number } | undefined;
      for (const call of meeting.calls) {
        const t = call.life ? nextTransition(call.life, s) : undefined;
        if (t && t.at <= now && (!first || t.at < first.at)) first = { call, at: t.at };
      }
      if (!first) break;
      const t = nextTransition(first.call.life!, s)!;
      if (t.kind === "establish") this.#establish(tenant, meeting, first.call);
      else this.#end(tenant, first.call, t.reason, false, t.at);
    }
    this.#resolve(tenant, meeting.participants, meeting);
    this.#armFor(meeting);
  }

  #establish(tenant: EmulatedTenant, meeting: EmulatedMeeting, call: EmulatedCall): void {
    const life = call.life!;
    life.state = "established";
    life.lastKeepAliveAt = Math.max(life.lastKeepAliveAt, life.readyAt);
    const own = meeting.participants.get(life.myParticipantId);
    if (own) own.isInLobby = false;
    else {
      meeting.participants.set(
        life.myParticipantId,
        appParticipant(tenant, call.appId ?? "", life.myParticipantId, false),
      );
    }
    rosterExtras(meeting.participants).sequence++;
    this.#notifyState(tenant, call, "updated");
    this.#rosterChanged(meeting);
  }

  #end(
    tenant: EmulatedTenant,
    call: EmulatedCall,
    reason: ResultInfo,
    hungUp: boolean,
    at: number = this.#now(),
  ): void {
    const life = call.life;
    if (!life || life.state === "terminated") return;
    const meeting = this.meetingOf(tenant, call);
    if (hungUp) {
      this.#send(tenant, call, [{
        changeType: "updated",
        resourceUrl: `/communications/calls/${call.id}`,
        resourceData: { "@odata.type": "#microsoft.graph.call", state: "terminating" },
      }]);
    }
    life.state = "terminated";
    life.resultInfo = reason;
    life.endedAt = at;
    life.inLobby = false;
    this.#send(tenant, call, [{
      changeType: "deleted",
      resourceUrl: `/communications/calls/${call.id}`,
      resourceData: { ...callJson(call, tenant), state: "terminated", resultInfo: reason },
    }]);
    if (meeting) {
      meeting.calls.delete(call);
      if (meeting.participants.delete(life.myParticipantId)) {
        rosterExtras(meeting.participants).sequence++;
        this.#rosterChanged(meeting);
      }
    }
    this.#ended.push({ tenant, call });
    while (this.#ended.length > MAX_ENDED_CALLS) {
      const old = this.#ended.shift()!;
      if (old.tenant.calls.get(old.call.id) === old.call) old.tenant.calls.delete(old.call.id);
    }
  }

  #rosterChanged(meeting: EmulatedMeeting): void {
    if (this.#closed) return;
    const first = this.#dirty.size === 0;
    this.#dirty.add(meeting);
    if (first) queueMicrotask(() => this.#flushRosters());
  }

  #flushRosters(): void {
    const meetings = [...this.#dirty];
    this.#dirty.clear();
    for (const meeting of meetings) {
      const sequence = rosterExtras(meeting.participants).sequence;
      for (const call of meeting.calls) {
        const life = call.life;
        if (!life || life.state !== "established" || !life.callbackUri) continue;
        const tenant = this.#state.tenant(life.tenantId);
        if (!tenant) continue;
        this.#send(tenant, call, [{
          changeType: "updated",
          resourceUrl: `/communications/calls/${call.id}/participants`,
          resourceData: this.visibleParticipants(call).map((p) => participantJson(p, sequence)),
        }]);
      }
    }
  }

  #notifyState(tenant: EmulatedTenant, call: EmulatedCall, changeType: "updated"): void {
    this.#send(tenant, call, [{
      changeType,
      resourceUrl: `/communications/calls/${call.id}`,
      resourceData: callJson(call, tenant),
    }]);
  }

  #notifyOperation(tenant: EmulatedTenant, op: CommsOperation): void {
    const call = tenant.calls.get(op.callId);
    if (!call) return;
    const finished = op.status === "Completed" || op.status === "Failed";
    this.#send(tenant, call, [{
      changeType: finished ? "deleted" : "updated",
      resourceUrl: `/communications/calls/${call.id}/operations/${op.id}`,
      resourceData: operationJson(op),
    }]);
  }

  #send(tenant: EmulatedTenant, call: EmulatedCall, items: CommsNotification[]): void {
    const uri = call.life?.callbackUri;
    if (!uri || this.#closed) return;
    this.notifier.send(
      { tenantId: tenant.id, appId: call.appId ?? "", callId: call.id, callbackUri: uri },
      items,
    );
  }

  #callbackFailed(target: NotificationTarget): void {
    if (this.#settings().callbackFailure !== "terminate") return;
    const tenant = this.#state.tenant(target.tenantId);
    const call = tenant?.calls.get(target.callId);
    if (!tenant || !call?.life || call.life.state === "terminated") return;
    this.#end(tenant, call, END.callbackFailed, false);
  }

  #armFor(meeting: EmulatedMeeting): void {
    if (!this.#timers) return;
    const s = this.#settings();
    let next = nextAnswerAt(meeting.participants);
    for (const call of meeting.calls) {
      const t = call.life ? nextTransition(call.life, s) : undefined;
      if (t && t.at < next) next = t.at;
    }
    this.#arm(next);
  }

  #arm(at: number): void {
    if (!this.#timers || this.#closed || !Number.isFinite(at) || at >= this.#timerAt) return;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timerAt = at;
    // A long timer is capped: the next wake-up re-arms for what is left.
    const delay = Math.min(Math.max(0, at - this.#now()), 2 ** 30);
    const timer = setTimeout(() => {
      this.#timer = undefined;
      this.#timerAt = Infinity;
      this.tickAll();
    }, delay);
    Deno.unrefTimer(timer);
    this.#timer = timer;
  }
}
