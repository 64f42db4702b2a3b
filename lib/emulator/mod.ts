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
import { type EntraContext, GITHUB_ISSUER, handleToken } from "./entra.ts";
import { graphError, type GraphRequestIds } from "./graph_errors.ts";
import { DEFAULT_POLICY_DENIAL, type GraphContext, handleGraph } from "./graph_routes.ts";
import { createSigningKey } from "./signing_key.ts";
import { DEFAULT_GITHUB_OIDC, type GithubOidcSettings, handleGithubOidc } from "./github_oidc.ts";
import { type EmulatorState, type EmulatorStateSpec, loadState } from "./state.ts";

export type { EmulatorStateSpec } from "./state.ts";
export type { GithubOidcSettings } from "./github_oidc.ts";

/** Options for {@link startEmulator}. */
export interface EmulatorOptions {
  /** The state: an object, or a path to a JSON state file. */
  state?: EmulatorStateSpec | string;
  /** Host to bind; loopback by default. */
  hostname?: string;
  /** Port; 0 (default) picks a free one. */
  port?: number;
  /** The clock, ms since the epoch. */
  clock?: () => number;
  /** Allowed clock skew for client assertions, seconds. Default 300. */
  clockSkewSeconds?: number;
  /** Lifetime of issued access tokens, seconds. Default 3599. */
  tokenLifetimeSeconds?: number;
  /** Return this `refresh_in` in token responses. */
  refreshInSeconds?: number;
  /** The answer to a removal the tenant policy refuses (an assumption; see README). */
  policyDenial?: { status: number; code: string; message: string };
  /** The emulated GitHub Actions job (request token, subject, token lifetime). */
  github?: Partial<GithubOidcSettings>;
}

/** One logged request; secrets are never kept. */
export interface LoggedRequest {
  /** HTTP method. */
  method: string;
  /** Request path. */
  path: string;
  /** The HTTP status Graph answered. */
  status: number;
  /** The client-request-id graphcall sent. */
  clientRequestId: string | undefined;
  /** When it was served. */
  at: string;
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
  /** The state. */
  readonly state: EmulatorState;
  /** Requests served, oldest first. */
  /** The requests. */
  readonly requests: readonly LoggedRequest[];
  /** Tokens issued, by client id. */
  readonly tokenRequests: ReadonlyMap<string, number>;
  /** Stops serving. */
  close(): Promise<void>;
}

const LOG_LIMIT = 10_000;

/** Starts the emulator on loopback. */
export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const state = await loadState(options.state);
  const [key, githubKey] = await Promise.all([createSigningKey(), createSigningKey()]);
  const now = options.clock ?? Date.now;
  const requests: LoggedRequest[] = [];
  const tokenRequests = new Map<string, number>();
  let baseUrl = "";
  const githubSettings: GithubOidcSettings = { ...DEFAULT_GITHUB_OIDC, ...options.github };
  const entra: EntraContext = {
    state,
    key,
    githubKey,
    now,
    baseUrl: () => baseUrl,
    tokenRequests,
    settings: {
      clockSkewSeconds: options.clockSkewSeconds ?? 300,
      tokenLifetimeSeconds: options.tokenLifetimeSeconds ?? 3599,
      ...(options.refreshInSeconds !== undefined
        ? { refreshInSeconds: options.refreshInSeconds }
        : {}),
    },
  };
  const graph: GraphContext = {
    state,
    key,
    now,
    baseUrl: () => baseUrl,
    settings: { policyDenial: options.policyDenial ?? DEFAULT_POLICY_DENIAL },
  };

  async function route(request: Request): Promise<Response> {
    const url = new URL(request.url);
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
      return await handleToken(entra, request, decodeURIComponent(token[1]!));
    }
    if (url.pathname.startsWith("/_github/")) {
      const github = await handleGithubOidc(request, url, githubKey, githubSettings, now);
      if (github) return github;
    }
    if (url.pathname.startsWith("/_emulator/")) {
      if (url.pathname === "/_emulator/state" && request.method === "GET") {
        return Response.json(state.snapshot());
      }
      if (url.pathname === "/_emulator/requests" && request.method === "GET") {
        return Response.json(requests);
      }
      return graphError(404, "itemNotFound", "No such admin route.", ids);
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

  const hostname = options.hostname ?? "127.0.0.1";
  const { promise: listening, resolve } = Promise.withResolvers<Deno.NetAddr>();
  const server = Deno.serve({
    hostname,
    port: options.port ?? 0,
    onListen: (addr) => resolve(addr as Deno.NetAddr),
    onError: () => new Response("internal error", { status: 500 }),
  }, async (request) => {
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
    if (requests.length >= LOG_LIMIT) requests.shift();
    requests.push({
      method: request.method,
      path: new URL(request.url).pathname,
      status: response.status,
      clientRequestId: request.headers.get("client-request-id") ?? undefined,
      at: new Date(now()).toISOString(),
    });
    return response;
  });
  const addr = await listening;
  const host = addr.hostname.includes(":") ? `[${addr.hostname}]` : addr.hostname;
  baseUrl = `http://${host}:${addr.port}`;
  return {
    graphUrl: baseUrl,
    authorityUrl: baseUrl,
    adminUrl: `${baseUrl}/_emulator`,
    githubOidcRequestUrl: `${baseUrl}/_github/token?x=1`,
    caCertPath: null,
    state,
    requests,
    tokenRequests,
    close: async () => {
      await server.shutdown();
    },
  };
}

export { GITHUB_ISSUER };
