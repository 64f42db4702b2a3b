/**
 * Bulk removal: many `{callId, participantId}` items through the shared worker pool
 * (worker_pool.ts: bounded concurrency, fatal errors, abort and stop), each through the
 * retrying pipeline, every item accounted for exactly once and in input order: `removed`,
 * `alreadyGone` (a 404: the participant is not in the call, which is what was wanted), `failed`
 * with its error, or `notStarted` after `stop`. Every id is checked before the first request.
 * Opt-in `batch: true` sends JSON batches of 20 (batch.ts).
 *
 * @module
 */

import { GraphError } from "../errors.ts";
import { removeInBatches } from "./batch.ts";
import {
  type BulkDryRunResult,
  type BulkItemResult,
  type BulkRemoveOptions,
  type BulkRemoveResult,
  checkItems,
  type RemovalItem,
  summarize,
} from "./bulk_result.ts";
import type { DryRunResult, GraphHttp } from "./graph_http.ts";
import { ensureOffered } from "./operations.ts";
import type { RemoveOptions, RemoveResult } from "./remove.ts";
import { checkConcurrency, runPool } from "./worker_pool.ts";

/** What removes one participant of a call (a call handle). */
export interface Remover {
  /** Removes, or describes the removal with `dryRun`. */
  remove(participantId: string, options: RemoveOptions & { dryRun: true }): Promise<DryRunResult>;
  /** Removes. */
  remove(participantId: string, options?: RemoveOptions): Promise<RemoveResult>;
}

/** Removes many participants; `callFor` gives the handle of each item's call. */
export async function removeMany(
  http: GraphHttp,
  callFor: (callId: string) => Remover,
  items: readonly RemovalItem[],
  options: BulkRemoveOptions = {},
): Promise<BulkRemoveResult | BulkDryRunResult> {
  checkItems(items);
  const concurrency = checkConcurrency(options.concurrency);
  ensureOffered("remove", http.cloud);
  if (options.dryRun) {
    const requests = [];
    for (const i of items) {
      requests.push((await callFor(i.callId).remove(i.participantId, { dryRun: true })).request);
    }
    return { dryRun: true, requests };
  }
  if (options.batch) return await removeInBatches(http, items, { ...options, concurrency });
  const signal = options.signal ? { signal: options.signal } : {};
  const results = await runPool<RemovalItem, BulkItemResult>(
    items,
    async ({ callId, participantId }) => {
      try {
        const r = await callFor(callId).remove(participantId, signal);
        return {
          callId,
          participantId,
          outcome: r.alreadyRemoved ? "alreadyGone" : "removed",
          ...(r.requestId ? { requestId: r.requestId } : {}),
          clientRequestId: r.clientRequestId,
        };
      } catch (e) {
        if (e instanceof GraphError && e.code === "not_found") {
          return { callId, participantId, outcome: "alreadyGone", ...idsOf(e) };
        }
        throw e;
      }
    },
    {
      concurrency,
      ...signal,
      ...(options.stop ? { stop: options.stop } : {}),
      failed: ({ callId, participantId }, error) => ({
        callId,
        participantId,
        outcome: "failed",
        error,
        ...(error instanceof GraphError ? idsOf(error) : {}),
      }),
      notStarted: ({ callId, participantId }) => ({ callId, participantId, outcome: "notStarted" }),
      ...(options.onProgress ? { onDone: options.onProgress } : {}),
    },
  );
  return summarize(results);
}

function idsOf(e: GraphError): { requestId?: string; clientRequestId?: string } {
  return {
    ...(e.requestId ? { requestId: e.requestId } : {}),
    ...(e.clientRequestId ? { clientRequestId: e.clientRequestId } : {}),
  };
}
