/**
 * `--debug`: one line per HTTP event on stderr. Header values are printed only for an allowlist
 * of headers that carry no secret and help diagnose (request ids, content type and length,
 * Retry-After, Date, Location, WWW-Authenticate, ...); an `Authorization` header keeps only its
 * scheme; every other header shows its name with `[REDACTED]` (a `--header "X-Secret: ..."` or
 * a cookie is never printed). The line is redacted and sanitised as a whole.
 *
 * @module
 */

import type { GraphTraceEvent } from "../graph/graph_http.ts";
import { redact, REDACTED } from "../redact.ts";
import { sanitise } from "./sanitise.ts";

/** Headers whose values `--debug` prints (lower case). */
export const DEBUG_HEADER_ALLOWLIST: ReadonlySet<string> = new Set([
  "accept",
  "client-request-id",
  "content-length",
  "content-type",
  "date",
  "etag",
  "if-match",
  "location",
  "prefer",
  "request-id",
  "retry-after",
  "user-agent",
  "www-authenticate",
  "x-ms-ags-diagnostic",
]);

/** Headers that keep their scheme (`Bearer [REDACTED]`). */
const SCHEME_ONLY = new Set(["authorization", "proxy-authorization"]);

/** A copy of headers fit for `--debug`: allowlisted values only. */
export function debugHeaders(headers: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    const lower = name.toLowerCase();
    if (DEBUG_HEADER_ALLOWLIST.has(lower)) out[name] = value;
    else if (SCHEME_ONLY.has(lower)) {
      const scheme = /^([A-Za-z-]+)\s/.exec(value)?.[1];
      out[name] = scheme ? `${scheme} ${REDACTED}` : REDACTED;
    } else out[name] = REDACTED;
  }
  return out;
}

/**
 * Formats one trace event of the HTTP pipeline for `--debug`: one redacted, sanitised line.
 *
 * @example
 * ```ts
 * import { formatTrace } from "./debug_trace.ts";
 * console.log(formatTrace({
 *   type: "request", method: "GET", url: "https://graph.microsoft.com/v1.0/x", attempt: 1,
 *   clientRequestId: "c1", headers: { "x-secret": "s3cr3t", "content-type": "application/json" },
 * }));
 * // graphcall: debug: request GET ... headers={"x-secret":"[REDACTED]","content-type":"application/json"}
 * ```
 */
export function formatTrace(event: GraphTraceEvent): string {
  const parts = [event.type, event.method, event.url];
  if (event.status !== undefined) parts.push(`status=${event.status}`);
  parts.push(`attempt=${event.attempt}`, `client-request-id=${event.clientRequestId}`);
  const requestId = event.type === "response" ? event.headers?.["request-id"] : undefined;
  if (requestId) parts.push(`request-id=${requestId}`);
  if (event.delayMs !== undefined) parts.push(`delay=${event.delayMs}ms`);
  if (event.reason) parts.push(`reason=${JSON.stringify(event.reason)}`);
  if (event.headers) parts.push(`headers=${JSON.stringify(debugHeaders(event.headers))}`);
  return `graphcall: debug: ${sanitise(redact(parts.join(" ")))}\n`;
}
