/**
 * A local emulator of Entra ID and Microsoft Graph for calls and participants: the embedded
 * default on which graphcall's demo and tests run, and which users point their own automation at.
 *
 * The contract (start-up output, state file) is ../shared/emulator-state.md.
 *
 * @example Start an emulator in-process and stop it
 * ```ts
 * import { startEmulator } from "./mod.ts";
 * const emulator = await startEmulator({ state: { tenants: [] } });
 * console.log(emulator.graphUrl); // http://127.0.0.1:PORT
 * await emulator.close();
 * ```
 *
 * @module
 */

import { InvalidInputError } from "../errors.ts";
import { type AdminContext, handleAdmin } from "./admin_api.ts";
import { CallRuntime } from "./call_runtime.ts";
import { type EntraContext, GITHUB_ISSUER, handleToken } from "./entra.ts";
import { handleDiscovery } from "./entra_discovery.ts";
import { serveTokenWithFault } from "./entra_faults.ts";
import { pickFault } from "./graph_faults.ts";
import { graphError, type GraphRequestIds } from "./graph_errors.ts";
import { type GraphContext, handleGraph } from "./graph_routes.ts";
import { LiveSettings } from "./live_settings.ts";
import { EmulatorKeys, type SigningKey } from "./signing_key.ts";
import { DEFAULT_GITHUB_OIDC, type GithubOidcSettings, handleGithubOidc } from "./github_oidc.ts";
import type { Delivery } from "./notifications.ts";
import { appendLog, logEntry, type LoggedRequest } from "./request_log.ts";
import {
  attendeeParticipant,
  type AttendeeSpec,
  type EmulatorSettingsSpec,
  type EmulatorState,
  type EmulatorStateSpec,
  type FaultSpec,
  type GithubSpec,
  loadState,
  type MeetingSpec,
  parseFaults,
  parseGithub,
  parseSettings,
  parseThrottle,
  type PolicyDenialSpec,
  type TenantSpec,
} from "./state.ts";
import { resolveTls, type TlsOption, writeCaFile } from "./tls.ts";
import {
  allowedHosts,
  announcedTooLarge,
  BODY_TIMEOUT_MS,
  hostAllowed,
  readBody,
  refusalResponse,
} from "./request_guard.ts";

export type {
  AppSpec,
  AttendeeSpec,
  CallSnapshot,
  CallSpec,
  CertificateSpec,
  EmulatedCall,
  EmulatedParticipant,
  EmulatedTenant,
  EmulatorSettingsSpec,
  EmulatorState,
  EmulatorStateSpec,
  FaultSpec,
  FederatedCredentialSpec,
  GithubSpec,
  MeetingSnapshot,
  MeetingSpec,
  ParticipantSpec,
  PolicyDenialSpec,
  SecretSpec,
  StateSnapshot,
  TenantSnapshot,
  TenantSpec,
  UserSpec,
} from "./state.ts";
export type { EmulatedMeeting } from "./meetings.ts";
export type { CallLife, CallState, ResultInfo } from "./call_life.ts";
export type { CloudName } from "../clouds.ts";
export type { GithubOidcSettings } from "./github_oidc.ts";
export type { LoggedRequest } from "./request_log.ts";
export type { Delivery } from "./notifications.ts";
export type { TlsOption } from "./tls.ts";

/** Options for {@link startEmulator}. */
export interface EmulatorOptions {
  /** The state: an object, or a path to a JSON state file. */
  state?: EmulatorStateSpec | string;
  /** Host to bind; loopback by default. */
  hostname?: string;
  /**
   * Serve HTTPS: `"self-signed"` makes a throw-away CA and a certificate for `localhost`,
   * `127.0.0.1` and `::1` (its PEM path is `caCertPath`), or give your own `{ cert, key }` PEM.
   */
  tls?: TlsOption;
  /**
   * Require `Authorization: Bearer <adminToken>` on the admin API. Without it, the admin API is
   * open on a loopback bind and off on any other.
   */
  adminToken?: string;
  /** Port; 0 (default) picks a free one. */
  port?: number;
  /**
   * The clock, ms since the epoch. With a clock of your own, time-driven changes (a call
   * becoming established, lobby and keep-alive timeouts, invitation answers) happen when a
   * request or `tick()` looks at them; with the real clock (the default) they also happen on
   * time by themselves.
   */
  clock?: () => number;
  /**
   * Signing keys: `"well-known"` (the published development keys, the default on loopback) or
   * `"generated"` (fresh keys made at start, the default on any other bind).
   */
  keys?: "well-known" | "generated";
  /** Allowed clock skew for client assertions, seconds. Default 300 (overrides the state file). */
  clockSkewSeconds?: number;
  /** Lifetime of issued access tokens, seconds. Default 3599 (overrides the state file). */
  tokenLifetimeSeconds?: number;
  /** Return this `refresh_in` in token responses; omitted by default (UNCONFIRMED upstream). */
  refreshInSeconds?: number;
  /** The answer to a removal the tenant policy refuses (an assumption; see docs/emulator.md). */
  policyDenial?: PolicyDenialSpec;
  /** A joined call stays `establishing` this long, ms. Default 100. */
  joinDelayMs?: number;
  /** An app waiting in a lobby this long is dropped (200/5855), ms. Default 15 minutes. */
  lobbyTimeoutMs?: number;
  /** A joined call with no keepAlive this long ends (408/8537), ms. Default 45 minutes. */
  keepAliveTimeoutMs?: number;
  /** What a call whose notifications all fail does (UNCONFIRMED upstream). Default `ignore`. */
  callbackFailure?: "ignore" | "terminate";
  /** The emulated GitHub Actions job (request token, subject, token lifetime, claims). */
  github?: Partial<GithubOidcSettings>;
  /**
   * More `Host` names to accept (with or without `:port`). The emulator answers only requests
   * whose `Host` names it (loopback names and the bound address, with its port), against DNS
   * rebinding; on a wildcard bind (`0.0.0.0`, `::`) any Host is accepted unless this is given.
   */
  allowedHosts?: string[];
  /** How long a request body may take to arrive, ms. Default 30000. */
  bodyTimeoutMs?: number;
}

/** A running emulator. */
export interface Emulator {
  /** Graph root: requests go to `{graphUrl}/v1.0/...`. */
  readonly graphUrl: string;
  /** Entra authority host: `{authorityUrl}/{tenant}/oauth2/v2.0/token`. */
  readonly authorityUrl: string;
  /** Admin API root. */
  readonly adminUrl: string;
  /** Usable as `ACTIONS_ID_TOKEN_REQUEST_URL`. */
  readonly githubOidcRequestUrl: string;
  /** The JWKS that verifies the notifications POSTed to calls' callback URIs. */
  readonly notificationJwksUrl: string;
  /** A PEM file clients must trust, when serving HTTPS. */
  readonly caCertPath: string | null;
  /** The live state. */
  readonly state: EmulatorState;
  /** Requests served, oldest first (method, path, status, client-request-id, time only). */
  readonly requests: readonly LoggedRequest[];
  /** Tokens issued, by client id. */
  readonly tokenRequests: ReadonlyMap<string, number>;
  /** Notification deliveries, oldest first (as `GET /_emulator/notifications`). */
  readonly deliveries: readonly Delivery[];
  /** Replaces the fault rules (as `PUT /_emulator/faults`). */
  setFaults(rules: FaultSpec[]): void;
  /** Sets the Graph throttle, requests per second per app and tenant; null removes it. */
  setThrottle(requestsPerSecond: number | null): void;
  /** Replaces a tenant's `AllowRemoveParticipantAppIds` (as `PUT .../policy`). */
  setPolicy(tenantId: string, appIds: string[]): void;
  /**
   * Adds or replaces a tenant (as `POST /_emulator/tenants`); certificates must be inline `pem`
   * (a `path` is read only while the initial state loads).
   */
  seedTenant(spec: TenantSpec): Promise<void>;
  /** Replaces the emulated GitHub job's settings (as `PUT /_emulator/github`). */
  setGithub(github: GithubSpec): void;
  /** Changes some settings (as `PUT /_emulator/settings`). */
  setSettings(settings: EmulatorSettingsSpec): void;
  /** Admits an app's call waiting in a meeting's lobby (as `POST .../calls/{id}/admit`). */
  admit(tenantId: string, callId: string): void;
  /** Adds a person to a live meeting; returns their participant id (as `POST .../attendees`). */
  addAttendee(tenantId: string, meetingId: string, attendee: AttendeeSpec): string;
  /** Applies every time-driven change due by the emulator's clock (as `POST /_emulator/tick`). */
  tick(): void;
  /** Resolves once every queued notification was delivered or given up. */
  notificationsIdle(): Promise<void>;
  /** Empties the request log. */
  clearRequests(): void;
  /** Stops serving. */
  close(): Promise<void>;
  /** Stops serving (`await using emulator = await startEmulator()`). */
  [Symbol.asyncDispose](): Promise<void>;
}

/** Stands in for the signing keys until they are made; never used to sign or verify. */
const PENDING_KEY = Object.freeze({}) as SigningKey;

/** How long `close()` lets requests in flight finish before it closes their connections, ms. */
const CLOSE_GRACE_MS = 500;

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|\[::1\]|localhost)$/i;

/**
 * Starts the emulator (loopback, a free port, plain HTTP unless `tls` is given).
 *
 * @example Start over HTTPS with a self-signed certificate
 * ```ts ignore
 * const emulator = await startEmulator({ state: "tenant.json", tls: "self-signed" });
 * // Trust emulator.caCertPath in the client, e.g. NODE_EXTRA_CA_CERTS or DENO_CERT.
 * await emulator.close();
 * ```
 */
export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const hostname = options.hostname ?? "127.0.0.1";
  if (options.adminToken !== undefined && !options.adminToken) {
    throw new InvalidInputError("adminToken", "must not be empty");
  }
  if (options.keys !== undefined && options.keys !== "well-known" && options.keys !== "generated") {
    throw new InvalidInputError("keys", 'give "well-known" or "generated"');
  }
  const keys = new EmulatorKeys(
    options.keys ?? (LOOPBACK.test(hostname) ? "well-known" : "generated"),
  );
  // Generated keys take a while: they are made in the background and awaited by the first
  // request that needs them, so starting stays fast.
  const keyReady = keys.get("entra");
  keyReady.catch(() => {}); // a failure is answered per request (500), not left unhandled
  const [state, tls] = await Promise.all([
    loadState(options.state),
    options.tls === undefined ? undefined : resolveTls(options.tls),
  ]);
  let key = await Promise.race([keyReady, Promise.resolve(PENDING_KEY)]);
  const now = options.clock ?? Date.now;
  const requests: LoggedRequest[] = [];
  const tokenRequests = new Map<string, number>();
  let baseUrl = "";
  if (options.github) state.github = { ...state.github, ...parseGithub(options.github) };
  const optionSettings: EmulatorSettingsSpec = {};
  for (
    const name of [
      "clockSkewSeconds",
      "tokenLifetimeSeconds",
      "refreshInSeconds",
      "policyDenial",
      "joinDelayMs",
      "lobbyTimeoutMs",
      "keepAliveTimeoutMs",
      "callbackFailure",
    ] as const
  ) {
    if (options[name] !== undefined) {
      (optionSettings as Record<string, unknown>)[name] = options[name];
    }
  }
  const settings = new LiveSettings(state.settings, parseSettings(optionSettings));
  const runtime = new CallRuntime({
    state,
    now,
    settings: () => settings.runtime,
    notificationKey: () => keys.get("notifications"),
    timers: options.clock === undefined,
  });
  const entra: EntraContext = {
    state,
    key,
    githubKey: () => keys.get("github"),
    now,
    baseUrl: () => baseUrl,
    tokenRequests,
    settings: settings.entra,
  };
  const graph: GraphContext = {
    state,
    key,
    now,
    baseUrl: () => baseUrl,
    settings: settings.graph,
    runtime,
  };
  const githubSettings = (): GithubOidcSettings => ({ ...DEFAULT_GITHUB_OIDC, ...state.github });
  const tenantOf = (tenantId: string) => {
    const tenant = state.tenant(tenantId);
    if (!tenant) throw new InvalidInputError("tenantId", `no tenant '${tenantId}' is seeded`);
    return tenant;
  };
  const admin: AdminContext = {
    state,
    requests: () => requests,
    clearRequests: () => requests.splice(0),
    setFaults: (rules) => state.faults = parseFaults(rules),
    setThrottle: (rps) =>
      state.throttle = parseThrottle(rps === null ? null : { requestsPerSecond: rps }),
    setGithub: (github) => state.github = parseGithub(github),
    setSettings: (spec: EmulatorSettingsSpec) => {
      parseSettings(spec);
      settings.apply(spec);
      state.settings = { ...state.settings, ...spec };
    },
    seedTenant: async (spec) => {
      await state.addTenant(spec);
    },
    addMeeting: (tenant, spec: MeetingSpec) => {
      const old = tenant.meetings.get(String(spec?.id ?? "").toLowerCase());
      const meeting = state.addMeeting(tenant, spec);
      if (old && old !== meeting) runtime.endMeeting(tenant, old);
    },
    admit: (tenant, callId) => {
      const call = tenant.calls.get(callId);
      if (!call) return "notFound";
      return runtime.admit(tenant, call) ? "admitted" : "notWaiting";
    },
    addAttendee: (tenant, meetingId, attendee) => {
      const meeting = tenant.meetings.get(meetingId.toLowerCase());
      if (!meeting) return undefined;
      const participant = attendeeParticipant(tenant, attendee);
      runtime.addAttendee(meeting, participant);
      return participant.id;
    },
    tick: () => runtime.tickAll(),
    deliveries: () => runtime.notifier.deliveries,
    clearDeliveries: () => runtime.notifier.clear(),
    enabled: options.adminToken !== undefined || LOOPBACK.test(hostname),
    token: options.adminToken,
  };

  async function route(request: Request, url: URL): Promise<Response> {
    if (key === PENDING_KEY && !url.pathname.startsWith("/_emulator")) {
      key = entra.key = graph.key = await keyReady;
    }
    const ids: GraphRequestIds = {
      requestId: crypto.randomUUID(),
      clientRequestId: request.headers.get("client-request-id") ?? undefined,
      date: new Date(now()).toUTCString(),
    };
    const graphResponse = await handleGraph(graph, request, url, ids);
    if (graphResponse) return graphResponse;
    const token = /^\/([^/]+)\/oauth2\/v2\.0\/token$/.exec(url.pathname);
    if (token) {
      if (request.method !== "POST") {
        return graphError(405, "MethodNotAllowed", "Use POST.", ids);
      }
      let tenantSegment: string;
      try {
        tenantSegment = decodeURIComponent(token[1]!);
      } catch {
        tenantSegment = token[1]!;
      }
      const fault = pickFault(state.faults, request.method, url.pathname);
      if (fault) {
        return await serveTokenWithFault(
          fault,
          request,
          now(),
          () => handleToken(entra, request, tenantSegment),
        );
      }
      return await handleToken(entra, request, tenantSegment);
    }
    const discovery = handleDiscovery(request, url, state, key, now());
    if (discovery) return discovery;
    if (url.pathname.startsWith("/_github/")) {
      const github = await handleGithubOidc(
        request,
        url,
        await keys.get("github"),
        githubSettings(),
        now,
      );
      if (github) return github;
    }
    if (url.pathname === "/_emulator/notifications/jwks") {
      return Response.json({ keys: [(await keys.get("notifications")).publicJwk] }, {
        headers: { "cache-control": "max-age=86400, private" },
      });
    }
    if (url.pathname === "/_emulator" || url.pathname.startsWith("/_emulator/")) {
      return await handleAdmin(admin, request, url);
    }
    return graphError(
      400,
      "BadRequest",
      `Resource not found for the segment '${url.pathname.split("/").pop() ?? ""}'.`,
      ids,
    );
  }

  // Body reads in flight stop when the emulator closes; then every connection is closed.
  const closing = new AbortController();
  const stop = new AbortController();
  let active = 0;
  let drained: (() => void) | undefined;
  let hosts: Set<string> | undefined = undefined;
  const bodyTimeoutMs = options.bodyTimeoutMs ?? BODY_TIMEOUT_MS;

  /** The guard every request passes first (request_guard.ts), then the route. */
  async function guarded(request: Request, url: URL): Promise<Response> {
    if (!hostAllowed(url.host, hosts)) {
      await request.body?.cancel().catch(() => {});
      return refusalResponse("host", url.pathname, now());
    }
    // A GET, HEAD, DELETE or OPTIONS without Content-Length or Transfer-Encoding has no body in
    // HTTP/1.1: its body is not even looked at (the hot path of a removal).
    const method = request.method;
    const quiet = (method === "DELETE" || method === "GET" || method === "HEAD" ||
      method === "OPTIONS") &&
      !request.headers.has("content-length") && !request.headers.has("transfer-encoding");
    if (!quiet && request.body) {
      if (announcedTooLarge(request)) {
        await request.body.cancel().catch(() => {});
        return refusalResponse("tooLarge", url.pathname, now());
      }
      const bytes = await readBody(request.body, {
        timeoutMs: bodyTimeoutMs,
        closing: closing.signal,
      });
      if (!(bytes instanceof Uint8Array)) return refusalResponse(bytes, url.pathname, now());
      const bodyless = request.method === "GET" || request.method === "HEAD";
      request = new Request(request.url, {
        method: request.method,
        headers: request.headers,
        ...(bodyless ? {} : { body: bytes as Uint8Array<ArrayBuffer> }),
      });
    }
    return await route(request, url);
  }

  const { promise: listening, resolve } = Promise.withResolvers<Deno.NetAddr>();
  const serveOptions = {
    hostname,
    port: options.port ?? 0,
    signal: stop.signal,
    onListen: (addr: Deno.NetAddr) => resolve(addr),
    onError: () => new Response("internal error", { status: 500 }),
  };
  const handler = async (request: Request) => {
    active++;
    let response: Response;
    let url: URL | undefined;
    try {
      url = new URL(request.url);
      response = await guarded(request, url);
    } catch (e) {
      if (e instanceof InvalidInputError) {
        response = Response.json({ error: { code: "BadRequest", message: e.message } }, {
          status: 400,
        });
      } else {
        response = Response.json({
          error: { code: "InternalServerError", message: "The emulator failed on this request." },
        }, { status: 500 });
      }
    } finally {
      active--;
      if (active === 0) drained?.();
    }
    appendLog(requests, logEntry(request, response.status, now(), url?.pathname));
    return response;
  };
  let server: Deno.HttpServer<Deno.NetAddr>;
  try {
    server = tls
      ? Deno.serve({ ...serveOptions, cert: tls.cert, key: tls.key }, handler)
      : Deno.serve(serveOptions, handler);
  } catch (e) {
    throw new InvalidInputError(
      options.port ? "port" : "hostname",
      `could not listen on ${hostname}:${options.port ?? 0} (${(e as Error).message})`,
      { cause: e },
    );
  }
  const addr = await listening;
  let closed: Promise<void> | undefined;
  const close = () =>
    closed ??= (async () => {
      closing.abort();
      // Requests in flight may finish (for a moment), then every connection is closed, those
      // still sending a request included.
      if (active > 0) {
        const { promise, resolve: done } = Promise.withResolvers<void>();
        drained = done;
        const timer = setTimeout(done, CLOSE_GRACE_MS);
        await promise;
        clearTimeout(timer);
      }
      stop.abort();
      await Promise.all([server.finished, runtime.close()]);
      if (caCertPath) {
        await Deno.remove(caCertPath.replace(/\/ca\.pem$/, ""), { recursive: true }).catch(
          () => {},
        );
      }
    })();
  const caCertPath = tls?.caPem ? await writeCaFile(tls.caPem) : null;
  // A self-signed certificate names localhost/127.0.0.1/::1: keep the loopback address as bound.
  const host = addr.hostname.includes(":") ? `[${addr.hostname}]` : addr.hostname;
  baseUrl = `${tls ? "https" : "http"}://${host}:${addr.port}`;
  hosts = allowedHosts(addr.hostname, addr.port, options.allowedHosts);
  return {
    graphUrl: baseUrl,
    authorityUrl: baseUrl,
    adminUrl: `${baseUrl}/_emulator`,
    githubOidcRequestUrl: `${baseUrl}/_github/token?x=1`,
    notificationJwksUrl: `${baseUrl}/_emulator/notifications/jwks`,
    caCertPath,
    state,
    requests,
    tokenRequests,
    get deliveries() {
      return runtime.notifier.deliveries;
    },
    setFaults: admin.setFaults,
    setThrottle: admin.setThrottle,
    setPolicy: (tenantId, appIds) => state.setPolicy(tenantOf(tenantId), appIds),
    seedTenant: admin.seedTenant,
    setGithub: admin.setGithub,
    setSettings: admin.setSettings,
    admit: (tenantId, callId) => {
      const outcome = admin.admit(tenantOf(tenantId), callId);
      if (outcome === "notFound") {
        throw new InvalidInputError("callId", `no call '${callId}' in tenant '${tenantId}'`);
      }
      if (outcome === "notWaiting") {
        throw new InvalidInputError("callId", `call '${callId}' is not waiting in a lobby`);
      }
    },
    addAttendee: (tenantId, meetingId, attendee) => {
      const id = admin.addAttendee(tenantOf(tenantId), meetingId, attendee);
      if (id === undefined) {
        throw new InvalidInputError("meetingId", `no meeting '${meetingId}' in '${tenantId}'`);
      }
      return id;
    },
    tick: admin.tick,
    notificationsIdle: () => runtime.notifier.idle(),
    clearRequests: admin.clearRequests,
    close,
    [Symbol.asyncDispose]: close,
  };
}

export { GITHUB_ISSUER };
