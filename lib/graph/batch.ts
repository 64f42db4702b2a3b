/**
 * Bulk removal through JSON batching (`POST /{version}/$batch`, at most 20 requests per batch):
 * opt-in, because whether Graph batches communications endpoints is UNCONFIRMED (reference
 * section 7). Items that answer 429, 503 or 504 inside a batch are sent again in a later round,
 * after the longest `Retry-After` among them (or backoff), up to the pipeline's `maxRetries`
 * rounds. A batch whose answer is lost is sent again (its items are DELETEs, safe to repeat; a
 * repeat that answers 404 counts as already gone).
 *
 * @module
 */

import { GraphcallError } from "../errors.ts";
import { parseRetryAfter } from "../retry_after.ts";
import {
  type BulkItemResult,
  type BulkRemoveOptions,
  type BulkRemoveResult,
  type RemovalItem,
  summarize,
} from "./bulk_result.ts";
import type { GraphHttp } from "./graph_http.ts";
import { operationPath } from "./operations.ts";
import { backoffMs, isRetryableStatus } from "./retry_policy.ts";

/** Requests per batch, Graph's limit. */
export const BATCH_SIZE = 20;

interface BatchAnswer {
  responses?: {
    id?: string;
    status?: number;
    headers?: Record<string, string>;
    body?: unknown;
  }[];
}

/** Removes items in JSON batches of 20; every item is accounted for once, in input order. */
export async function removeInBatches(
  http: GraphHttp,
  items: readonly RemovalItem[],
  options: BulkRemoveOptions & { concurrency: number },
): Promise<BulkRemoveResult> {
  const results: (BulkItemResult | undefined)[] = new Array(items.length);
  let done = 0;
  const finish = (index: number, result: BulkItemResult) => {
    if (results[index]) return;
    results[index] = result;
    done++;
    options.onProgress?.({ done, total: items.length, item: result });
  };
  const chunks: number[][] = [];
  for (let i = 0; i < items.length; i += BATCH_SIZE) {
    chunks.push(Array.from({ length: Math.min(BATCH_SIZE, items.length - i) }, (_, k) => i + k));
  }
  const runChunk = async (chunk: number[]) => {
    let pending = chunk;
    for (let round = 0; pending.length > 0; round++) {
      let answer;
      try {
        answer = await http.send<BatchAnswer>({
          method: "POST",
          path: operationPath("batch"),
          operation: "batch",
          body: {
            requests: pending.map((index) => ({
              id: String(index),
              method: "DELETE",
              url: operationPath("remove", {
                callId: items[index]!.callId,
                participantId: items[index]!.participantId,
              }),
            })),
          },
          ...(options.signal ? { signal: options.signal } : {}),
        });
      } catch (e) {
        const error = e instanceof GraphcallError
          ? e
          : new GraphcallError("internal", String(e), { cause: e });
        for (const index of pending) finish(index, { ...items[index]!, outcome: "failed", error });
        return;
      }
      const retry: number[] = [];
      let wait = 0;
      const byId = new Map((answer.body?.responses ?? []).map((r) => [String(r.id), r]));
      for (const index of pending) {
        const item = items[index]!;
        const r = byId.get(String(index));
        const status = r?.status ?? 0;
        const headers = new Headers(r?.headers ?? {});
        if (status >= 200 && status < 300) {
          finish(index, { ...item, outcome: "removed", clientRequestId: answer.clientRequestId });
        } else if (status === 404) {
          finish(index, {
            ...item,
            outcome: "alreadyGone",
            clientRequestId: answer.clientRequestId,
          });
        } else if (r && isRetryableStatus(status, true) && round < http.maxRetries) {
          retry.push(index);
          wait = Math.max(
            wait,
            parseRetryAfter(headers.get("retry-after"), http.now()) ??
              backoffMs(round, () => http.random()),
          );
        } else {
          const error = r
            ? http.errorFor({
              status,
              text: r.body === undefined ? "" : JSON.stringify(r.body),
              headers,
              clientRequestId: answer.clientRequestId,
            }, "remove")
            : new GraphcallError("service_error", "the batch answer has no response for this item");
          finish(index, {
            ...item,
            outcome: "failed",
            error,
            clientRequestId: answer.clientRequestId,
          });
        }
      }
      pending = retry;
      if (pending.length > 0) await http.sleep(wait, options.signal);
    }
  };
  let next = 0;
  const worker = async () => {
    while (next < chunks.length) await runChunk(chunks[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(options.concurrency, chunks.length) }, worker));
  return summarize(results as BulkItemResult[]);
}
