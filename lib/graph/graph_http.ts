/**
 * The HTTP pipeline to Graph: base URL by cloud and version, bearer token, a fresh
 * `client-request-id` per request, and Graph error envelopes turned into typed errors.
 *
 * @module
 */

import type { TokenCredential } from "../auth/credential.ts";
import { type ErrorCode, GraphcallError, GraphError } from "../errors.ts";
import { redact } from "../redact.ts";
import { VERSION } from "../version.ts";

/** Options for {@link GraphHttp}. */
export interface GraphHttpOptions {
  /** Graph root without version, e.g. `https://graph.microsoft.com`. */
  graphUrl: string;
  /** `v1.0` (default) or `beta`. */
  version?: "v1.0" | "beta";
  /** Where tokens come from. */
  credential: TokenCredential;
  /** Injectable fetch. */
  fetch?: typeof fetch;
}

/** One request to Graph. */
export interface GraphRequest {
  /** HTTP method. */
  method: "GET" | "POST" | "DELETE" | "PATCH";
  /** Path below the version, starting with `/`, already URL-encoded. */
  path: string;
  /** JSON body. */
  body?: unknown;
  /** Extra headers. */
  headers?: Record<string, string>;
  /** Abort signal. */
  signal?: AbortSignal;
}

/** What Graph answered. */
export interface GraphResponse<T = unknown> {
  /** The HTTP status Graph answered. */
  status: number;
  /** Parsed JSON body, or undefined for 204. */
  body: T;
  /** The headers. */
  headers: Headers;
  /** Graph's `request-id`. */
  requestId: string | undefined;
  /** The `client-request-id` sent. */
  clientRequestId: string;
  /** The response `Date`. */
  date: string | undefined;
}

/** Graph's error envelope. */
interface GraphErrorEnvelope {
  error?: {
    code?: unknown;
    message?: unknown;
    innerError?: { date?: unknown; "request-id"?: unknown; "client-request-id"?: unknown };
  };
}

/** The stable error code for a Graph HTTP status (and Graph error code). */
export function errorCodeForStatus(status: number, _graphCode?: string): ErrorCode {
  if (status === 400 || status === 422) return "invalid_input";
  if (status === 401) return "unauthenticated";
  if (status === 403) return "permission_missing";
  if (status === 404) return "not_found";
  if (status === 429) return "throttled";
  return "service_error";
}

/** Sends requests to Graph with a token from the credential. */
export class GraphHttp {
  /** The graphUrl. */
  readonly graphUrl: string;
  /** The version. */
  readonly version: "v1.0" | "beta";
  readonly #credential: TokenCredential;
  readonly #fetch: typeof fetch;

  /** Creates the handle. */
  constructor(options: GraphHttpOptions) {
    this.graphUrl = options.graphUrl.replace(/\/+$/, "");
    this.version = options.version ?? "v1.0";
    this.#credential = options.credential;
    this.#fetch = options.fetch ?? fetch;
  }

  /** The full URL for a path below the version. */
  url(path: string): string {
    return `${this.graphUrl}/${this.version}${path}`;
  }

  /** The path below the version for a full URL Graph returned (e.g. `@odata.nextLink`). */
  relativePath(url: string): string {
    const prefix = `${this.graphUrl}/${this.version}`;
    if (!url.startsWith(prefix)) {
      throw new GraphcallError("service_error", "Graph returned a next link to another host");
    }
    return url.slice(prefix.length);
  }

  /** Sends one request; returns the response, or throws a {@link GraphError}. */
  async send<T = unknown>(request: GraphRequest): Promise<GraphResponse<T>> {
    const token = await this.#credential.getToken(request.signal ? { signal: request.signal } : {});
    const clientRequestId = crypto.randomUUID();
    const headers: Record<string, string> = {
      "authorization": `Bearer ${token.token}`,
      "client-request-id": clientRequestId,
      "user-agent": `graphcall/${VERSION}`,
      "accept": "application/json",
      ...request.headers,
    };
    if (request.body !== undefined) headers["content-type"] = "application/json";
    let response: Response;
    try {
      response = await this.#fetch(this.url(request.path), {
        method: request.method,
        headers,
        ...(request.body !== undefined ? { body: JSON.stringify(request.body) } : {}),
        ...(request.signal ? { signal: request.signal } : {}),
      });
    } catch (e) {
      if (request.signal?.aborted) throw request.signal.reason ?? e;
      throw new GraphError(
        "network",
        `could not reach Graph at ${this.graphUrl}: ${
          redact(e instanceof Error ? e.message : String(e))
        }`,
        { status: 0, clientRequestId },
        { cause: e },
      );
    }
    const text = await response.text();
    let body: unknown = undefined;
    if (text) {
      try {
        body = JSON.parse(text);
      } catch {
        body = undefined;
      }
    }
    const requestId = response.headers.get("request-id") ?? undefined;
    const date = response.headers.get("date") ?? undefined;
    if (!response.ok) {
      const envelope = (body ?? {}) as GraphErrorEnvelope;
      const graphCode = typeof envelope.error?.code === "string" ? envelope.error.code : undefined;
      const message = typeof envelope.error?.message === "string"
        ? redact(envelope.error.message)
        : `Graph answered ${response.status} ${response.statusText}`.trim();
      throw new GraphError(errorCodeForStatus(response.status, graphCode), message, {
        status: response.status,
        ...(graphCode !== undefined ? { graphCode } : {}),
        ...(requestId ? { requestId } : {}),
        clientRequestId,
        ...(date ? { date } : {}),
      });
    }
    if (text && body === undefined) {
      throw new GraphcallError(
        "service_error",
        `Graph answered ${response.status} with a body that is not JSON`,
      );
    }
    return {
      status: response.status,
      body: body as T,
      headers: response.headers,
      requestId,
      clientRequestId,
      date,
    };
  }
}
