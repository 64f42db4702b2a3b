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
import { type EntraContext, GITHUB_ISSUER, handleToken } from "./entra.ts";
import { handleDiscovery } from "./entra_discovery.ts";
import { serveTokenWithFault } from "./entra_faults.ts";
import { pickFault } from "./graph_faults.ts";
import { graphError, type GraphRequestIds } from "./graph_errors.ts";
import { DEFAULT_POLICY_DENIAL, type GraphContext, handleGraph } from "./graph_routes.ts";
import { sharedEntraKey, sharedGithubKey, type SigningKey } from "./signing_key.ts";
import { DEFAULT_GITHUB_OIDC, type GithubOidcSettings, handleGithubOidc } from "./github_oidc.ts";
import { appendLog, logEntry, type LoggedRequest } from "./request_log.ts";
import {
  type EmulatorSettingsSpec,
  type EmulatorState,
  type EmulatorStateSpec,
  type FaultSpec,
  type GithubSpec,
  loadState,
  parseFaults,
  parseGithub,
  parseSettings,
  parseThrottle,
  type PolicyDenialSpec,
  type TenantSpec,
} from "./state.ts";
import { resolveTls, type TlsOption, writeCaFile } from "./tls.ts";

export type {
  EmulatorSettingsSpec,
  EmulatorStateSpec,
  GithubSpec,
  PolicyDenialSpec,
} from "./state.ts";
export type { GithubOidcSettings } from "./github_oidc.ts";
export type { LoggedRequest } from "./request_log.ts";
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
  /** The clock, ms since the epoch. */
  clock?: () => number;
  /** Allowed clock skew for client assertions, seconds. Default 300 (overrides the state file). */
  clockSkewSeconds?: number;
  /** Lifetime of issued access tokens, seconds. Default 3599 (overrides the state file). */
  tokenLifetimeSeconds?: number;
  /** Return this `refresh_in` in token responses; omitted by default (UNCONFIRMED upstream). */
  refreshInSeconds?: number;
  /** The answer to a removal the tenant policy refuses (an assumption; see docs/emulator.md). */
  policyDenial?: PolicyDenialSpec;
  /** The emulated GitHub Actions job (request token, subject, token lifetime, claims). */
  github?: Partial<GithubOidcSettings>;
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
  /** A PEM file clients must trust, when serving HTTPS. */
  readonly caCertPath: string | null;
  /** The live state. */
  readonly state: EmulatorState;
  /** Requests served, oldest first (method, path, status, client-request-id, time only). */
  readonly requests: readonly LoggedRequest[];
  /** Tokens issued, by client id. */
  readonly tokenRequests: ReadonlyMap<string, number>;
  /** Replaces the fault rules (as `PUT /_emulator/faults`). */
  setFaults(rules: FaultSpec[]): void;
  /** Sets the Graph throttle, requests per second per app and tenant; null removes it. */
  setThrottle(requestsPerSecond: number | null): void;
  /** Replaces a tenant's `AllowRemoveParticipantAppIds` (as `PUT .../policy`). */
  setPolicy(tenantId: string, appIds: string[]): void;
  /** Adds or replaces a tenant (as `POST /_emulator/tenants`). */
  seedTenant(spec: TenantSpec): Promise<void>;
  /** Replaces the emulated GitHub job's settings (as `PUT /_emulator/github`). */
  setGithub(github: GithubSpec): void;
  /** Empties the request log. */
  clearRequests(): void;
  /** Stops serving. */
  close(): Promise<void>;
  /** Stops serving (`await using emulator = await startEmulator()`). */
  [Symbol.asyncDispose](): Promise<void>;
}

/** Stands in for the signing keys until they are made; never used to sign or verify. */
const PENDING_KEY = Object.freeze({}) as SigningKey;

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
  // The signing keys (slow RSA generation, once per process) are made in the background and
  // awaited by the first request that needs them, so starting stays fast.
  const keyReady = sharedEntraKey();
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
  const fromFile = state.settings;
  const entraSettings: EntraContext["settings"] = {
    clockSkewSeconds: options.clockSkewSeconds ?? fromFile.clockSkewSeconds ?? 300,
    tokenLifetimeSeconds: options.tokenLifetimeSeconds ?? fromFile.tokenLifetimeSeconds ?? 3599,
  };
  const refreshIn = options.refreshInSeconds ?? fromFile.refreshInSeconds;
  if (refreshIn !== undefined && refreshIn !== null) entraSettings.refreshInSeconds = refreshIn;
  const entra: EntraContext = {
    state,
    key,
    githubKey: sharedGithubKey,
    now,
    baseUrl: () => baseUrl,
    tokenRequests,
    settings: entraSettings,
  };
  const graph: GraphContext = {
    state,
    key,
    now,
    baseUrl: () => baseUrl,
    settings: {
      policyDenial: options.policyDenial ?? fromFile.policyDenial ?? DEFAULT_POLICY_DENIAL,
    },
  };
  const githubSettings = (): GithubOidcSettings => ({ ...DEFAULT_GITHUB_OIDC, ...state.github });
  const hostname = options.hostname ?? "127.0.0.1";
  if (options.adminToken !== undefined && !options.adminToken) {
    throw new InvalidInputError("adminToken", "must not be empty");
  }
  const admin: AdminContext = {
    state,
    requests: () => requests,
    clearRequests: () => requests.splice(0),
    setFaults: (rules) => state.faults = parseFaults(rules),
    setThrottle: (rps) =>
      state.throttle = parseThrottle(rps === null ? null : { requestsPerSecond: rps }),
    setGithub: (github) => state.github = parseGithub(github),
    setSettings: (settings: EmulatorSettingsSpec) => {
      parseSettings(settings);
      if (settings.clockSkewSeconds !== undefined) {
        entraSettings.clockSkewSeconds = settings.clockSkewSeconds;
      }
      if (settings.tokenLifetimeSeconds !== undefined) {
        entraSettings.tokenLifetimeSeconds = settings.tokenLifetimeSeconds;
      }
      if (settings.refreshInSeconds === null) delete entraSettings.refreshInSeconds;
      else if (settings.refreshInSeconds !== undefined) {
        entraSettings.refreshInSeconds = settings.refreshInSeconds;
      }
      if (settings.policyDenial) graph.settings.policyDenial = settings.policyDenial;
      state.settings = { ...state.settings, ...settings };
    },
    seedTenant: async (spec) => {
      await state.addTenant(spec);
    },
    enabled: options.adminToken !== undefined || LOOPBACK.test(hostname),
    token: options.adminToken,
  };

  async function route(request: Request): Promise<Response> {
    const url = new URL(request.url);
    if (key === PENDING_KEY && !url.pathname.startsWith("/_emulator")) {
      key = entra.key = graph.key = await keyReady;
    }
    const ids: GraphRequestIds = {
      requestId: crypto.randomUUID(),
      clientRequestId: request.headers.get("client-request-id") ?? undefined,
      date: new Date(now()).toUTCString(),
    };
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
        await sharedGithubKey(),
        githubSettings(),
        now,
      );
      if (github) return github;
    }
    if (url.pathname === "/_emulator" || url.pathname.startsWith("/_emulator/")) {
      return await handleAdmin(admin, request, url);
    }
    const graphResponse = await handleGraph(graph, request, url, ids);
    if (graphResponse) return graphResponse;
    return graphError(
      400,
      "BadRequest",
      `Resource not found for the segment '${url.pathname.split("/").pop() ?? ""}'.`,
      ids,
    );
  }

  const { promise: listening, resolve } = Promise.withResolvers<Deno.NetAddr>();
  const serveOptions = {
    hostname,
    port: options.port ?? 0,
    onListen: (addr: Deno.NetAddr) => resolve(addr),
    onError: () => new Response("internal error", { status: 500 }),
  };
  const handler = async (request: Request) => {
    let response: Response;
    try {
      response = await route(request);
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
    }
    appendLog(requests, logEntry(request, response.status, now()));
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
      await server.shutdown();
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
  return {
    graphUrl: baseUrl,
    authorityUrl: baseUrl,
    adminUrl: `${baseUrl}/_emulator`,
    githubOidcRequestUrl: `${baseUrl}/_github/token?x=1`,
    caCertPath,
    state,
    requests,
    tokenRequests,
    setFaults: admin.setFaults,
    setThrottle: admin.setThrottle,
    setPolicy: (tenantId, appIds) => {
      const tenant = state.tenant(tenantId);
      if (!tenant) throw new InvalidInputError("tenantId", `no tenant '${tenantId}' is seeded`);
      state.setPolicy(tenant, appIds);
    },
    seedTenant: admin.seedTenant,
    setGithub: admin.setGithub,
    clearRequests: admin.clearRequests,
    close,
    [Symbol.asyncDispose]: close,
  };
}

export { GITHUB_ISSUER };
