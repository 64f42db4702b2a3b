/**
 * Bulk removal: many `{callId, participantId}` items with bounded concurrency (default 4), each
 * through the retrying pipeline, every item accounted for exactly once and in input order:
 * `removed`, `alreadyGone` (a 404: the participant is not in the call, which is what was wanted)
 * or `failed` with its error. Every id is checked before the first request. After an error that
 * will fail every other item too (`policy_denied`, `permission_missing`, `unauthenticated`,
 * `not_supported`, or an abort), no new request is started and the remaining items fail with that
 * error. Opt-in `batch: true` sends JSON batches of 20 (batch.ts).
 *
 * `stop` is a gentler signal than `signal`: when it fires, no new item starts, requests in flight
 * finish (or time out) normally, and the items never started come back as `notStarted`, so a
 * caller that is interrupted (SIGINT) can still account for every item exactly once.
 *
 * @module
 */

import { GraphcallError, GraphError } from "../errors.ts";
import type { DryRunRequest, GraphHttp } from "./graph_http.ts";
import { removeParticipant, removeRequest, type RemoveResult } from "./remove.ts";
import { removeInBatches } from "./batch.ts";

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

const FATAL = new Set(["policy_denied", "permission_missing", "unauthenticated", "not_supported"]);
const MAX_CONCURRENCY = 64;

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
    removeRequest(item?.callId, item?.participantId, {}, {
      call: `items[${i}].callId`,
      participant: `items[${i}].participantId`,
    });
  });
}

/** Removes many participants. */
export async function removeMany(
  http: GraphHttp,
  items: readonly RemovalItem[],
  options: BulkRemoveOptions = {},
): Promise<BulkRemoveResult | BulkDryRunResult> {
  checkItems(items);
  const concurrency = Math.max(1, Math.min(MAX_CONCURRENCY, options.concurrency ?? 4));
  if (!Number.isFinite(concurrency)) {
    throw new GraphcallError("invalid_input", "concurrency: must be a number from 1 to 64");
  }
  http.ensureSupported();
  if (options.dryRun) {
    return {
      dryRun: true,
      requests: items.map((i) => http.describe(removeRequest(i.callId, i.participantId)).request),
    };
  }
  if (options.batch) return await removeInBatches(http, items, { ...options, concurrency });
  const results: (BulkItemResult | undefined)[] = new Array(items.length);
  let next = 0;
  let done = 0;
  let fatal: GraphcallError | undefined;
  const finish = (index: number, result: BulkItemResult) => {
    results[index] = result;
    done++;
    options.onProgress?.({ done, total: items.length, item: result });
  };
  const worker = async () => {
    while (true) {
      const index = next++;
      if (index >= items.length) return;
      const { callId, participantId } = items[index]!;
      if (options.stop?.aborted && !fatal && !options.signal?.aborted) {
        finish(index, { callId, participantId, outcome: "notStarted" });
        continue;
      }
      const stop = fatal ??
        (options.signal?.aborted
          ? new GraphcallError("aborted", "not attempted: the bulk removal was aborted")
          : undefined);
      if (stop) {
        finish(index, { callId, participantId, outcome: "failed", error: stop });
        continue;
      }
      try {
        const r = await removeParticipant(http, callId, participantId, {
          ...(options.signal ? { signal: options.signal } : {}),
        }) as RemoveResult;
        finish(index, {
          callId,
          participantId,
          outcome: r.alreadyRemoved ? "alreadyGone" : "removed",
          ...(r.requestId ? { requestId: r.requestId } : {}),
          clientRequestId: r.clientRequestId,
        });
      } catch (e) {
        const error = e instanceof GraphcallError
          ? e
          : new GraphcallError("internal", String(e), { cause: e });
        const ids = error instanceof GraphError
          ? {
            ...(error.requestId ? { requestId: error.requestId } : {}),
            ...(error.clientRequestId ? { clientRequestId: error.clientRequestId } : {}),
          }
          : {};
        if (error.code === "not_found") {
          finish(index, { callId, participantId, outcome: "alreadyGone", ...ids });
        } else {
          if (FATAL.has(error.code)) fatal ??= error;
          finish(index, { callId, participantId, outcome: "failed", error, ...ids });
        }
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
  return summarize(results as BulkItemResult[]);
}
