/**
 * The client-credentials request to Entra's v2.0 token endpoint, and the mapping of its error
 * responses (AADSTS codes) to {@link AuthError}s with a fix.
 *
 * @module
 */

import { AuthError, type ErrorCode, GraphcallError } from "../errors.ts";
import { redact, registerSecret } from "../redact.ts";
import { aadstsHint, type HintContext } from "./aadsts_hints.ts";
import type { AccessToken } from "./credential.ts";
import { realSleep, type Sleep } from "../sleep.ts";
import { type Answer, exchange, ExchangeFailure } from "../http_exchange.ts";
import { parseRetryAfter } from "../retry_after.ts";
import { withRetries } from "../retry.ts";

/** The JWT-bearer client assertion type. */
export const JWT_BEARER = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

/** What a token endpoint issued. */
export interface IssuedToken {
  /** The access token. Secret: never print it. */
  readonly accessToken: string;
  /** When it expires, ms since the epoch, by the local clock. */
  readonly expiresAt: number;
  /** When Entra asked for it to be renewed (`refresh_in`), if it did. */
  readonly refreshAt?: number;
}

/** Options for {@link requestToken}. */
export interface TokenRequestOptions {
  /** `{authority}/{tenant}/oauth2/v2.0/token`. */
  tokenEndpoint: string;
  /** The app (client) id. */
  clientId: string;
  /** `{graph}/.default`. */
  scope: string;
  /**
   * The credential part of the form: `client_secret`, or `client_assertion` (+ type). A function
   * is called again for every attempt, so each retry carries a fresh assertion.
   */
  credential: TokenRequestCredential | (() => Promise<TokenRequestCredential>);
  /** Injectable fetch. */
  fetch?: typeof fetch;
  /** Injectable clock, ms. */
  now?: () => number;
  /** Injectable sleep between retries, ms. */
  sleep?: Sleep;
  /** Attempts in all for network errors, 429 and 5xx. Default 3. */
  maxAttempts?: number;
  /** Details for the fix texts of AADSTS errors. */
  hintContext?: HintContext;
  /** Called with each secret value sent or received (secret, assertion, access token). */
  onSecret?: (value: string) => void;
  /** Abort signal. An abort by `AbortSignal.timeout()` ends as a `timeout` error. */
  signal?: AbortSignal;
  /** Timeout of each attempt, ms (a slow answer is retried like a lost one). Default 30 000. */
  timeoutMs?: number;
  /**
   * Timeout of the whole acquisition, every attempt and wait included, ms: no attempt starts, and
   * none runs, past it. Default: none beyond `maxAttempts` x `timeoutMs` and the waits.
   */
  overallTimeoutMs?: number;
}

/** What every app credential knows: where to ask, for what, and the injectable hooks. */
export interface AppTokenRequest {
  /** Authority host, e.g. `https://login.microsoftonline.com`. */
  authorityUrl: string;
  /** Tenant id (GUID) or domain. */
  tenantId: string;
  /** App (client) id. */
  clientId: string;
  /** Scope, e.g. `https://graph.microsoft.com/.default`. */
  scope: string;
  /** Injectable fetch. */
  fetch?: typeof fetch;
  /** Injectable clock, ms. */
  now?: () => number;
  /** Injectable sleep between retries, ms. */
  sleep?: Sleep;
  /** Called with each secret value sent or received. */
  onSecret?: (value: string) => void;
  /** Bounds each token acquisition as a whole (all attempts and waits), ms. */
  acquisitionTimeoutMs?: number;
}

/**
 * Asks the app's token endpoint for an access token with one credential part (a secret, or an
 * assertion made fresh for every attempt) and returns it as an {@link AccessToken}. The one path
 * every app credential takes.
 */
export async function requestAccessToken(
  app: AppTokenRequest,
  credential: TokenRequestOptions["credential"],
  extra: { signal?: AbortSignal | undefined; hintContext?: HintContext } = {},
): Promise<AccessToken> {
  const issued = await requestToken({
    tokenEndpoint: tokenEndpointFor(app.authorityUrl, app.tenantId),
    clientId: app.clientId,
    scope: app.scope,
    credential,
    ...(app.fetch ? { fetch: app.fetch } : {}),
    ...(app.now ? { now: app.now } : {}),
    ...(app.sleep ? { sleep: app.sleep } : {}),
    ...(app.onSecret ? { onSecret: app.onSecret } : {}),
    ...(app.acquisitionTimeoutMs !== undefined
      ? { overallTimeoutMs: app.acquisitionTimeoutMs }
      : {}),
    ...(extra.hintContext ? { hintContext: extra.hintContext } : {}),
    ...(extra.signal ? { signal: extra.signal } : {}),
  });
  return {
    token: issued.accessToken,
    expiresAt: issued.expiresAt,
    ...(issued.refreshAt !== undefined ? { refreshAt: issued.refreshAt } : {}),
  };
}

/** The credential part of a token request. */
export type TokenRequestCredential =
  | { clientSecret: string }
  | { clientAssertion: string; presented?: HintContext["presented"] };

const RETRY_DELAYS_MS = [500, 2000, 5000];
const DEFAULT_TIMEOUT_MS = 30_000;
const MAX_RETRY_AFTER_MS = 30_000;
/** The largest token endpoint answer read. */
const MAX_TOKEN_BODY_BYTES = 1024 * 1024;

/** The `{authority}/{tenant}/oauth2/v2.0/token` URL. */
export function tokenEndpointFor(authorityUrl: string, tenant: string): string {
  return `${authorityUrl.replace(/\/+$/, "")}/${encodeURIComponent(tenant)}/oauth2/v2.0/token`;
}

interface EntraErrorBody {
  error?: string;
  error_description?: string;
  error_codes?: number[];
  timestamp?: string;
  trace_id?: string;
  correlation_id?: string;
}

/**
 * Turns an Entra error response into an AuthError with the fix for its AADSTS code, keeping
 * `trace_id` and `correlation_id`.
 */
export function authErrorFromResponse(
  status: number,
  body: unknown,
  context: HintContext = {},
  fallback: { code?: ErrorCode; remediation?: string } = {},
): AuthError {
  const b = (typeof body === "object" && body !== null ? body : {}) as EntraErrorBody;
  const codes = Array.isArray(b.error_codes) ? b.error_codes.filter(Number.isInteger) : [];
  const firstLine = typeof b.error_description === "string"
    ? redact(b.error_description.split(/\r?\n/)[0] ?? "")
    : "";
  const fromText = /AADSTS(\d+)/.exec(firstLine)?.[1];
  if (codes.length === 0 && fromText) codes.push(Number(fromText));
  const code = codes[0];
  const message = firstLine ||
    `the token endpoint answered ${status}${b.error ? ` (${b.error})` : ""}`;
  const hint = code === undefined ? undefined : aadstsHint(
    code,
    redact(b.error_description ?? ""),
    { ...context, ...(b.timestamp ? { serverTime: b.timestamp } : {}) },
  );
  return new AuthError(message, {
    ...(b.error ? { error: b.error } : {}),
    aadsts: codes,
    status,
    ...(b.trace_id ? { traceId: b.trace_id } : {}),
    ...(b.correlation_id ? { correlationId: b.correlation_id } : {}),
    ...(b.timestamp ? { timestamp: b.timestamp } : {}),
  }, {
    ...(hint ?? fallback.remediation ? { remediation: hint ?? fallback.remediation } : {}),
    ...(fallback.code ? { code: fallback.code } : {}),
  });
}

/**
 * POSTs the client-credentials form and returns the token, or throws an {@link AuthError}.
 *
 * @example Ask for a Graph token with a secret
 * ```ts ignore
 * import { requestToken, tokenEndpointFor } from "./token_request.ts";
 * const token = await requestToken({
 *   tokenEndpoint: tokenEndpointFor("https://login.microsoftonline.com", "contoso.onmicrosoft.com"),
 *   clientId: "0b5e8a21-6c4f-4d2e-9a57-3f1c2d8e7b60",
 *   scope: "https://graph.microsoft.com/.default",
 *   credential: { clientSecret: Deno.env.get("AZURE_CLIENT_SECRET")! },
 * });
 * ```
 */
export async function requestToken(options: TokenRequestOptions): Promise<IssuedToken> {
  const now = options.now ?? Date.now;
  const deadline = options.overallTimeoutMs === undefined
    ? undefined
    : now() + Math.max(1, options.overallTimeoutMs);
  return await withRetries(
    async () => {
      const outcome = await attemptTokenRequest(options, deadline);
      if ("token" in outcome) return { ok: true, value: outcome.token };
      return {
        ok: false,
        error: outcome.error,
        retryable: outcome.retry === true,
        retryAfterMs: outcome.retryAfterMs,
      };
    },
    {
      maxRetries: Math.max(1, options.maxAttempts ?? 3) - 1,
      ...(deadline !== undefined ? { deadline } : {}),
      now,
      sleep: options.sleep ?? realSleep,
      signal: options.signal,
      backoff: (retry) => RETRY_DELAYS_MS[retry] ?? 5000,
      maxDelayMs: MAX_RETRY_AFTER_MS,
    },
    {
      aborted: (cause) => aborted(options.signal!, options.tokenEndpoint, cause),
    },
  );
}

/** The caller's abort as a typed error: `timeout` for `AbortSignal.timeout()`, else `aborted`. */
function aborted(signal: AbortSignal, endpoint: string, cause: unknown): GraphcallError {
  const reason = signal.reason;
  if (reason instanceof GraphcallError) return reason;
  const timedOut = reason instanceof DOMException && reason.name === "TimeoutError";
  return new GraphcallError(
    timedOut ? "timeout" : "aborted",
    timedOut
      ? `the token endpoint ${endpoint} did not answer in time`
      : `the token request to ${endpoint} was aborted`,
    { cause: reason ?? cause },
  );
}

type Outcome =
  | { token: IssuedToken }
  | { error: GraphcallError; retry?: boolean; retryAfterMs?: number | undefined };

async function attemptTokenRequest(
  options: TokenRequestOptions,
  deadline: number | undefined,
): Promise<Outcome> {
  const credential = typeof options.credential === "function"
    ? await options.credential()
    : options.credential;
  const form = new URLSearchParams({
    client_id: options.clientId,
    scope: options.scope,
    grant_type: "client_credentials",
  });
  if ("clientSecret" in credential) {
    registerSecret(credential.clientSecret);
    options.onSecret?.(credential.clientSecret);
    form.set("client_secret", credential.clientSecret);
  } else {
    registerSecret(credential.clientAssertion);
    options.onSecret?.(credential.clientAssertion);
    form.set("client_assertion_type", JWT_BEARER);
    form.set("client_assertion", credential.clientAssertion);
  }
  const now = options.now ?? Date.now;
  const sentAt = now();
  const perAttempt = Math.max(1, options.timeoutMs ?? DEFAULT_TIMEOUT_MS);
  const budget = Math.max(
    1,
    Math.min(perAttempt, deadline === undefined ? perAttempt : deadline - sentAt),
  );
  const endpoint = options.tokenEndpoint;
  let answer: Answer;
  try {
    answer = await exchange(options.fetch ?? fetch, endpoint, {
      method: "POST",
      headers: {
        "content-type": "application/x-www-form-urlencoded",
        "accept": "application/json",
        "client-request-id": crypto.randomUUID(),
      },
      body: form.toString(),
    }, { budgetMs: budget, maxBodyBytes: MAX_TOKEN_BODY_BYTES, signal: options.signal });
  } catch (e) {
    if (!(e instanceof ExchangeFailure)) throw e;
    switch (e.kind) {
      case "aborted":
        throw aborted(options.signal!, endpoint, e.cause);
      case "timeout":
        return {
          error: new GraphcallError(
            "timeout",
            `the token endpoint ${endpoint} did not answer within ${budget} ms`,
            { cause: e.cause },
          ),
          retry: true,
        };
      case "network":
        return {
          error: new GraphcallError(
            "network",
            `could not reach the token endpoint ${endpoint}: ${redact(e.message)}`,
            { cause: e.cause },
          ),
          retry: true,
        };
      case "redirect":
        return {
          error: new AuthError(
            `the token endpoint ${endpoint} answered ${e.status} redirecting to ${
              redact(e.location ?? "(no location)")
            }; graphcall does not follow redirects (the credential would go to another origin)`,
            { status: e.status },
            {
              remediation: "point the authority URL at Entra itself (e.g. " +
                "https://login.microsoftonline.com), not at a proxy or a page that redirects",
            },
          ),
        };
      case "tooLarge":
        return {
          error: new AuthError(
            `the token endpoint ${endpoint} answered ${e.status} with a body over ` +
              `${MAX_TOKEN_BODY_BYTES} bytes; it was not read`,
            { status: e.status },
          ),
        };
    }
  }
  const { response, text } = answer;
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  if (!response.ok) {
    if (response.status >= 500 || response.status === 429) {
      const code = response.status === 429 ? "throttled" : "service_error";
      const said = body === undefined
        ? undefined
        : authErrorFromResponse(response.status, body, {}, {
          code,
          remediation: response.status === 429
            ? "Entra is throttling this tenant or app: wait a minute and try again, and reuse " +
              "tokens (graphcall caches them; the token cache file keeps them between runs)"
            : "Entra is unavailable: try again later",
        });
      return {
        error: said ?? new GraphcallError(
          code,
          `the token endpoint answered ${response.status} ${response.statusText}`.trim(),
        ),
        retry: true,
        retryAfterMs: parseRetryAfter(response.headers.get("retry-after"), now()),
      };
    }
    if (body === undefined) {
      return {
        error: new GraphcallError(
          "auth_failed",
          `the token endpoint answered ${response.status} without a usable body`,
        ),
      };
    }
    const context: HintContext = {
      now: sentAt,
      ...options.hintContext,
      ...(response.headers.get("date") ? { serverTime: response.headers.get("date")! } : {}),
      ...("presented" in credential && credential.presented
        ? { presented: credential.presented }
        : {}),
    };
    return { error: authErrorFromResponse(response.status, body, context) };
  }
  const b = body as { access_token?: unknown; expires_in?: unknown; refresh_in?: unknown };
  if (typeof b?.access_token !== "string") {
    return {
      error: new GraphcallError(
        "auth_failed",
        "the token endpoint answered without an access_token",
      ),
    };
  }
  registerSecret(b.access_token);
  options.onSecret?.(b.access_token);
  const expiresIn = Number(b.expires_in ?? 3599);
  const refreshIn = b.refresh_in === undefined ? undefined : Number(b.refresh_in);
  return {
    token: {
      accessToken: b.access_token,
      expiresAt: sentAt + (Number.isFinite(expiresIn) ? expiresIn : 3599) * 1000,
      ...(refreshIn !== undefined && Number.isFinite(refreshIn)
        ? { refreshAt: sentAt + refreshIn * 1000 }
        : {}),
    },
  };
}
