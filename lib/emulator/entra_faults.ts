/**
 * Fault injection at the emulated Entra token endpoint: the rules of `state.faults` whose path
 * matches the token path (e.g. `"/*\/oauth2/v2.0/token"`) apply there with the same semantics as
 * on Graph (graph_faults.ts): `status` answers instead of issuing a token, `drop` issues one and
 * loses the answer, `body` replaces the answer's body, `latencyMs` waits first.
 *
 * Documented assumptions: an injected 429 is Entra's throttling error (`AADSTS90055`,
 * `temporarily_unavailable`); an injected 5xx is `temporarily_unavailable` without an AADSTS
 * number (what a gateway in front of Entra sends is not known); `Retry-After` is sent when the
 * rule has `retryAfter`.
 *
 * @module
 */

import type { FaultSpec } from "./state.ts";
import { entraError, entraTimestamp } from "./entra_errors.ts";
import {
  droppedResponse,
  htmlErrorResponse,
  latency,
  malformedJsonResponse,
} from "./graph_faults.ts";

/** Answers a token request under a fault rule, calling `serve` when the request is processed. */
export async function serveTokenWithFault(
  rule: FaultSpec,
  request: Request,
  now: number,
  serve: () => Promise<Response>,
): Promise<Response> {
  if (rule.latencyMs) await latency(rule.latencyMs, request.signal);
  if (rule.status) {
    await request.body?.cancel();
    const headers = new Headers({ "cache-control": "no-store" });
    if (rule.retryAfter !== undefined) headers.set("retry-after", String(rule.retryAfter));
    if (rule.body === "html") return htmlErrorResponse(rule.status, headers);
    if (rule.body === "malformedJson") return malformedJsonResponse(rule.status, headers);
    if (rule.status === 429) {
      const r = entraError(90055, "temporarily_unavailable", "The tenant is throttled.", {
        now,
        status: 429,
      });
      for (const [k, v] of headers) r.headers.set(k, v);
      return r;
    }
    const traceId = crypto.randomUUID();
    return Response.json({
      error: "temporarily_unavailable",
      error_description: "The service is temporarily unavailable (an injected fault).",
      timestamp: entraTimestamp(now),
      trace_id: traceId,
      correlation_id: request.headers.get("client-request-id") ?? crypto.randomUUID(),
    }, { status: rule.status, headers });
  }
  const response = await serve();
  if (rule.drop) {
    await response.body?.cancel();
    return droppedResponse();
  }
  if (rule.body) {
    await response.body?.cancel();
    const headers = new Headers({ "cache-control": "no-store" });
    return rule.body === "html"
      ? htmlErrorResponse(response.status, headers)
      : malformedJsonResponse(response.status, headers);
  }
  return response;
}
