/**
 * Joining a meeting: the app's own call leg, `POST /communications/calls` with the body Graph's
 * create-call Examples 5 and 7 show (service-hosted media, audio, `tenantId`, `callbackUri`), built
 * from a join link or given coordinates; then waiting until the call is `established`, telling
 * the caller when the app waits in the lobby, and ending with a typed error when it is not
 * admitted in time or the call ends. Facts: ../shared/reference/meetings.md sections 2 and 4.
 *
 * @module
 */

import { CallEndedError, GraphcallError, GraphError, InvalidInputError } from "../errors.ts";
import { adminConsentUrl } from "../fixes.ts";
import { isLoopbackHost } from "../auth/host_url.ts";
import { isGuid } from "../identifiers.ts";
import { CallHandle, type CallResource } from "./call.ts";
import type { DryRunResult, GraphHttp } from "./graph_http.ts";
import { type JoinLink, parseJoinUrl } from "./join_url.ts";
import { isDryRun, runOperation } from "./run_operation.ts";

/** What a notification listener offers the wait: the call's state as notifications tell it. */
export interface CallStateSource {
  /** Calls `handler` with each state a notification reports for the call; returns unsubscribe. */
  watchCall(callId: string, handler: (call: Partial<CallResource>) => void): () => void;
}

/** What the wait reports on the way. */
export type JoinProgress =
  | { type: "joining"; callId: string }
  | { type: "lobby"; callId: string; waitedMs: number }
  | { type: "established"; callId: string; waitedMs: number };

/** Options of {@link joinMeeting}. */
export interface JoinOptions {
  /**
   * Where Graph sends the call's notifications (HTTPS; `http://` only for a loopback emulator).
   * Required against Graph: the bot's registered calling webhook will do when polling.
   */
  callbackUri?: string;
  /** The meeting's tenant, for a short link (which does not name it); a long link's wins. */
  tenantId?: string;
  /** Give up waiting in the lobby after this long, ms (default 120 000); the app leaves. */
  lobbyTimeoutMs?: number;
  /** Give up waiting for the call to be established after this long, ms (default 60 000). */
  establishTimeoutMs?: number;
  /** Time between polls of the call's state, ms (default: 25 ms for 2 s, 100 ms to 10 s, then 1 s). */
  pollIntervalMs?: number;
  /** Notifications of the call's state (a listener), besides polling. */
  notifications?: CallStateSource;
  /**
   * Keep-alive interval while the handle stays in the call, ms (default 15 minutes, as Microsoft
   * recommends; 0: none, for a short job that hangs up at once).
   */
  keepAliveIntervalMs?: number;
  /** Told when the app joins, waits in the lobby, is in. */
  onProgress?: (progress: JoinProgress) => void;
  /** Abort signal: the wait stops and the app hangs up. */
  signal?: AbortSignal;
  /** Return the join request instead of sending it. */
  dryRun?: boolean;
}

/** Meeting coordinates, as a link gives them or as the caller knows them. */
export type MeetingTarget = string | JoinLink;

/** The body of `POST /communications/calls` for a meeting. */
export function joinBody(
  link: JoinLink,
  options: { tenantId: string; callbackUri: string },
): Record<string, unknown> {
  const base = {
    "@odata.type": "#microsoft.graph.call",
    callbackUri: options.callbackUri,
    requestedModalities: ["audio"],
    mediaConfig: { "@odata.type": "#microsoft.graph.serviceHostedMediaConfig" },
  };
  if (link.kind === "meetupJoin") {
    return {
      ...base,
      chatInfo: {
        "@odata.type": "#microsoft.graph.chatInfo",
        threadId: link.threadId,
        messageId: link.messageId,
        ...(link.replyChainMessageId ? { replyChainMessageId: link.replyChainMessageId } : {}),
      },
      meetingInfo: {
        "@odata.type": "#microsoft.graph.organizerMeetingInfo",
        organizer: {
          "@odata.type": "#microsoft.graph.identitySet",
          user: {
            "@odata.type": "#microsoft.graph.identity",
            id: link.organizerId,
            tenantId: link.tenantId,
          },
        },
        allowConversationWithoutHost: true,
      },
      tenantId: link.tenantId,
    };
  }
  return {
    ...base,
    meetingInfo: {
      "@odata.type": "#microsoft.graph.joinMeetingIdMeetingInfo",
      joinMeetingId: link.joinMeetingId,
      ...(link.passcode ? { passcode: link.passcode } : {}),
    },
    tenantId: options.tenantId,
  };
}

/** Checks a callback URI: HTTPS, or `http://` to a loopback host. */
export function checkCallbackUri(value: string, field = "callbackUri"): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new InvalidInputError(field, `"${value.slice(0, 80)}" is not a URL`);
  }
  const loopback = isLoopbackHost(url.hostname);
  if (url.protocol !== "https:" && !(url.protocol === "http:" && loopback)) {
    throw new InvalidInputError(
      field,
      "Graph sends notifications only to an https:// URL (the bot's calling webhook will do)",
    );
  }
  return url.href;
}

/** The tenant id a join names: the link's, else the caller's; it must be a GUID. */
export function joinTenant(link: JoinLink, tenantId: string | undefined): string {
  if (link.kind === "meetupJoin") return link.tenantId;
  if (tenantId && isGuid(tenantId)) return tenantId.toLowerCase();
  throw new InvalidInputError(
    "tenantId",
    "a short join link (/meet/...) does not name the meeting's tenant: give the tenant id (a " +
      "GUID), e.g. --tenant 72f988bf-86f1-41af-91ab-2d7cd011db47",
  );
}

/** Reads a link, or takes parsed coordinates as they are. */
export function meetingLink(target: MeetingTarget, field = "joinUrl"): JoinLink {
  return typeof target === "string" ? parseJoinUrl(target, field) : target;
}

/**
 * Joins a meeting and waits until the call is established; resolves with the call handle (keep-
 * alive running). On a lobby timeout, a terminated call, an error or an abort while waiting, the
 * app hangs up before the error is thrown: nothing is left behind.
 */
export async function joinMeeting(
  http: GraphHttp,
  target: MeetingTarget,
  options: JoinOptions & { tenantId: string; callbackUri: string },
): Promise<CallHandle | DryRunResult> {
  const link = meetingLink(target);
  const body = joinBody(link, {
    tenantId: joinTenant(link, options.tenantId),
    callbackUri: checkCallbackUri(options.callbackUri),
  });
  return await joinWithBody(http, body, options);
}

/**
 * Sends a join body as it is (PowerShell's `New-MgCommunicationCall -BodyParameter`) and waits
 * like {@link joinMeeting}. The body must be an object with a `mediaConfig`; its `callbackUri`,
 * when given, must be HTTPS (or loopback `http://`).
 */
export async function joinWithBody(
  http: GraphHttp,
  body: Record<string, unknown>,
  options: JoinOptions,
): Promise<CallHandle | DryRunResult> {
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    throw new InvalidInputError("body", "a join body is a JSON object (a call)");
  }
  if (typeof body.mediaConfig !== "object" || body.mediaConfig === null) {
    throw new InvalidInputError(
      "body",
      "a join body needs mediaConfig (Graph refuses one without)",
    );
  }
  if (typeof body.callbackUri === "string") checkCallbackUri(body.callbackUri, "body.callbackUri");
  const r = await runOperation<CallResource>(http, {
    name: "join",
    body,
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.dryRun ? { dryRun: true } : {}),
  }).catch((e: unknown) => {
    throw joinRefusal(e, typeof body.tenantId === "string" ? body.tenantId : "(none given)", http);
  });
  if (isDryRun(r)) return r;
  if (!r.id) {
    throw new GraphcallError("service_error", "Graph accepted the join but named no call id");
  }
  const myParticipantId = r.response.body?.myParticipantId;
  const call = new CallHandle(http, r.id, {
    ...(typeof myParticipantId === "string" ? { myParticipantId } : {}),
  });
  try {
    options.onProgress?.({ type: "joining", callId: call.id });
    await waitUntilEstablished(http, call, r.response.body, options);
  } catch (e) {
    await call.hangUp().catch(() => {});
    throw e;
  }
  if (options.keepAliveIntervalMs !== 0) {
    call.startKeepAlive({
      ...(options.keepAliveIntervalMs !== undefined
        ? { intervalMs: options.keepAliveIntervalMs }
        : {}),
    });
  }
  return call;
}

/**
 * The poll schedule: every 25 ms for the first 2 s (a join is usually established within a second
 * or two, and each poll is one small GET), every 100 ms until 10 s, then every second.
 */
function pollDelay(waitedMs: number, fixed: number | undefined): number {
  if (fixed !== undefined) return fixed;
  return waitedMs < 2000 ? 25 : waitedMs < 10_000 ? 100 : 1000;
}

function ended(call: CallHandle, resource: Partial<CallResource>): CallEndedError {
  const info = resource.resultInfo ?? undefined;
  const lobby = info?.subcode === 5855;
  return new CallEndedError(
    lobby ? "not_admitted" : "call_ended",
    call.id,
    lobby
      ? "the app waited in the meeting's lobby until Teams removed it (lobby timeout)"
      : `the app's call ended before it was established${
        info ? ` (${info.code ?? "?"}/${info.subcode ?? "?"}: ${info.message ?? ""})` : ""
      }`,
    info ?? undefined,
    lobby ? { remediation: lobbyFix() } : {},
  );
}

function lobbyFix(): string {
  return "someone in the meeting must admit the app ('Meeting bot' or its display name) from the " +
    "lobby, or the meeting's options must let people (or apps) bypass the lobby";
}

/** Waits until the call is established, polling its state (and reading notifications). */
async function waitUntilEstablished(
  http: GraphHttp,
  call: CallHandle,
  first: Partial<CallResource> | undefined,
  options: JoinOptions,
): Promise<void> {
  const started = http.now();
  const lobbyTimeout = options.lobbyTimeoutMs ?? 120_000;
  const establishTimeout = options.establishTimeoutMs ?? 60_000;
  let latest: Partial<CallResource> = first ?? {};
  let lobbySince: number | undefined;
  let lobbyCheckedAt = started;
  let wake = new AbortController();
  const unwatch = options.notifications?.watchCall(call.id, (update) => {
    latest = { ...latest, ...update };
    wake.abort();
  });
  try {
    for (let polls = 0;; polls++) {
      if (options.signal?.aborted) {
        throw new GraphcallError("aborted", "joining the meeting was interrupted; the app left");
      }
      const state = String(latest.state ?? "").toLowerCase();
      const waited = http.now() - started;
      if (state === "established") {
        options.onProgress?.({ type: "established", callId: call.id, waitedMs: waited });
        return;
      }
      if (state === "terminated" || state === "terminating") throw ended(call, latest);
      // The lobby shows on the app's own participant; look at most once a second, after 0.5 s.
      if (waited >= 500 && http.now() - lobbyCheckedAt >= 1000) {
        lobbyCheckedAt = http.now();
        if (await inLobby(call, options.signal)) {
          lobbySince ??= lobbyCheckedAt;
          const inLobbyMs = http.now() - lobbySince;
          options.onProgress?.({ type: "lobby", callId: call.id, waitedMs: inLobbyMs });
          if (inLobbyMs >= lobbyTimeout) {
            throw new CallEndedError(
              "not_admitted",
              call.id,
              `the app was not admitted from the meeting's lobby within ${
                Math.round(lobbyTimeout / 1000)
              } s; it left the meeting`,
              undefined,
              { remediation: lobbyFix() },
            );
          }
        }
      }
      if (lobbySince === undefined && waited >= establishTimeout) {
        throw new CallEndedError(
          "call_ended",
          call.id,
          `the call was not established within ${
            Math.round(establishTimeout / 1000)
          } s; the app left`,
        );
      }
      const delay = options.notifications && polls > 2
        ? 5000
        : pollDelay(waited, options.pollIntervalMs);
      const signals = [wake.signal, ...(options.signal ? [options.signal] : [])];
      try {
        await http.sleep(delay, AbortSignal.any(signals));
      } catch {
        // woken by a notification, or aborted (checked above)
      }
      if (wake.signal.aborted) {
        wake = new AbortController(); // a notification's state is in `latest`
        continue;
      }
      if (options.signal?.aborted) continue;
      try {
        latest = (await call.get(options.signal ? { signal: options.signal } : {})).call;
      } catch (e) {
        if (!(e instanceof GraphError && e.code === "not_found")) throw e;
        // Graph no longer knows the call: it ended (its resultInfo comes only by notification).
        throw lobbySince !== undefined
          ? new CallEndedError(
            "not_admitted",
            call.id,
            "the app waited in the meeting's lobby until its call ended (a lobby timeout)",
            undefined,
            { remediation: lobbyFix() },
          )
          : new CallEndedError("call_ended", call.id, "the app's call ended while joining");
      }
    }
  } finally {
    unwatch?.();
  }
}

/** Whether the app's own participant waits in the lobby (false when that cannot be read). */
async function inLobby(call: CallHandle, signal: AbortSignal | undefined): Promise<boolean> {
  if (!call.myParticipantId) return false;
  try {
    const r = await call.participant(call.myParticipantId, signal ? { signal } : {});
    return r.participant?.isInLobby === true;
  } catch {
    return false;
  }
}

/**
 * Graph's refusals of a join that name a tenant, said with the meeting's tenant: 7505 (the token
 * is for another tenant than the meeting's) and 7504 (the meeting's tenant has not consented).
 */
function joinRefusal(e: unknown, meetingTenant: string, http: GraphHttp): unknown {
  if (!(e instanceof GraphError) || (e.graphCode !== "7505" && e.graphCode !== "7504")) return e;
  const details = {
    status: e.status,
    graphCode: e.graphCode,
    ...(e.requestId ? { requestId: e.requestId } : {}),
    ...(e.clientRequestId ? { clientRequestId: e.clientRequestId } : {}),
    ...(e.date ? { date: e.date } : {}),
  };
  if (e.graphCode === "7505") {
    return new GraphError(
      "permission_missing",
      `the meeting belongs to tenant ${meetingTenant}, ` +
        `but the token is for another tenant (Graph 7505: ${e.message})`,
      details,
      {
        cause: e,
        remediation: `get the token in the meeting's tenant: set the tenant to ${meetingTenant} ` +
          "(the tenantId option or AZURE_TENANT_ID); the app must be consented there",
      },
    );
  }
  let consent: string | undefined;
  try {
    consent = http.clientId ? adminConsentUrl(http.clientId, http.cloud, meetingTenant) : undefined;
  } catch {
    consent = undefined;
  }
  return new GraphError(
    "permission_missing",
    `the meeting's tenant ${meetingTenant} has not ` +
      `consented to this app (Graph 7504: ${e.message})`,
    details,
    {
      cause: e,
      remediation: `an admin of tenant ${meetingTenant} must grant the app's calling permissions${
        consent ? `: ${consent}` : ""
      }`,
    },
  );
}
