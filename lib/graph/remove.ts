/**
 * Removing one participant: `DELETE /communications/calls/{call}/participants/{id}`. An active
 * participant is dropped at once; an invited one who has not joined has the invitation
 * cancelled. Idempotent for the user: when an attempt's response was lost (network error or
 * timeout) and the retry answers 404, the removal is reported done, flagged `alreadyRemoved`; a
 * 404 on the first attempt is `not_found`.
 *
 * @module
 */

import type { DryRunResult, GraphHttp, GraphRequest, ResponseMeta } from "./graph_http.ts";
import { checkId } from "./ids.ts";

/** Options for `call.remove()`. */
export interface RemoveOptions {
  /** Sent as `If-Match`. */
  ifMatch?: string;
  /** Extra request headers. */
  headers?: Record<string, string>;
  /** Abort signal. */
  signal?: AbortSignal;
  /** Return the request instead of sending it. */
  dryRun?: boolean;
}

/** The outcome of a removal. */
export interface RemoveResult extends ResponseMeta {
  /** The call id. */
  callId: string;
  /** The participant id. */
  participantId: string;
  /** HTTP status Graph answered (204, or 404 when `alreadyRemoved`). */
  status: number;
  /** True when a lost response was followed by a 404: the first attempt did remove it. */
  alreadyRemoved: boolean;
  /** Attempts made. */
  attempts: number;
}

/** The request for a removal (ids checked and URL-encoded). */
export function removeRequest(
  callId: string,
  participantId: string,
  options: RemoveOptions = {},
  fields: { call: string; participant: string } = { call: "callId", participant: "participantId" },
): GraphRequest {
  const call = checkId(callId, fields.call);
  const pid = checkId(participantId, fields.participant);
  const headers: Record<string, string> = { ...options.headers };
  if (options.ifMatch !== undefined) headers["if-match"] = options.ifMatch;
  return {
    method: "DELETE",
    path: `/communications/calls/${encodeURIComponent(call)}/participants/${
      encodeURIComponent(pid)
    }`,
    headers,
    operation: "remove",
    notFoundAfterLostResponseIsDone: true,
    ...(options.signal ? { signal: options.signal } : {}),
  };
}

/** Removes one participant (or describes the request with `dryRun`). */
export async function removeParticipant(
  http: GraphHttp,
  callId: string,
  participantId: string,
  options: RemoveOptions = {},
): Promise<RemoveResult | DryRunResult> {
  const request = removeRequest(callId, participantId, options);
  if (options.dryRun) return http.describe(request);
  const r = await http.send(request);
  return {
    callId,
    participantId,
    status: r.status,
    alreadyRemoved: r.alreadyDone,
    attempts: r.attempts,
    requestId: r.requestId,
    clientRequestId: r.clientRequestId,
    date: r.date,
  };
}
