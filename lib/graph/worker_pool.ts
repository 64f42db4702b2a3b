/**
 * The bounded worker pool that bulk removal and bulk invitation share: at most `concurrency`
 * items in flight, every item accounted for exactly once and in input order.
 *
 * - After an error that will fail every other item too (one of {@link FATAL_CODES}), no new item
 *   starts and the rest fail with that error.
 * - When `signal` aborts, no new item starts and the rest fail as `aborted`.
 * - When `stop` fires (gentler: SIGINT in the CLI), no new item starts, those in flight finish
 *   normally, and the rest come back as not started, so an interrupted caller can still account
 *   for every item.
 *
 * @module
 */

import { type ErrorCode, GraphcallError } from "../errors.ts";

/** The bounds of every bulk run: in flight at most, and the default. */
export const CONCURRENCY: Readonly<{ default: 4; max: 64 }> = Object.freeze({
  default: 4,
  max: 64,
});

/** Errors that would fail every other item of the run too: no new item starts after one. */
export const FATAL_CODES: ReadonlySet<ErrorCode> = new Set<ErrorCode>([
  "policy_denied",
  "permission_missing",
  "unauthenticated",
  "not_supported",
]);

/** How the pool runs and reports. */
export interface PoolOptions<I, R> {
  /** Items in flight at most (1 to 64; default 4). */
  concurrency?: number;
  /** Aborts: no new item starts; the rest fail as `aborted`. */
  signal?: AbortSignal;
  /** Stops: no new item starts; those in flight finish; the rest are not started. */
  stop?: AbortSignal;
  /** The result of an item that failed (thrown errors arrive as `GraphcallError`s). */
  failed: (item: I, error: GraphcallError) => R;
  /** The result of an item never started because `stop` fired. */
  notStarted: (item: I) => R;
  /** Called after each item. */
  onDone?: (progress: { done: number; total: number; item: R }) => void;
}

/** Checks a concurrency option and returns it (default 4). */
export function checkConcurrency(value: number | undefined): number {
  if (value === undefined) return CONCURRENCY.default;
  if (!Number.isFinite(value)) {
    throw new GraphcallError("invalid_input", "concurrency: must be a number from 1 to 64");
  }
  return Math.max(1, Math.min(CONCURRENCY.max, Math.floor(value)));
}

/** Runs `work` over every item with bounded concurrency; results in input order. */
export async function runPool<I, R>(
  items: readonly I[],
  work: (item: I, index: number) => Promise<R>,
  options: PoolOptions<I, R>,
): Promise<R[]> {
  const concurrency = checkConcurrency(options.concurrency);
  const results: R[] = new Array(items.length);
  let next = 0;
  let done = 0;
  let fatal: GraphcallError | undefined;
  const finish = (index: number, result: R) => {
    results[index] = result;
    done++;
    options.onDone?.({ done, total: items.length, item: result });
  };
  const worker = async () => {
    while (true) {
      const index = next++;
      if (index >= items.length) return;
      const item = items[index]!;
      if (fatal) {
        finish(index, options.failed(item, fatal));
      } else if (options.signal?.aborted) {
        finish(
          index,
          options.failed(
            item,
            new GraphcallError("aborted", "not attempted: the bulk run was aborted"),
          ),
        );
      } else if (options.stop?.aborted) {
        finish(index, options.notStarted(item));
      } else {
        try {
          finish(index, await work(item, index));
        } catch (e) {
          const error = e instanceof GraphcallError
            ? e
            : new GraphcallError("internal", String(e), { cause: e });
          if (FATAL_CODES.has(error.code)) fatal ??= error;
          finish(index, options.failed(item, error));
        }
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
  return results;
}
