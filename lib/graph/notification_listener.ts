/**
 * Listening for Graph's call notifications (`commsNotifications` POSTed to the call's
 * `callbackUri`) for the life of a command, behind the user's own tunnel or on loopback for the
 * emulator. Each POST must carry `Authorization: Bearer <JWT>` signed by a key of the published
 * set, with the expected issuer (`https://api.botframework.com`), audience (the app id), a tenant
 * (`tid`) and a valid time; anything else is refused with 401 and counted. Bodies are capped.
 * Facts: ../shared/reference/meetings.md section 4 ("Notification authentication").
 *
 * @module
 */

import { InvalidInputError } from "../errors.ts";
import { readCappedText } from "../http_exchange.ts";
import type { CallResource } from "./call.ts";
import type { CallStateSource } from "./meeting_join.ts";
import type { Participant } from "./roster_match.ts";

/** The issuer of Graph's call notifications. */
export const NOTIFICATION_ISSUER = "https://api.botframework.com";

/** Where Microsoft publishes the notification signing keys (Global cloud). */
export const NOTIFICATION_OPENID_CONFIGURATION =
  "https://api.aps.skype.com/v1/.well-known/OpenIdConfiguration";

const MAX_BODY_BYTES = 1024 * 1024;

/** Options of {@link listenForNotifications}. */
export interface NotificationListenerOptions {
  /** Host to bind (default 127.0.0.1). */
  hostname?: string;
  /** Port (default 0: a free one). */
  port?: number;
  /** The app id: the audience a notification's token must carry. */
  appId: string;
  /** The signing keys: a JWKS URL, or an OpenID configuration URL naming one (`jwks_uri`). */
  keys: string;
  /** The issuer a token must carry (default {@link NOTIFICATION_ISSUER}). */
  issuer?: string;
  /** Allowed clock skew, seconds (default 300). */
  clockToleranceSeconds?: number;
  /** The clock tokens' times are checked against, ms since the epoch (default: real time). */
  now?: () => number;
  /** Told why a POST was refused (never with the token). */
  onRejected?: (reason: string) => void;
}

/** One notification of a `commsNotifications` body. */
export interface CommsNotification {
  /** `created`, `updated` or `deleted` (any case). */
  changeType?: string;
  /** e.g. `/communications/calls/{id}` or `.../participants`. */
  resourceUrl?: string;
  /** The legacy `/app/calls/{id}` form. */
  resource?: string;
  /** The call, an operation, or the roster (an array of participants). */
  resourceData?: unknown;
}

/** A running listener. */
export interface NotificationListener extends CallStateSource {
  /** The local URL notifications are accepted at, e.g. `http://127.0.0.1:PORT/callback`. */
  readonly url: string;
  /** Notifications accepted. */
  readonly accepted: number;
  /** POSTs refused. */
  readonly rejected: number;
  /** Calls `handler` with each roster a notification carries for the call; returns unsubscribe. */
  watchRoster(callId: string, handler: (participants: Participant[]) => void): () => void;
  /** Stops listening. */
  close(): Promise<void>;
}

async function jwksUrl(keys: string): Promise<URL> {
  let url: URL;
  try {
    url = new URL(keys);
  } catch {
    throw new InvalidInputError("keys", `"${keys.slice(0, 80)}" is not a URL`);
  }
  if (!/openid/i.test(url.pathname)) return url;
  const response = await fetch(url, { redirect: "error", signal: AbortSignal.timeout(10_000) });
  const config = await response.json().catch(() => ({})) as { jwks_uri?: unknown };
  if (typeof config.jwks_uri !== "string") {
    throw new InvalidInputError("keys", `${url.href} names no jwks_uri`);
  }
  return new URL(config.jwks_uri);
}

function callIdOf(n: CommsNotification): { callId?: string; roster: boolean } {
  const path = n.resourceUrl ?? n.resource ?? "";
  const m = /\/(?:communications|app)\/calls\/([^/?#]+)(\/participants)?\/?$/i.exec(path);
  return m ? { callId: decodeURIComponent(m[1]!), roster: !!m[2] } : { roster: false };
}

/**
 * Starts a listener. Point the join's `callbackUri` at its `url` (or at a tunnel in front of it).
 *
 * @example Listen on loopback for the emulator's notifications
 * ```ts ignore
 * const listener = await listenForNotifications({
 *   appId: clientId,
 *   keys: `${emulatorUrl}/_emulator/notifications/jwks`,
 * });
 * const call = await graph.joinMeeting(joinUrl, { callbackUri: listener.url, notifications: listener });
 * ```
 */
export async function listenForNotifications(
  options: NotificationListenerOptions,
): Promise<NotificationListener> {
  const [{ createRemoteJWKSet }, { jwtVerify }] = await Promise.all([
    import("npm:jose@^6.2/jwks/remote"),
    import("npm:jose@^6.2/jwt/verify"),
  ]);
  const keys = createRemoteJWKSet(await jwksUrl(options.keys));
  const issuer = options.issuer ?? NOTIFICATION_ISSUER;
  const callWatchers = new Map<string, Set<(call: Partial<CallResource>) => void>>();
  const rosterWatchers = new Map<string, Set<(participants: Participant[]) => void>>();
  let accepted = 0;
  let rejected = 0;
  const refuse = (status: number, reason: string) => {
    rejected++;
    options.onRejected?.(reason);
    return new Response(null, { status });
  };

  const dispatch = (n: CommsNotification) => {
    const { callId, roster } = callIdOf(n);
    if (!callId) return;
    if (roster) {
      const participants = Array.isArray(n.resourceData)
        ? n.resourceData.filter((p): p is Participant => typeof p?.id === "string")
        : [];
      for (const h of rosterWatchers.get(callId) ?? []) h(participants);
      return;
    }
    const data =
      (typeof n.resourceData === "object" && n.resourceData !== null
        ? n.resourceData
        : {}) as Partial<CallResource>;
    const state = typeof data.state === "string"
      ? data.state
      : /^deleted$/i.test(n.changeType ?? "")
      ? "terminated"
      : undefined;
    if (state === undefined) return;
    for (const h of callWatchers.get(callId) ?? []) h({ ...data, state });
  };

  const handler = async (request: Request): Promise<Response> => {
    if (request.method !== "POST") return refuse(405, "not a POST");
    const auth = request.headers.get("authorization") ?? "";
    const token = /^Bearer\s+(\S+)$/i.exec(auth)?.[1];
    if (!token) return refuse(401, "no bearer token");
    try {
      const { payload } = await jwtVerify(token, keys, {
        issuer,
        audience: options.appId,
        algorithms: ["RS256"],
        clockTolerance: options.clockToleranceSeconds ?? 300,
        ...(options.now ? { currentDate: new Date(options.now()) } : {}),
        requiredClaims: ["exp", "tid"],
      });
      void payload;
    } catch (e) {
      return refuse(401, `token refused: ${(e as { code?: string }).code ?? "invalid"}`);
    }
    const text = await readCappedText(request, MAX_BODY_BYTES);
    if (text === undefined) return refuse(413, "body too large");
    let body: { value?: unknown };
    try {
      body = JSON.parse(text);
    } catch {
      return refuse(400, "body is not JSON");
    }
    accepted++;
    for (const n of Array.isArray(body?.value) ? body.value : []) {
      if (typeof n === "object" && n !== null) dispatch(n as CommsNotification);
    }
    return new Response(null, { status: 202 });
  };

  const { promise: listening, resolve } = Promise.withResolvers<Deno.NetAddr>();
  const server = Deno.serve({
    hostname: options.hostname ?? "127.0.0.1",
    port: options.port ?? 0,
    onListen: (addr) => resolve(addr),
    onError: () => new Response(null, { status: 500 }),
  }, handler);
  const addr = await listening;
  const host = addr.hostname.includes(":") ? `[${addr.hostname}]` : addr.hostname;
  const watch = <T>(map: Map<string, Set<T>>, callId: string, h: T) => {
    if (!map.has(callId)) map.set(callId, new Set());
    map.get(callId)!.add(h);
    return () => void map.get(callId)?.delete(h);
  };
  return {
    url: `http://${host}:${addr.port}/callback`,
    get accepted() {
      return accepted;
    },
    get rejected() {
      return rejected;
    },
    watchCall: (callId, h) => watch(callWatchers, callId, h),
    watchRoster: (callId, h) => watch(rosterWatchers, callId, h),
    close: () => server.shutdown(),
  };
}
