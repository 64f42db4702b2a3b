/**
 * The HTTP pipeline to Graph: base URL by cloud and version, a bearer token (renewed once after a
 * 401), one GUID `client-request-id` per operation (kept across its retries, and in results and
 * errors), `User-Agent: graphcall/VERSION`, a timeout per attempt and overall, the caller's
 * AbortSignal, retries (retry_policy.ts) honouring `Retry-After`, typed errors
 * (error_mapping.ts), a redacted trace hook, and dry runs that send nothing.
 *
 * Time is injectable: `now()` and `sleep(ms, signal)` drive every wait and deadline check, so
 * tests run retries instantly. The per-attempt timeout itself is a real timer.
 *
 * @module
 */

import type { AccessToken, TokenCredential } from "../auth/credential.ts";
import { type CloudName, CLOUDS } from "../clouds.ts";
import { GraphcallError, GraphError } from "../errors.ts";
import { redact, REDACTED, redactHeaders } from "../redact.ts";
import { VERSION } from "../version.ts";
import { type FailedExchange, toGraphError } from "./error_mapping.ts";
import { parseRetryAfter } from "../retry_after.ts";
import { realSleep, type Sleep } from "../sleep.ts";
import { backoffMs, isIdempotent, isRetryableStatus, RETRY_DEFAULTS } from "./retry_policy.ts";

/** One event of the trace hook; headers are already redacted. */
export interface GraphTraceEvent {
  /** `request` before sending, `response` on an answer, `error` when none came, `retry` before a wait. */
  type: "request" | "response" | "error" | "retry";
  /** HTTP method. */
  method: string;
  /** Full URL. */
  url: string;
  /** Attempt number, from 1. */
  attempt: number;
  /** The client-request-id. */
  clientRequestId: string;
  /** HTTP status (`response`). */
  status?: number;
  /** Redacted request headers (`request`) or response headers (`response`). */
  headers?: Record<string, string>;
  /** The wait before the next attempt, ms (`retry`). */
  delayMs?: number;
  /** What went wrong (`error`, `retry`), redacted. */
  reason?: string;
}

/** Options of the pipeline: on {@link GraphHttp} and on `connect()`. */
export interface PipelineOptions {
  /** `v1.0` (default) or `beta`. */
  graphVersion?: "v1.0" | "beta";
  /** Timeout of each attempt, ms. Default 30 000. */
  timeoutMs?: number;
  /** Timeout of an operation with all its retries, ms. Default 120 000. */
  overallTimeoutMs?: number;
  /** Retries after the first attempt. Default 4. */
  maxRetries?: number;
  /** Aborts every request of this client. */
  signal?: AbortSignal;
  /** Injectable fetch. */
  fetch?: typeof fetch;
  /** Injectable clock, ms since the epoch. */
  now?: () => number;
  /** Injectable wait (Retry-After and backoff). */
  sleep?: Sleep;
  /** Injectable randomness in [0, 1) for jitter. */
  random?: () => number;
  /** Called for every request, answer, error and retry, with secrets redacted. */
  onTrace?: (event: GraphTraceEvent) => void;
}

/** Options for {@link GraphHttp}. */
export interface GraphHttpOptions extends PipelineOptions {
  /** Graph root without version, e.g. `https://graph.microsoft.com`. */
  graphUrl: string;
  /** Alias of `graphVersion`. */
  version?: "v1.0" | "beta";
  /** Where tokens come from. */
  credential: TokenCredential;
  /** The cloud: China has no participants API, and remediation texts name the cloud. */
  cloud?: CloudName;
  /** The app id, for remediation texts. */
  clientId?: string;
}

/** The participant operations, as the 403 diagnosis knows them. */
export type ParticipantOperation = "remove" | "get" | "mute" | "list" | "invite";

/** One request to Graph. */
export interface GraphRequest {
  /** HTTP method. */
  method: "GET" | "POST" | "DELETE" | "PATCH";
  /** Path below the version, starting with `/`, already URL-encoded. */
  path: string;
  /** Query parameters (names such as `$top` are sent as they are). */
  query?: Record<string, string | number | undefined>;
  /** JSON body. */
  body?: unknown;
  /** Extra headers. */
  headers?: Record<string, string>;
  /** Abort signal. */
  signal?: AbortSignal;
  /** The participant operation (for the 403 diagnosis). */
  operation?: ParticipantOperation;
  /**
   * When an earlier attempt's response was lost (network error or timeout) and a retry answers
   * 404, return that 404 as done (`alreadyDone: true`): an idempotent DELETE that succeeded.
   */
  notFoundAfterLostResponseIsDone?: boolean;
  /** Treat the request as safe to repeat after a lost response (e.g. a `$batch` of DELETEs). */
  idempotent?: boolean;
}

/** The ids every result carries. */
export interface ResponseMeta {
  /** Graph's `request-id` of the final answer. */
  requestId: string | undefined;
  /** The `client-request-id` graphcall sent. */
  clientRequestId: string;
  /** The response `Date`. */
  date: string | undefined;
}

/** What Graph answered. */
export interface GraphResponse<T = unknown> extends ResponseMeta {
  /** The HTTP status Graph answered. */
  status: number;
  /** Parsed JSON body, or undefined for an empty body. */
  body: T;
  /** The headers. */
  headers: Headers;
  /** Attempts made. */
  attempts: number;
  /** True when a 404 after a lost response was taken as done (see `GraphRequest`). */
  alreadyDone: boolean;
}

/** The exact request a dry run would send. */
export interface DryRunRequest {
  /** HTTP method. */
  method: string;
  /** Full URL. */
  url: string;
  /** Headers; `Authorization` shows as `Bearer [REDACTED]`. */
  headers: Record<string, string>;
  /** JSON body, if any. */
  body?: unknown;
}

/** What every operation returns with `dryRun: true`: the request, not sent. */
export interface DryRunResult {
  /** Always true. */
  dryRun: true;
  /** The request that would be sent. */
  request: DryRunRequest;
}

class AttemptTimeout extends Error {}

function describeError(e: unknown): string {
  return redact(e instanceof Error ? e.message : String(e));
}

/** Sends requests to Graph with a token from the credential. */
export class GraphHttp {
  /** The Graph root, without version. */
  readonly graphUrl: string;
  /** `v1.0` or `beta`. */
  readonly version: "v1.0" | "beta";
  /** The cloud name. */
  readonly cloud: CloudName;
  /** The app id, if known. */
  readonly clientId: string | undefined;
  readonly #credential: TokenCredential;
  readonly #fetch: typeof fetch;
  readonly #o: Required<
    Pick<
      PipelineOptions,
      "timeoutMs" | "overallTimeoutMs" | "maxRetries" | "now" | "sleep" | "random"
    >
  >;
  readonly #signal: AbortSignal | undefined;
  readonly #onTrace: ((event: GraphTraceEvent) => void) | undefined;
  #lastToken: string | undefined;

  /** Creates the pipeline. */
  constructor(options: GraphHttpOptions) {
    this.graphUrl = options.graphUrl.replace(/\/+$/, "");
    this.version = options.graphVersion ?? options.version ?? "v1.0";
    if (this.version !== "v1.0" && this.version !== "beta") {
      throw new GraphcallError("invalid_input", `graphVersion: use "v1.0" or "beta"`);
    }
    this.cloud = options.cloud ?? "Global";
    this.clientId = options.clientId;
    this.#credential = options.credential;
    this.#fetch = options.fetch ?? fetch;
    this.#o = {
      timeoutMs: options.timeoutMs ?? RETRY_DEFAULTS.timeoutMs,
      overallTimeoutMs: options.overallTimeoutMs ?? RETRY_DEFAULTS.overallTimeoutMs,
      maxRetries: Math.max(0, options.maxRetries ?? RETRY_DEFAULTS.maxRetries),
      now: options.now ?? Date.now,
      sleep: options.sleep ?? realSleep,
      random: options.random ?? Math.random,
    };
    this.#signal = options.signal;
    this.#onTrace = options.onTrace;
  }

  /** The pipeline's clock, ms since the epoch. */
  now(): number {
    return this.#o.now();
  }

  /** The pipeline's wait. */
  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return this.#o.sleep(ms, signal);
  }

  /** The pipeline's retry budget (for batch rounds). */
  get maxRetries(): number {
    return this.#o.maxRetries;
  }

  /** The pipeline's randomness. */
  random(): number {
    return this.#o.random();
  }

  /** The full URL for a path below the version. */
  url(path: string, query?: GraphRequest["query"]): string {
    const q = Object.entries(query ?? {})
      .filter(([, v]) => v !== undefined && v !== "")
      .map(([k, v]) => `${k}=${encodeURIComponent(String(v))}`)
      .join("&");
    return `${this.graphUrl}/${this.version}${path}${q ? `?${q}` : ""}`;
  }

  /** The path below the version for a full URL Graph returned (e.g. `@odata.nextLink`). */
  relativePath(url: string): string {
    const prefix = `${this.graphUrl}/${this.version}/`;
    if (!url.startsWith(prefix)) {
      throw new GraphcallError(
        "service_error",
        "Graph returned a next link to another host or version; it was not followed",
      );
    }
    return url.slice(prefix.length - 1);
  }

  /** Refuses, before anything is sent, where the cloud has no participants API. */
  ensureSupported(): void {
    if (!CLOUDS[this.cloud].participantsApi) {
      throw new GraphcallError(
        "not_supported",
        `the participants API is not available in the ${this.cloud} cloud (21Vianet): Microsoft ` +
          `Graph does not offer /communications/calls/{id}/participants there; nothing was sent`,
      );
    }
  }

  #headers(request: GraphRequest, clientRequestId: string, token: string): Record<string, string> {
    const headers: Record<string, string> = {
      "authorization": `Bearer ${token}`,
      "client-request-id": clientRequestId,
      "user-agent": `graphcall/${VERSION}`,
      "accept": "application/json",
    };
    if (request.body !== undefined) headers["content-type"] = "application/json";
    for (const [k, v] of Object.entries(request.headers ?? {})) headers[k.toLowerCase()] = v;
    return headers;
  }

  /** The request that {@link send} would make, without a token and without sending. */
  describe(request: GraphRequest): DryRunResult {
    this.ensureSupported();
    const headers = this.#headers(request, crypto.randomUUID(), "x");
    headers.authorization = `Bearer ${REDACTED}`;
    return {
      dryRun: true,
      request: {
        method: request.method,
        url: this.url(request.path, request.query),
        headers,
        ...(request.body !== undefined ? { body: request.body } : {}),
      },
    };
  }

  #trace(event: GraphTraceEvent): void {
    if (!this.#onTrace) return;
    try {
      this.#onTrace(event);
    } catch {
      // a trace hook must not break requests
    }
  }

  async #token(signal: AbortSignal | undefined, forceRefresh = false): Promise<AccessToken> {
    let token: AccessToken;
    try {
      token = await this.#credential.getToken({
        ...(signal ? { signal } : {}),
        ...(forceRefresh ? { forceRefresh: true } : {}),
      });
    } catch (e) {
      if (signal?.aborted) {
        throw new GraphcallError("aborted", "the request was aborted", { cause: e });
      }
      throw e;
    }
    this.#lastToken = token.token;
    return token;
  }

  /**
   * A typed error for an answer that came inside another one (a `$batch` item), diagnosed with
   * the token last used.
   */
  errorFor(exchange: Omit<FailedExchange, "token" | "cloud" | "clientId">): GraphError {
    return toGraphError({
      ...exchange,
      cloud: this.cloud,
      ...(this.#lastToken ? { token: this.#lastToken } : {}),
      ...(this.clientId ? { clientId: this.clientId } : {}),
    });
  }

  /** Sends one request with retries; returns the response, or throws a {@link GraphError}. */
  async send<T = unknown>(request: GraphRequest): Promise<GraphResponse<T>> {
    this.ensureSupported();
    const o = this.#o;
    const signals = [this.#signal, request.signal].filter((s): s is AbortSignal => !!s);
    const signal = signals.length === 0
      ? undefined
      : signals.length === 1
      ? signals[0]
      : AbortSignal.any(signals);
    const aborted = () =>
      new GraphcallError(
        "aborted",
        "the request was aborted; it may or may not have reached Graph",
        {
          cause: signal?.reason,
        },
      );
    if (signal?.aborted) throw aborted();
    const clientRequestId = crypto.randomUUID();
    const url = this.url(request.path, request.query);
    const deadline = o.now() + o.overallTimeoutMs;
    let token = await this.#token(signal);
    let renewed = false;
    let lostResponse = false;
    let retries = 0;
    let attempt = 0;

    const waitOrThrow = async (error: GraphError, delay: number, reason: string) => {
      if (retries >= o.maxRetries) throw error;
      if (o.now() + delay > deadline) {
        throw new GraphError(
          error.code,
          `${error.message} (not retried: waiting ${
            Math.ceil(delay / 1000)
          } s would pass the overall timeout of ${o.overallTimeoutMs} ms)`,
          {
            status: error.status,
            ...(error.graphCode !== undefined ? { graphCode: error.graphCode } : {}),
            ...(error.requestId ? { requestId: error.requestId } : {}),
            clientRequestId,
            ...(error.date ? { date: error.date } : {}),
          },
          { cause: error, ...(error.remediation ? { remediation: error.remediation } : {}) },
        );
      }
      retries++;
      this.#trace({
        type: "retry",
        method: request.method,
        url,
        attempt,
        clientRequestId,
        delayMs: delay,
        reason,
      });
      try {
        await o.sleep(delay, signal);
      } catch (e) {
        if (signal?.aborted) throw aborted();
        throw e;
      }
    };

    while (true) {
      attempt++;
      if (signal?.aborted) throw aborted();
      const headers = this.#headers(request, clientRequestId, token.token);
      const controller = new AbortController();
      const budget = Math.max(1, Math.min(o.timeoutMs, deadline - o.now()));
      const timer = setTimeout(() => controller.abort(new AttemptTimeout()), budget);
      const onAbort = () => controller.abort(signal?.reason);
      signal?.addEventListener("abort", onAbort, { once: true });
      this.#trace({
        type: "request",
        method: request.method,
        url,
        attempt,
        clientRequestId,
        headers: redactHeaders(headers),
      });
      let response: Response;
      let text: string;
      try {
        response = await this.#fetch(url, {
          method: request.method,
          headers,
          ...(request.body !== undefined ? { body: JSON.stringify(request.body) } : {}),
          signal: controller.signal,
        });
        text = await response.text();
      } catch (e) {
        if (signal?.aborted) throw aborted();
        const timedOut = controller.signal.reason instanceof AttemptTimeout;
        lostResponse = true;
        const error = new GraphError(
          timedOut ? "timeout" : "network",
          timedOut
            ? `Graph did not answer ${request.method} ${url} within ${budget} ms`
            : `the connection to Graph at ${this.graphUrl} failed: ${describeError(e)}`,
          { status: 0, clientRequestId },
          { cause: e },
        );
        this.#trace({
          type: "error",
          method: request.method,
          url,
          attempt,
          clientRequestId,
          reason: error.message,
        });
        if (!(request.idempotent ?? isIdempotent(request.method))) throw error;
        await waitOrThrow(error, backoffMs(retries, o.random), error.code);
        continue;
      } finally {
        clearTimeout(timer);
        signal?.removeEventListener("abort", onAbort);
      }
      this.#trace({
        type: "response",
        method: request.method,
        url,
        attempt,
        clientRequestId,
        status: response.status,
        headers: redactHeaders(response.headers),
      });
      const requestId = response.headers.get("request-id") ?? undefined;
      const date = response.headers.get("date") ?? undefined;
      if (
        response.ok ||
        (response.status === 404 && lostResponse && request.notFoundAfterLostResponseIsDone)
      ) {
        let body: unknown = undefined;
        // A DELETE's answer carries no result: an unreadable body (a proxy's, a broken one) does
        // not undo a removal that Graph confirmed with its status.
        if (text && response.ok && request.method !== "DELETE") {
          try {
            body = JSON.parse(text);
          } catch {
            throw new GraphError(
              "service_error",
              `Graph answered ${response.status} with a body that is not JSON`,
              {
                status: response.status,
                ...(requestId ? { requestId } : {}),
                clientRequestId,
                ...(date ? { date } : {}),
              },
            );
          }
        }
        return {
          status: response.status,
          body: body as T,
          headers: response.headers,
          requestId,
          clientRequestId,
          date,
          attempts: attempt,
          alreadyDone: !response.ok,
        };
      }
      if (response.status === 401 && !renewed) {
        renewed = true;
        token = await this.#token(signal, true);
        continue;
      }
      const error = toGraphError({
        method: request.method,
        status: response.status,
        statusText: response.statusText,
        text,
        headers: response.headers,
        clientRequestId,
        ...(request.operation ? { operation: request.operation } : {}),
        token: token.token,
        cloud: this.cloud,
        ...(this.clientId ? { clientId: this.clientId } : {}),
      });
      const repeatable = request.idempotent ? "DELETE" : request.method;
      if (!isRetryableStatus(response.status, repeatable)) throw error;
      const retryAfter = parseRetryAfter(response.headers.get("retry-after"), o.now());
      await waitOrThrow(
        error,
        retryAfter ?? backoffMs(retries, o.random),
        `${response.status}${retryAfter !== undefined ? ` Retry-After ${retryAfter} ms` : ""}`,
      );
    }
  }
}
