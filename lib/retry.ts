/**
 * The one retry loop of graphcall, shared by the Graph pipeline and the token request: call an
 * attempt, and when it fails in a way worth repeating, wait (the server's `Retry-After`, else the
 * caller's backoff) and try again, within a number of retries and an overall deadline, on an
 * injectable clock, stopping at once when the caller's signal aborts.
 *
 * What makes an attempt worth repeating is the caller's business (Graph's rules are in
 * graph/retry_policy.ts, the token endpoint's in auth/token_request.ts); this file only loops.
 *
 * @module
 */

import type { Sleep } from "./sleep.ts";

/** What one attempt came to. */
export type Attempt<T> =
  | { ok: true; value: T }
  | {
    ok: false;
    /** What went wrong; thrown when the loop gives up. */
    error: Error;
    /** Whether another attempt may succeed. */
    retryable: boolean;
    /** The wait the server asked for (`Retry-After`), ms. */
    retryAfterMs?: number | undefined;
    /** For traces: why it is repeated. */
    reason?: string;
  };

/** When and how long the loop waits. */
export interface RetryPolicy {
  /** Retries after the first attempt. */
  maxRetries: number;
  /** Give up rather than wait past this time (ms since the epoch, on `now`). */
  deadline?: number;
  /** The clock, ms since the epoch. */
  now: () => number;
  /** The wait. */
  sleep: Sleep;
  /** Stops the loop (the wait rejects, and no attempt starts). */
  signal?: AbortSignal | undefined;
  /** The wait before retry number `retry` (from 0) when the server gave none, ms. */
  backoff: (retry: number) => number;
  /** The longest single wait, ms (a larger `Retry-After` is cut to this). */
  maxDelayMs?: number;
}

/** What the loop tells its caller. */
export interface RetryHooks {
  /** Before each wait. */
  onRetry?: (info: { attempt: number; delayMs: number; reason: string | undefined }) => void;
  /** The error to throw when waiting would pass the deadline (default: the attempt's error). */
  pastDeadline?: (error: Error, delayMs: number) => Error;
  /** The error to throw when the signal aborts during a wait. */
  aborted?: (cause: unknown) => Error;
}

/**
 * Runs `attempt` until it succeeds, fails for good, runs out of retries or would pass the
 * deadline. `attempt` receives the attempt number, from 1.
 *
 * @example Retry a flaky step twice with no waiting
 * ```ts
 * import { withRetries } from "./retry.ts";
 * let n = 0;
 * const value = await withRetries(async () => {
 *   n++;
 *   return n < 3
 *     ? { ok: false, error: new Error("busy"), retryable: true }
 *     : { ok: true, value: "done" };
 * }, { maxRetries: 2, now: Date.now, sleep: async () => {}, backoff: () => 0 });
 * console.log(value, n); // done 3
 * ```
 */
export async function withRetries<T>(
  attempt: (attemptNumber: number) => Promise<Attempt<T>>,
  policy: RetryPolicy,
  hooks: RetryHooks = {},
): Promise<T> {
  for (let retries = 0, n = 1;; n++) {
    const outcome = await attempt(n);
    if (outcome.ok) return outcome.value;
    if (!outcome.retryable || retries >= policy.maxRetries || policy.signal?.aborted) {
      throw outcome.error;
    }
    let delay = outcome.retryAfterMs ?? policy.backoff(retries);
    if (policy.maxDelayMs !== undefined) delay = Math.min(delay, policy.maxDelayMs);
    if (policy.deadline !== undefined && policy.now() + delay > policy.deadline) {
      throw hooks.pastDeadline ? hooks.pastDeadline(outcome.error, delay) : outcome.error;
    }
    retries++;
    hooks.onRetry?.({ attempt: n, delayMs: delay, reason: outcome.reason });
    try {
      await policy.sleep(delay, policy.signal);
    } catch (e) {
      if (policy.signal?.aborted && hooks.aborted) throw hooks.aborted(e);
      throw e;
    }
  }
}
