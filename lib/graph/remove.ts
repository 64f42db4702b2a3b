/**
 * Removing one participant (`DELETE /communications/calls/{call}/participants/{id}`): its options
 * and result. An active participant is dropped at once; an invited one who has not joined has the
 * invitation cancelled. Idempotent for the user: when an attempt's response was lost (network
 * error or timeout) and the retry answers 404, the removal is reported done, flagged
 * `alreadyRemoved`; a 404 on the first attempt is `not_found`.
 *
 * @module
 */

import type { ResponseMeta } from "./graph_http.ts";

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

/** The request headers of a removal: the caller's, and `If-Match` when given. */
export function removeHeaders(options: RemoveOptions): Record<string, string> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.ifMatch !== undefined) headers["if-match"] = options.ifMatch;
  return headers;
}
