/**
 * `connect()`: the entry point of the API. Resolves a credential (options, then `AZURE_*` and
 * `GRAPHCALL_*`, as the CLI does), and returns a client: `joinMeeting()` and
 * `removeFromMeeting()` for the path from a join link to a removal, `users.resolve()`,
 * `call(id)` for a call the app is in (remove, invite, list, get, mute, get the call, hang up),
 * and `removeMany()` across calls. Nothing is sent by `connect()` itself: the first token is
 * fetched with the first request (so dry runs fetch none).
 *
 * @module
 */

import { decodeAccessToken } from "../auth/claims.ts";
import type { TokenCredential } from "../auth/credential.ts";
import { readEnv } from "../auth/env.ts";
import { isLoopbackHost } from "../auth/host_url.ts";
import { type CredentialOptions, resolveCredential } from "../auth/resolve_credential.ts";
import type { Cloud } from "../clouds.ts";
import { InvalidInputError } from "../errors.ts";
import { isGuid } from "../identifiers.ts";
import type {
  BulkDryRunResult,
  BulkRemoveOptions,
  BulkRemoveResult,
  RemovalItem,
} from "./bulk_result.ts";
import { CallHandle, type Participant } from "./call.ts";
import { type DryRunResult, GraphHttp, type PipelineOptions } from "./graph_http.ts";
import type { JoinOptions, MeetingTarget } from "./meeting_join.ts";
import type {
  Person,
  RemoveFromMeetingDryRun,
  RemoveFromMeetingOptions,
  RemoveFromMeetingResult,
} from "./remove_from_meeting.ts";
import type { DirectoryUser } from "./users.ts";
import type { GuardOptions, GuardRules, GuardSummary } from "./guard_meeting.ts";

/** Options for {@link connect}: the credential, the pipeline's, and the meetings'. */
export interface ConnectOptions extends CredentialOptions, PipelineOptions {
  /**
   * Where Graph sends the notifications of the calls this client joins (HTTPS). Env:
   * `GRAPHCALL_CALLBACK_URI`. Required against Graph (the bot's registered calling webhook will
   * do: graphcall polls); on a loopback emulator graphcall supplies one itself.
   */
  callbackUri?: string;
}

/** What the meeting roster of {@link GraphClient.meetingRoster} holds. */
export interface MeetingRoster {
  /** The app's call id used to read it (the app has left). */
  callId: string;
  /** The people in the meeting, without the app. */
  participants: Participant[];
}

/** A connected Graph client. */
export interface GraphClient {
  /** The cloud in use. */
  readonly cloud: Cloud;
  /** The tenant id or domain. */
  readonly tenantId: string;
  /** The Graph root requests go to (the cloud's, or an emulator's). */
  readonly graphUrl: string;
  /** The app (client) id. */
  readonly clientId: string;
  /** Which credential was chosen, and from where (never the secret). */
  readonly credentialDescription: string;
  /** The credential (cached, single-flight). */
  readonly credential: TokenCredential;
  /** A handle on one call; the id is checked here. */
  call(callId: string): CallHandle;
  /** Removes many participants, across calls, with bounded concurrency. */
  removeMany(
    items: RemovalItem[],
    options: BulkRemoveOptions & { dryRun: true },
  ): Promise<BulkDryRunResult>;
  /** Removes many participants, across calls, with bounded concurrency. */
  removeMany(items: RemovalItem[], options?: BulkRemoveOptions): Promise<BulkRemoveResult>;
  /**
   * Joins a meeting (the app's own call leg) from its join link and waits until the app is in;
   * resolves with the call handle. Hang up when done (`call.hangUp()`).
   */
  joinMeeting(
    target: MeetingTarget,
    options: JoinOptions & { dryRun: true },
  ): Promise<DryRunResult>;
  /** Joins a meeting and waits until the app is in. */
  joinMeeting(target: MeetingTarget, options?: JoinOptions): Promise<CallHandle>;
  /**
   * The whole job: join the meeting, find each person (UPN, object id, display name or phone),
   * remove every match, and leave (also on error or abort).
   */
  removeFromMeeting(
    target: MeetingTarget,
    people: readonly Person[],
    options: RemoveFromMeetingOptions & { dryRun: true },
  ): Promise<RemoveFromMeetingDryRun>;
  /** Removes people from a meeting. */
  removeFromMeeting(
    target: MeetingTarget,
    people: readonly Person[],
    options?: RemoveFromMeetingOptions,
  ): Promise<RemoveFromMeetingResult>;
  /**
   * Sends a join body as it is (PowerShell's `New-MgCommunicationCall -BodyParameter`) and waits
   * until the app is in.
   */
  joinWithBody(body: Record<string, unknown>, options?: JoinOptions): Promise<CallHandle>;
  /** Joins a meeting, reads who is in it, and leaves. */
  meetingRoster(target: MeetingTarget, options?: JoinOptions): Promise<MeetingRoster>;
  /**
   * Stays in a meeting and removes everyone who matches a rule, at once and each time they come
   * back, until `options.signal` aborts; then hangs up and resolves with the summary.
   *
   * @example Keep a banned user out for an hour
   * ```ts ignore
   * const summary = await graph.guardMeeting(joinUrl, { users: ["mallory@contoso.com"] }, {
   *   signal: AbortSignal.timeout(3_600_000),
   *   onEvent: (e) => console.log(e.type, "who" in e ? e.who : ""),
   * });
   * console.log(summary.byPerson);
   * ```
   */
  guardMeeting(
    target: MeetingTarget,
    rules: GuardRules,
    options?: GuardOptions,
  ): Promise<GuardSummary>;
  /** The directory. */
  readonly users: {
    /** A user by UPN (looked up) or object id (returned as it is). */
    resolve(upnOrId: string, options?: { signal?: AbortSignal }): Promise<DirectoryUser>;
  };
}

/**
 * Connects to Graph with an app-only credential.
 *
 * @example Remove a participant with a certificate
 * ```ts ignore
 * import { connect } from "./connect.ts";
 * const graph = await connect({
 *   tenantId: "contoso.onmicrosoft.com",
 *   clientId: "0b5e8a21-6c4f-4d2e-9a57-3f1c2d8e7b60",
 *   certificate: { path: "app.pem" },
 * });
 * await graph.call("112f7296-5fa4-42ca-bae8-6a692b15d4b8").remove("a7ebfb2d-871e-419c-87af-27290b22e8db");
 * ```
 *
 * @example Invite, wait for the answer and remove, on the embedded emulator
 * ```ts
 * import { connect } from "./connect.ts";
 * import { user } from "./identities.ts";
 * import { createCertificate } from "../auth/create_certificate.ts";
 * import { startEmulator } from "../emulator/mod.ts";
 *
 * const cert = await createCertificate({ subject: "CN=doc example", keySize: 2048 });
 * const tenantId = "72f988bf-86f1-41af-91ab-2d7cd011db47";
 * const clientId = "0b5e8a21-6c4f-4d2e-9a57-3f1c2d8e7b60";
 * const callId = "112f7296-5fa4-42ca-bae8-6a692b15d4b8";
 * const emulator = await startEmulator({
 *   state: {
 *     tenants: [{
 *       id: tenantId,
 *       allowRemoveParticipantAppIds: [clientId],
 *       apps: [{
 *         clientId,
 *         roles: ["Calls.JoinGroupCall.All", "Calls.InitiateGroupCall.All"],
 *         certificates: [{ pem: cert.certificatePem }],
 *       }],
 *       users: [{ id: "278405a3-f568-4b3e-b684-009193463064", answerAfterMs: 0 }],
 *       calls: [{ id: callId, participants: [] }],
 *     }],
 *   },
 * });
 * try {
 *   const graph = await connect({
 *     tenantId,
 *     clientId,
 *     certificate: { pem: cert.certificatePem + cert.privateKeyPem },
 *     authorityUrl: emulator.authorityUrl,
 *     graphUrl: emulator.graphUrl,
 *   });
 *   const call = graph.call(callId);
 *   const op = await call.invite([user("278405a3-f568-4b3e-b684-009193463064")]);
 *   const end = await call.waitForInvite(op, { pollIntervalMs: 10 });
 *   console.log(end.status); // completed
 *   await call.remove(op.participants[0]!.participantId!);
 * } finally {
 *   await emulator.close();
 * }
 * ```
 */
export async function connect(options: ConnectOptions = {}): Promise<GraphClient> {
  // What only some jobs use (meetings, bulk removal, the directory, the guard) is loaded on first
  // use: importing mod.ts, and a one-shot CLI run, load only the call path.
  const resolved = await resolveCredential(options);
  const http = new GraphHttp({
    graphUrl: resolved.graphUrl,
    credential: resolved.credential,
    cloud: resolved.cloud.name,
    clientId: resolved.clientId,
    ...pipelineOptions(options),
  });
  const callbackUri = options.callbackUri ?? readEnv("GRAPHCALL_CALLBACK_URI", options.env);
  /** What every join needs besides the link: the callback URI and the tenant. */
  const joinContext = async (given: JoinOptions) => ({
    callbackUri: (await meetings()).checkCallbackUri(
      given.callbackUri ?? callbackUri ?? loopbackDefault(resolved.graphUrl),
      given.callbackUri ? "callbackUri" : callbackUri ? "GRAPHCALL_CALLBACK_URI" : "callbackUri",
    ),
    tenantId: given.tenantId ??
      (isGuid(resolved.tenantId) || given.dryRun
        ? resolved.tenantId
        : decodeAccessToken((await resolved.credential.getToken()).token).tid ?? resolved.tenantId),
  });
  const join = async (target: MeetingTarget, o: JoinOptions = {}) =>
    await (await meetings()).joinMeeting(http, target, { ...o, ...await joinContext(o) });
  return {
    cloud: resolved.cloud,
    tenantId: resolved.tenantId,
    graphUrl: resolved.graphUrl,
    clientId: resolved.clientId,
    credentialDescription: resolved.description,
    credential: resolved.credential,
    call: (callId: string) => new CallHandle(http, callId),
    removeMany:
      (async (items: RemovalItem[], o?: BulkRemoveOptions) =>
        await (await import("./bulk_remove.ts")).removeMany(
          http,
          (callId) => new CallHandle(http, callId),
          items,
          o,
        )) as GraphClient["removeMany"],
    joinMeeting: join as GraphClient["joinMeeting"],
    removeFromMeeting:
      (async (target, people, o = {}) =>
        await (await import("./remove_from_meeting.ts")).removeFromMeeting(http, target, people, {
          ...o,
          ...await joinContext(o),
        })) as GraphClient["removeFromMeeting"],
    joinWithBody: async (body, o = {}) =>
      await (await meetings()).joinWithBody(http, body, { ...o, dryRun: false }) as CallHandle,
    meetingRoster: async (target, o = {}) => {
      const call = await join(target, {
        ...o,
        dryRun: false,
        keepAliveIntervalMs: 0,
      }) as CallHandle;
      try {
        const participants: Participant[] = [];
        for await (const p of call.participants(o.signal ? { signal: o.signal } : {})) {
          if (p.id === call.myParticipantId) continue;
          participants.push(p);
        }
        return { callId: call.id, participants };
      } finally {
        await call.hangUp().catch(() => {});
      }
    },
    guardMeeting: async (target, rules, o = {}) =>
      await (await import("./guard_meeting.ts")).guardMeeting(http, target, rules, {
        ...o,
        ...await joinContext(o),
      }),
    users: {
      resolve: async (upnOrId, o = {}) =>
        await (await import("./users.ts")).resolveUser(http, upnOrId, {
          lookUpIds: true,
          ...(o.signal ? { signal: o.signal } : {}),
        }),
    },
  };
}

/** The meeting-join module, loaded on the first join. */
const meetings = () => import("./meeting_join.ts");

/**
 * The callback URI when none is given: against a loopback emulator, a loopback address where
 * nothing listens (graphcall polls); against Graph, none can be made up.
 */
export function loopbackDefault(graphUrl: string): string {
  const host = new URL(graphUrl).hostname;
  if (isLoopbackHost(host)) {
    return "http://127.0.0.1:9/graphcall-polls";
  }
  throw new InvalidInputError(
    "callbackUri",
    "joining a meeting needs a callback URI: Graph sends the call's notifications there " +
      "(HTTPS; the bot's registered calling webhook will do, graphcall polls) — set the " +
      "callbackUri option or GRAPHCALL_CALLBACK_URI",
  );
}

/** The pipeline's options picked out of `connect()`'s. */
function pipelineOptions(o: PipelineOptions): PipelineOptions {
  const out: PipelineOptions = {};
  for (
    const key of [
      "graphVersion",
      "timeoutMs",
      "overallTimeoutMs",
      "maxRetries",
      "signal",
      "fetch",
      "now",
      "sleep",
      "random",
      "onTrace",
      "pacing",
    ] as const
  ) {
    if (o[key] !== undefined) (out as Record<string, unknown>)[key] = o[key];
  }
  return out;
}
