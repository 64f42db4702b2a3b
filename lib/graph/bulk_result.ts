/**
 * What a bulk removal reports: one result per item, in input order, and the counts. Shared by the
 * plain run (bulk_remove.ts) and the `$batch` run (batch.ts).
 *
 * @module
 */

import { GraphcallError } from "../errors.ts";
import type { DryRunRequest } from "./graph_http.ts";
import { operationPath } from "./operations.ts";

/** One participant to remove. */
export interface RemovalItem {
  /** The call id. */
  callId: string;
  /** The participant id. */
  participantId: string;
}

/** What happened to one item. */
export interface BulkItemResult extends RemovalItem {
  /** `removed`, `alreadyGone`, `failed`, or `notStarted` (after `stop` fired). */
  outcome: "removed" | "alreadyGone" | "failed" | "notStarted";
  /** Why it failed. */
  error?: GraphcallError;
  /** Graph's request-id of the final answer, when one came. */
  requestId?: string;
  /** The client-request-id sent. */
  clientRequestId?: string;
}

/** Progress after each item. */
export interface BulkProgress {
  /** Items finished. */
  done: number;
  /** Items in all. */
  total: number;
  /** The item just finished. */
  item: BulkItemResult;
}

/** Options for bulk removal. */
export interface BulkRemoveOptions {
  /** Requests in flight at most. Default 4, at most 64. */
  concurrency?: number;
  /** Called after each item. */
  onProgress?: (progress: BulkProgress) => void;
  /** Abort signal: no new item starts; unfinished items fail as `aborted`. */
  signal?: AbortSignal;
  /**
   * Stop signal: when it fires, no new item starts, requests in flight finish normally, and
   * items not yet started are reported as `notStarted`. Not consulted with `batch: true`.
   */
  stop?: AbortSignal;
  /**
   * Send JSON batches (`POST /$batch`, 20 per batch) instead of one request per item.
   * UNCONFIRMED whether Graph batches communications endpoints; off by default.
   */
  batch?: boolean;
  /** Return the requests instead of sending them. */
  dryRun?: boolean;
}

/** The outcome of a bulk removal: every input item once, in input order, and the counts. */
export interface BulkRemoveResult {
  /** Per item, in input order. */
  items: BulkItemResult[];
  /** Items removed. */
  removed: number;
  /** Items already gone. */
  alreadyGone: number;
  /** Items that failed. */
  failed: number;
  /** Items not started because `stop` fired; present only when there are some. */
  notStarted?: number;
}

/** What a bulk dry run returns. */
export interface BulkDryRunResult {
  /** Always true. */
  dryRun: true;
  /** The requests that would be sent, one per item. */
  requests: DryRunRequest[];
}

/** Counts the outcomes of item results. */
export function summarize(items: BulkItemResult[]): BulkRemoveResult {
  const notStarted = items.filter((i) => i.outcome === "notStarted").length;
  return {
    items,
    removed: items.filter((i) => i.outcome === "removed").length,
    alreadyGone: items.filter((i) => i.outcome === "alreadyGone").length,
    failed: items.filter((i) => i.outcome === "failed").length,
    ...(notStarted > 0 ? { notStarted } : {}),
  };
}

/** Checks every item before anything is sent; throws naming `items[i].field`. */
export function checkItems(items: readonly RemovalItem[]): void {
  if (!Array.isArray(items)) {
    throw new GraphcallError("invalid_input", "items: must be an array of {callId, participantId}");
  }
  items.forEach((item, i) => {
    operationPath("remove", {
      callId: item?.callId,
      participantId: item?.participantId,
    } as Record<string, string>, {
      callId: `items[${i}].callId`,
      participantId: `items[${i}].participantId`,
    });
  });
}
