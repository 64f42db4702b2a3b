/**
 * The HTTP pipeline to Graph, as steps:
 * 1. one exchange (../http_exchange.ts): send, read the answer within a per-attempt budget and
 *    a size cap, following no redirect (a 3xx is an error naming where it pointed);
 * 2. the bearer: a token from the credential on every attempt, renewed once after a 401;
 * 3. retries with an overall deadline (the shared loop of ../retry.ts, Graph's rules in
 *    retry_policy.ts), honouring `Retry-After`;
 * 4. the answer mapped to a result or a typed error (error_mapping.ts, which reads the
 *    operation from the request, not from its HTTP method).
 *
 * Every request carries one GUID `client-request-id` (kept across its retries, and in results and
 * errors) and `User-Agent: graphcall/VERSION`; a trace hook sees each step with secrets redacted;
 * dry runs describe the request and send nothing. Whether an operation exists in a cloud is the
 * operation catalogue's business (operations.ts), checked before a request reaches this file.
 *
 * Time is injectable: `now()` and `sleep(ms, signal)` drive every wait and deadline check, so
 * tests run retries instantly. The per-attempt budget itself is a real timer.
 *
 * @module
 */

import type { AccessToken, TokenCredential } from "../auth/credential.ts";
import type { CloudName } from "../clouds.ts";
import { GraphcallError, GraphError } from "../errors.ts";
import { redact, REDACTED, redactHeaders } from "../redact.ts";
import { parseRetryAfter } from "../retry_after.ts";
import { type Attempt, withRetries } from "../retry.ts";
import { realSleep, type Sleep } from "../sleep.ts";
import { VERSION } from "../version.ts";
import { type Answer, exchange, ExchangeFailure } from "../http_exchange.ts";
import { toGraphError } from "./error_mapping.ts";
import { OPERATION_CATALOGUE, type OperationName } from "./operations.ts";
import { backoffMs, isIdempotent, isRetryableStatus, RETRY_DEFAULTS } from "./retry_policy.ts";
import { ThrottleGate } from "./throttle_gate.ts";

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
  /**
   * Under a rate limit: `"learned"` paces the client at the rate its 429s showed, so it stops
   * meeting them; `"retry-after"` only waits what each 429 asks for (every request of the client
   * waits with it in both). Default `"learned"`, or `"retry-after"` when `now` or `sleep` is
   * injected (a test's clock then sees only the server's waits). See throttle_gate.ts.
   */
  pacing?: "learned" | "retry-after";
}

/** Options for {@link GraphHttp}. */
export interface GraphHttpOptions extends PipelineOptions {
  /** Graph root without version, e.g. `https://graph.microsoft.com`. */
  graphUrl: string;
  /** Alias of `graphVersion`. */
  version?: "v1.0" | "beta";
  /** Where tokens come from. */
  credential: TokenCredential;
  /** The cloud: the catalogue says which operations exist there; fixes name it. */
  cloud?: CloudName;
  /** The app id, for remediation texts. */
  clientId?: string;
}

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
  /**
   * The catalogue operation this request is: the 403 diagnosis reads it, and a `repeatable` one
   * is sent again after a lost response, a 404 on the repeat meaning the first one did it.
   */
  operation?: OperationName;
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
  /** True when a 404 after a lost response was taken as done (a `repeatable` operation). */
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
  readonly #gate: ThrottleGate;

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
    this.#gate = new ThrottleGate(
      this.#o.now,
      this.#o.sleep,
      options.pacing ?? (options.now || options.sleep ? "retry-after" : "learned"),
    );
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
    try {
      const token = await this.#credential.getToken({
        ...(signal ? { signal } : {}),
        ...(forceRefresh ? { forceRefresh: true } : {}),
      });
      this.#lastToken = token.token;
      return token;
    } catch (e) {
      if (signal?.aborted) {
        throw new GraphcallError("aborted", "the request was aborted", { cause: e });
      }
      throw e;
    }
  }

  /** Sends one request with retries; returns the response, or throws a {@link GraphError}. */
  async send<T = unknown>(request: GraphRequest): Promise<GraphResponse<T>> {
    const o = this.#o;
    const signal = anySignal(this.#signal, request.signal);
    const aborted = (cause?: unknown) =>
      new GraphcallError(
        "aborted",
        "the request was aborted; it may or may not have reached Graph",
        { cause: cause ?? signal?.reason },
      );
    if (signal?.aborted) throw aborted();
    const spec = request.operation ? OPERATION_CATALOGUE[request.operation] : undefined;
    const repeatable = spec?.repeatable === true || isIdempotent(request.method);
    const clientRequestId = crypto.randomUUID();
    const url = this.url(request.path, request.query);
    const deadline = o.now() + o.overallTimeoutMs;
    const where = { method: request.method, url, clientRequestId };
    let token = await this.#token(signal);
    let renewed = false;
    let lostResponse = false;

    // Step 1 and 2: one exchange with the bearer, renewed once after a 401.
    let attempts = 0;
    const exchangeWithBearer = async (): Promise<Answer> => {
      if (signal?.aborted) throw aborted();
      const attempt = ++attempts;
      const headers = this.#headers(request, clientRequestId, token.token);
      const budget = Math.max(1, Math.min(o.timeoutMs, deadline - o.now()));
      this.#trace({ type: "request", ...where, attempt, headers: redactHeaders(headers) });
      const answer = await exchange(
        this.#fetch,
        url,
        {
          method: request.method,
          headers,
          ...(request.body !== undefined ? { body: JSON.stringify(request.body) } : {}),
        },
        { budgetMs: budget, maxBodyBytes: MAX_GRAPH_BODY_BYTES, signal },
      ).catch((e: unknown) => {
        throw e instanceof ExchangeFailure
          ? this.#failed(e, request, url, budget, clientRequestId)
          : e;
      });
      const { response } = answer;
      this.#trace({
        type: "response",
        ...where,
        attempt,
        status: response.status,
        headers: redactHeaders(response.headers),
      });
      if (response.status === 401 && !renewed) {
        renewed = true;
        token = await this.#token(signal, true);
        return await exchangeWithBearer();
      }
      return answer;
    };

    // Step 3: the retry loop; step 4 maps each answer. While a throttled request of this client
    // waits out its Retry-After, no other attempt starts (throttle_gate.ts).
    let throttled = false;
    const attempt = async (): Promise<Attempt<GraphResponse<T>>> => {
      try {
        await this.#gate.pass(signal);
      } catch (e) {
        throw aborted(e);
      }
      let answer: Answer;
      try {
        answer = await exchangeWithBearer();
      } catch (e) {
        if (!(e instanceof GraphError) || e.status !== 0) throw e;
        lostResponse = true;
        this.#trace({ type: "error", ...where, attempt: attempts, reason: e.message });
        return { ok: false, error: e, retryable: repeatable, reason: e.code };
      }
      const outcome = this.#mapAnswer<T>(request, answer, {
        clientRequestId,
        token: token.token,
        attempts,
        alreadyDoneOn404: lostResponse && spec?.repeatable === true,
        repeatable,
      });
      const status = answer.response.status;
      throttled = !outcome.ok && (status === 429 || status === 503);
      if (!throttled) this.#gate.succeeded();
      return outcome;
    };
    return await withRetries(attempt, {
      maxRetries: o.maxRetries,
      deadline,
      now: o.now,
      sleep: (ms, s) => throttled ? this.#gate.hold(ms, s) : o.sleep(ms, s),
      signal,
      backoff: (retry) => backoffMs(retry, o.random),
    }, {
      onRetry: ({ delayMs, reason }) =>
        this.#trace({ type: "retry", ...where, attempt: attempts, delayMs, ...reasonOf(reason) }),
      pastDeadline: (error, delay) => pastDeadline(error, delay, o.overallTimeoutMs),
      aborted,
    });
  }

  /** Step 1's failures as typed errors: a lost answer (status 0) may be tried again. */
  #failed(
    e: ExchangeFailure,
    request: GraphRequest,
    url: string,
    budget: number,
    clientRequestId: string,
  ): GraphcallError {
    switch (e.kind) {
      case "aborted":
        return new GraphcallError(
          "aborted",
          "the request was aborted; it may or may not have reached Graph",
          { cause: e.cause },
        );
      case "timeout":
        return new GraphError(
          "timeout",
          `Graph did not answer ${request.method} ${url} within ${budget} ms`,
          { status: 0, clientRequestId },
          { cause: e.cause },
        );
      case "network":
        return new GraphError(
          "network",
          `the connection to Graph at ${this.graphUrl} failed: ${redact(e.message)}`,
          { status: 0, clientRequestId },
          { cause: e.cause },
        );
      case "redirect":
        return new GraphError(
          "service_error",
          `Graph answered ${e.status} redirecting to ${
            redact(e.location ?? "(no location)")
          }; graphcall does not follow redirects`,
          { status: e.status, clientRequestId },
          {
            remediation:
              "point the Graph URL at Graph itself, not at a proxy or a page that redirects",
          },
        );
      case "tooLarge":
        return new GraphError(
          "service_error",
          `Graph answered ${e.status} with a body over ${MAX_GRAPH_BODY_BYTES} bytes; it was not read`,
          { status: e.status, clientRequestId },
        );
    }
  }

  /** Step 4: an answer as a result, or as a typed error that says whether to try again. */
  #mapAnswer<T>(
    request: GraphRequest,
    { response, text }: Answer,
    context: {
      clientRequestId: string;
      token: string;
      attempts: number;
      alreadyDoneOn404: boolean;
      repeatable: boolean;
    },
  ): Attempt<GraphResponse<T>> {
    const requestId = response.headers.get("request-id") ?? undefined;
    const date = response.headers.get("date") ?? undefined;
    const meta = { requestId, clientRequestId: context.clientRequestId, date };
    if (response.ok || (response.status === 404 && context.alreadyDoneOn404)) {
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
            { status: response.status, ...definedIds(meta) },
          );
        }
      }
      return {
        ok: true,
        value: {
          status: response.status,
          body: body as T,
          headers: response.headers,
          ...meta,
          attempts: context.attempts,
          alreadyDone: !response.ok,
        },
      };
    }
    const error = toGraphError({
      method: request.method,
      status: response.status,
      statusText: response.statusText,
      text,
      headers: response.headers,
      clientRequestId: context.clientRequestId,
      ...(request.operation ? { operation: request.operation } : {}),
      token: context.token,
      cloud: this.cloud,
      ...(this.clientId ? { clientId: this.clientId } : {}),
    });
    const retryAfter = parseRetryAfter(response.headers.get("retry-after"), this.#o.now());
    return {
      ok: false,
      error,
      retryable: isRetryableStatus(response.status, context.repeatable),
      retryAfterMs: retryAfter,
      reason: `${response.status}${
        retryAfter !== undefined ? ` Retry-After ${retryAfter} ms` : ""
      }`,
    };
  }

  /**
   * A typed error for an answer that came inside another one (a `$batch` item), diagnosed as the
   * operation it was, with the token last sent.
   */
  errorFor(
    answer: { status: number; text: string; headers: Headers; clientRequestId: string },
    operationName: OperationName,
  ): GraphError {
    return toGraphError({
      method: OPERATION_CATALOGUE[operationName].method,
      ...answer,
      operation: operationName,
      cloud: this.cloud,
      ...(this.#lastToken ? { token: this.#lastToken } : {}),
      ...(this.clientId ? { clientId: this.clientId } : {}),
    });
  }
}

/** The largest Graph answer read: a roster page is far smaller. */
export const MAX_GRAPH_BODY_BYTES = 16 * 1024 * 1024;

function anySignal(...signals: (AbortSignal | undefined)[]): AbortSignal | undefined {
  const present = signals.filter((s): s is AbortSignal => !!s);
  return present.length <= 1 ? present[0] : AbortSignal.any(present);
}

function reasonOf(reason: string | undefined): { reason?: string } {
  return reason ? { reason } : {};
}

function definedIds(
  meta: { requestId?: string | undefined; clientRequestId: string; date?: string | undefined },
) {
  return {
    ...(meta.requestId ? { requestId: meta.requestId } : {}),
    clientRequestId: meta.clientRequestId,
    ...(meta.date ? { date: meta.date } : {}),
  };
}

/** The error when waiting for the next attempt would pass the overall timeout. */
function pastDeadline(error: Error, delay: number, overallTimeoutMs: number): Error {
  if (!(error instanceof GraphError)) return error;
  return new GraphError(
    error.code,
    `${error.message} (not retried: waiting ${
      Math.ceil(delay / 1000)
    } s would pass the overall timeout of ${overallTimeoutMs} ms)`,
    {
      status: error.status,
      ...(error.graphCode !== undefined ? { graphCode: error.graphCode } : {}),
      ...(error.requestId ? { requestId: error.requestId } : {}),
      ...(error.clientRequestId ? { clientRequestId: error.clientRequestId } : {}),
      ...(error.date ? { date: error.date } : {}),
    },
    { cause: error, ...(error.remediation ? { remediation: error.remediation } : {}) },
  );
}
