/**
 * One call's participants: remove, invite (from identities or a raw body), wait for an
 * invitation, list, get, mute, remove many, and remove everyone but the app. Every operation goes
 * through one path (run_operation.ts: the catalogue's cloud check, checked ids, dry runs, the
 * ids in the answer); every one takes `dryRun: true` to get the request back unsent.
 *
 * @module
 */

import { type CallEndInfo, GraphcallError, GraphError } from "../errors.ts";
import type { BulkDryRunResult, BulkRemoveOptions, BulkRemoveResult } from "./bulk_result.ts";
import type { DryRunResult, GraphHttp, ResponseMeta } from "./graph_http.ts";
import { checkId } from "./ids.ts";
import type { IdentitySet } from "./identities.ts";
import type {
  InviteBody,
  InviteOptions,
  InviteParticipantsOperation,
  InviteResult,
} from "./invite.ts";
import { listPages } from "./pages.ts";
import type { FindCriteria, Participant } from "./roster_match.ts";
import { removeHeaders, type RemoveOptions, type RemoveResult } from "./remove.ts";
import { isDryRun, type OperationCall, runOperation } from "./run_operation.ts";
import type { WaitForInviteOptions, WaitForInviteResult } from "./wait_for_invite.ts";

export type { FindCriteria, Participant } from "./roster_match.ts";

/** A call as Graph returns it (unknown keys are kept). */
export interface CallResource {
  /** The call id. */
  id: string;
  /** `establishing`, `established`, `terminating`, `terminated`, ... */
  state?: string;
  /** The app's own participant id. */
  myParticipantId?: string;
  /** Why the call ended, once it has. */
  resultInfo?: CallEndInfo | null;
  /** Other properties. */
  [key: string]: unknown;
}

/** One call, with the response ids. */
export interface GetCallResult extends ResponseMeta {
  /** The call. */
  call: CallResource;
}

/** The outcome of a hang-up. */
export interface HangUpResult extends ResponseMeta {
  /** The call id. */
  callId: string;
  /** True when Graph no longer knew the call (404): it had ended already. */
  alreadyEnded: boolean;
}

/** Options of the call-level operations (get, hang up, keep alive). */
export interface CallOperationOptions {
  /** Abort signal. */
  signal?: AbortSignal;
  /** Return the request instead of sending it. */
  dryRun?: boolean;
}

/** Options of a call handle. */
export interface CallHandleOptions {
  /** The app's own participant id in the call (a joined call knows it). */
  myParticipantId?: string;
}

/** Options for `call.participants()`. */
export interface ListOptions {
  /** Page size (`$top`). */
  top?: number;
  /** `$filter` (whether Graph honours it on this collection is UNCONFIRMED). */
  filter?: string;
  /** `$select`: property names. */
  select?: string[];
  /** Abort signal. */
  signal?: AbortSignal;
}

/** Options for `call.participant()`. */
export interface GetOptions {
  /** `$select`: property names. */
  select?: string[];
  /** Abort signal. */
  signal?: AbortSignal;
  /** Return the request instead of sending it. */
  dryRun?: boolean;
}

/** One participant, with the response ids. */
export interface GetParticipantResult extends ResponseMeta {
  /** The participant. */
  participant: Participant;
}

/** Options for `call.mute()`. */
export interface MuteOptions {
  /** Echoed in the operation; at most 256 characters. */
  clientContext?: string;
  /** Abort signal. */
  signal?: AbortSignal;
  /** Return the request instead of sending it. */
  dryRun?: boolean;
}

/** The outcome of a mute. */
export interface MuteResult extends ResponseMeta {
  /** The call id. */
  callId: string;
  /** The participant id. */
  participantId: string;
  /** Graph's `muteParticipantOperation`. */
  operation: { id?: string; status?: string | null; [key: string]: unknown };
}

/** Options for `call.removeAllExcept()`. */
export interface RemoveAllExceptOptions extends Omit<BulkRemoveOptions, "dryRun"> {
  /** Keep participants whose identity is this application (default: the connected app). */
  keepAppId?: string;
  /** Keep these participant ids. */
  keep?: string[];
  /** Return the first request (the roster listing) instead of sending anything. */
  dryRun?: boolean;
}

/** The outcome of `removeAllExcept`: the bulk result and who was kept. */
export interface RemoveAllExceptResult extends BulkRemoveResult {
  /** Participant ids left in the call on purpose. */
  kept: string[];
}

/** A handle on one call. Make it with `graph.call(id)`. */
export class CallHandle {
  /** The call id. */
  readonly id: string;
  /** The app's own participant id, when known (a joined call). */
  readonly myParticipantId: string | undefined;
  readonly #http: GraphHttp;
  #keepAlive: AbortController | undefined;

  /** Creates the handle; the id is checked here. */
  constructor(http: GraphHttp, callId: string, options: CallHandleOptions = {}) {
    this.id = checkId(callId, "callId");
    this.myParticipantId = options.myParticipantId;
    this.#http = http;
  }

  /** The one path: every operation of this call runs through it. */
  #run<T>(call: Omit<OperationCall, "params"> & { params?: Record<string, string> }) {
    return runOperation<T>(this.#http, { ...call, params: { callId: this.id, ...call.params } });
  }

  /**
   * Removes a participant: an active one is dropped at once; an invited one who has not joined
   * has the invitation cancelled. Graph answers 204.
   *
   * @example Remove, and tell a lost-then-404 apart
   * ```ts ignore
   * const r = await graph.call(callId).remove(participantId, { ifMatch: "W/\"1\"" });
   * if (r.alreadyRemoved) console.log("the first attempt had removed it");
   * ```
   */
  remove(participantId: string, options: RemoveOptions & { dryRun: true }): Promise<DryRunResult>;
  /** Removes a participant; resolves with the result. */
  remove(participantId: string, options?: RemoveOptions): Promise<RemoveResult>;
  async remove(
    participantId: string,
    options: RemoveOptions = {},
  ): Promise<RemoveResult | DryRunResult> {
    const r = await this.#run({
      name: "remove",
      params: { participantId },
      headers: removeHeaders(options),
      ...common(options),
    });
    if (isDryRun(r)) return r;
    return {
      callId: this.id,
      participantId,
      status: r.response.status,
      alreadyRemoved: r.response.alreadyDone,
      attempts: r.response.attempts,
      requestId: r.requestId,
      clientRequestId: r.clientRequestId,
      date: r.date,
    };
  }

  /**
   * Invites identities (`user()`, `phone()`, `guest()`, `application()`). Each invitee gets a
   * participant id (yours, or a generated GUID) so the invitation can be cancelled with
   * `remove()` before it is answered.
   *
   * @example Invite, then wait for the answer
   * ```ts ignore
   * const op = await call.invite([user("278405a3-f568-4b3e-b684-009193463064")]);
   * const end = await call.waitForInvite(op);
   * ```
   */
  invite(
    identities: IdentitySet[],
    options: InviteOptions & { dryRun: true },
  ): Promise<DryRunResult>;
  /** Invites identities; resolves with the operation and the participant ids. */
  invite(identities: IdentitySet[], options?: InviteOptions): Promise<InviteResult>;
  async invite(
    identities: IdentitySet[],
    options: InviteOptions = {},
  ): Promise<InviteResult | DryRunResult> {
    const { buildInviteBody } = await import("./invite.ts");
    return await this.#invite(buildInviteBody(identities, options), options);
  }

  /** Invites with a raw body (e.g. PowerShell's `-BodyParameter`), checked before sending. */
  inviteRaw(body: unknown, options: InviteOptions & { dryRun: true }): Promise<DryRunResult>;
  /** Invites with a raw body; resolves with the operation. */
  inviteRaw(body: unknown, options?: InviteOptions): Promise<InviteResult>;
  async inviteRaw(
    body: unknown,
    options: InviteOptions = {},
  ): Promise<InviteResult | DryRunResult> {
    const { checkInviteBody } = await import("./invite.ts");
    return await this.#invite(checkInviteBody(body, this.#http.version), options);
  }

  async #invite(body: InviteBody, options: InviteOptions): Promise<InviteResult | DryRunResult> {
    const r = await this.#run<InviteParticipantsOperation>({
      name: "invite",
      body,
      ...(options.headers ? { headers: options.headers } : {}),
      ...common(options),
    });
    if (isDryRun(r)) return r;
    if (!r.id) {
      throw new GraphcallError(
        "service_error",
        "Graph accepted the invitation but named no operation",
      );
    }
    return {
      callId: this.id,
      operationId: r.id,
      location: r.location,
      operation: r.response.body,
      participants: body.participants.map((p) => ({
        participantId: p.participantId,
        identity: p.identity,
      })),
      requestId: r.requestId,
      clientRequestId: r.clientRequestId,
      date: r.date,
    };
  }

  /**
   * Waits until an invitation is completed or failed (decline, no answer, cancelled), or the
   * time runs out; the result carries the operation's `resultInfo`.
   */
  async waitForInvite(
    invitation: InviteResult | string,
    options: WaitForInviteOptions = {},
  ): Promise<WaitForInviteResult> {
    const { waitForInvite } = await import("./wait_for_invite.ts");
    return await waitForInvite(this.#http, this.id, invitation, options);
  }

  /** Lists the call's participants, following `@odata.nextLink`. */
  async *participants(options: ListOptions = {}): AsyncGenerator<Participant> {
    if (options.top !== undefined && !(Number.isInteger(options.top) && options.top > 0)) {
      throw new GraphcallError("invalid_input", "top: must be a positive whole number");
    }
    yield* listPages<Participant>(this.#http, {
      name: "list",
      params: { callId: this.id },
      query: listQuery(options),
      ...(options.signal ? { signal: options.signal } : {}),
    });
  }

  /** The request `participants()` sends first, for a dry run. */
  describeList(options: Omit<ListOptions, "signal"> = {}): Promise<DryRunResult> {
    return this.#run({ name: "list", query: listQuery(options), dryRun: true }) as Promise<
      DryRunResult
    >;
  }

  /** Gets one participant. */
  participant(participantId: string, options: GetOptions & { dryRun: true }): Promise<DryRunResult>;
  /** Gets one participant. */
  participant(participantId: string, options?: GetOptions): Promise<GetParticipantResult>;
  async participant(
    participantId: string,
    options: GetOptions = {},
  ): Promise<GetParticipantResult | DryRunResult> {
    const r = await this.#run<Participant>({
      name: "get",
      params: { participantId },
      query: { $select: options.select?.join(",") },
      ...common(options),
    });
    if (isDryRun(r)) return r;
    return {
      participant: r.response.body,
      requestId: r.requestId,
      clientRequestId: r.clientRequestId,
      date: r.date,
    };
  }

  /** Mutes a participant (a server mute). */
  mute(participantId: string, options: MuteOptions & { dryRun: true }): Promise<DryRunResult>;
  /** Mutes a participant; resolves with the mute operation. */
  mute(participantId: string, options?: MuteOptions): Promise<MuteResult>;
  async mute(participantId: string, options: MuteOptions = {}): Promise<MuteResult | DryRunResult> {
    const pid = checkId(participantId, "participantId");
    const { checkClientContext } = await import("./invite.ts");
    const clientContext = checkClientContext(options.clientContext);
    const r = await this.#run<MuteResult["operation"]>({
      name: "mute",
      params: { participantId: pid },
      body: clientContext !== undefined ? { clientContext } : {},
      ...common(options),
    });
    if (isDryRun(r)) return r;
    return {
      callId: this.id,
      participantId: pid,
      operation: r.response.body,
      requestId: r.requestId,
      clientRequestId: r.clientRequestId,
      date: r.date,
    };
  }

  /** Gets the call (`GET /communications/calls/{id}`): its state, and `resultInfo` once ended. */
  get(options: CallOperationOptions & { dryRun: true }): Promise<DryRunResult>;
  /** Gets the call. */
  get(options?: CallOperationOptions): Promise<GetCallResult>;
  async get(options: CallOperationOptions = {}): Promise<GetCallResult | DryRunResult> {
    const r = await this.#run<CallResource>({ name: "getCall", ...common(options) });
    if (isDryRun(r)) return r;
    return {
      call: r.response.body,
      requestId: r.requestId,
      clientRequestId: r.clientRequestId,
      date: r.date,
    };
  }

  /**
   * Hangs up: ends the app's own leg (`DELETE /communications/calls/{id}`); the meeting and
   * everyone else in it go on. A call Graph no longer knows (404) had ended already: that is
   * reported, not thrown. Stops the automatic keep-alive.
   *
   * @example Leave a meeting whatever happens
   * ```ts ignore
   * const call = await graph.joinMeeting(joinUrl);
   * try {
   *   // ...
   * } finally {
   *   await call.hangUp();
   * }
   * ```
   */
  hangUp(options: CallOperationOptions & { dryRun: true }): Promise<DryRunResult>;
  /** Hangs up. */
  hangUp(options?: CallOperationOptions): Promise<HangUpResult>;
  async hangUp(options: CallOperationOptions = {}): Promise<HangUpResult | DryRunResult> {
    if (!options.dryRun) this.stopKeepAlive();
    try {
      const r = await this.#run({ name: "hangUp", ...common(options) });
      if (isDryRun(r)) return r;
      return {
        callId: this.id,
        alreadyEnded: r.response.alreadyDone,
        requestId: r.requestId,
        clientRequestId: r.clientRequestId,
        date: r.date,
      };
    } catch (e) {
      if (!(e instanceof GraphError && e.code === "not_found")) throw e;
      return {
        callId: this.id,
        alreadyEnded: true,
        requestId: e.requestId,
        clientRequestId: e.clientRequestId ?? "",
        date: e.date,
      };
    }
  }

  /** Tells Graph the app is still there (`POST .../keepAlive`); a call without one for 45 minutes ends. */
  keepAlive(options: CallOperationOptions & { dryRun: true }): Promise<DryRunResult>;
  /** Sends one keep-alive. */
  keepAlive(options?: CallOperationOptions): Promise<ResponseMeta>;
  async keepAlive(options: CallOperationOptions = {}): Promise<ResponseMeta | DryRunResult> {
    const r = await this.#run({ name: "keepAlive", body: {}, ...common(options) });
    if (isDryRun(r)) return r;
    return { requestId: r.requestId, clientRequestId: r.clientRequestId, date: r.date };
  }

  /**
   * Sends a keep-alive every `intervalMs` (default 15 minutes, as Microsoft recommends) until
   * {@link hangUp} or {@link stopKeepAlive}; waits use the pipeline's clock. A failed keep-alive
   * is reported to `onError` and the loop goes on; a 404 (the call ended) stops it.
   */
  startKeepAlive(
    options: { intervalMs?: number; onError?: (error: unknown) => void } = {},
  ): void {
    this.stopKeepAlive();
    const controller = new AbortController();
    this.#keepAlive = controller;
    const interval = Math.max(1, options.intervalMs ?? 15 * 60_000);
    (async () => {
      while (!controller.signal.aborted) {
        try {
          await this.#http.sleep(interval, controller.signal);
        } catch {
          return;
        }
        if (controller.signal.aborted) return;
        try {
          await this.keepAlive({ signal: controller.signal });
        } catch (e) {
          if (controller.signal.aborted) return;
          if (e instanceof GraphError && e.code === "not_found") return;
          options.onError?.(e);
        }
      }
    })();
  }

  /** Stops the automatic keep-alive. */
  stopKeepAlive(): void {
    this.#keepAlive?.abort();
    this.#keepAlive = undefined;
  }

  /**
   * Finds people in the call's roster: by object id (`user`; a UPN is looked up first), display
   * name or E.164 number; every match (one person on several devices is several participants),
   * never the app itself.
   *
   * @example Find a user by UPN
   * ```ts ignore
   * const matches = await call.find({ user: "adele@contoso.com" });
   * for (const p of matches) await call.remove(p.id);
   * ```
   */
  async find(
    criteria: FindCriteria,
    options: { signal?: AbortSignal; appId?: string } = {},
  ): Promise<Participant[]> {
    let wanted = criteria;
    if (criteria.user !== undefined) {
      const { resolveUser } = await import("./users.ts");
      const found = await resolveUser(this.#http, criteria.user, {
        field: "user",
        ...(options.signal ? { signal: options.signal } : {}),
      });
      wanted = { user: found.id };
    }
    const roster: Participant[] = [];
    for await (const p of this.participants(options.signal ? { signal: options.signal } : {})) {
      roster.push(p);
    }
    const { findInRoster } = await import("./roster_match.ts");
    return findInRoster(roster, wanted, {
      myParticipantId: this.myParticipantId,
      appId: options.appId ?? this.#http.clientId,
    });
  }

  /** Removes many participants of this call (see `removeMany`). */
  removeMany(
    participantIds: string[],
    options: BulkRemoveOptions & { dryRun: true },
  ): Promise<BulkDryRunResult>;
  /** Removes many participants of this call. */
  removeMany(participantIds: string[], options?: BulkRemoveOptions): Promise<BulkRemoveResult>;
  async removeMany(
    participantIds: string[],
    options: BulkRemoveOptions = {},
  ): Promise<BulkRemoveResult | BulkDryRunResult> {
    if (!Array.isArray(participantIds)) {
      throw new GraphcallError("invalid_input", "participantIds: must be an array");
    }
    const { removeMany } = await import("./bulk_remove.ts");
    return await removeMany(
      this.#http,
      () => this,
      participantIds.map((participantId) => ({ callId: this.id, participantId })),
      options,
    );
  }

  /**
   * Removes everyone but the app (a bot ending a meeting for all, then hanging up), or but the
   * given participant ids. Lists the roster, then removes the others in bulk.
   *
   * @example End a meeting for everyone but the bot
   * ```ts ignore
   * const r = await graph.call(callId).removeAllExcept({ concurrency: 8 });
   * console.log(r.removed, r.alreadyGone, r.failed, r.kept);
   * ```
   */
  removeAllExcept(
    options: RemoveAllExceptOptions & { dryRun: true },
  ): Promise<DryRunResult>;
  /** Removes everyone but the app or the kept ids. */
  removeAllExcept(options?: RemoveAllExceptOptions): Promise<RemoveAllExceptResult>;
  async removeAllExcept(
    options: RemoveAllExceptOptions = {},
  ): Promise<RemoveAllExceptResult | DryRunResult> {
    const keepIds = new Set((options.keep ?? []).map((id, i) => checkId(id, `keep[${i}]`)));
    const keepApp = (options.keepAppId ?? this.#http.clientId)?.toLowerCase();
    if (options.dryRun) return await this.describeList();
    const kept: string[] = [];
    const remove: string[] = [];
    const listOptions = options.signal ? { signal: options.signal } : {};
    for await (const p of this.participants(listOptions)) {
      const app = p.info?.identity?.application?.id?.toLowerCase();
      if (keepIds.has(p.id) || (keepApp !== undefined && app === keepApp)) kept.push(p.id);
      else remove.push(p.id);
    }
    const { keepAppId: _a, keep: _k, dryRun: _d, ...bulk } = options;
    const result = await this.removeMany(remove, bulk);
    return { ...result, kept };
  }
}

/** The signal and dry-run flag of an operation's options. */
function common(options: { signal?: AbortSignal; dryRun?: boolean }) {
  return {
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.dryRun ? { dryRun: true } : {}),
  };
}

function listQuery(options: Omit<ListOptions, "signal">) {
  return {
    $top: options.top,
    $filter: options.filter,
    $select: options.select?.join(","),
  };
}
