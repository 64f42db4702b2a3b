/**
 * When the pipeline retries, and how long it waits: 429 and 503 for every method (Graph did not
 * act on the request), 504 and network errors or timeouts only for methods that are safe to
 * repeat (GET, DELETE: a lost response to a POST may hide an invitation that was made). The wait
 * is `Retry-After` when given, else exponential backoff with jitter.
 *
 * @module
 */

/** Defaults of the pipeline. */
export const RETRY_DEFAULTS: Readonly<{
  maxRetries: 4;
  baseDelayMs: 500;
  maxDelayMs: 30_000;
  timeoutMs: 30_000;
  overallTimeoutMs: 120_000;
}> = Object.freeze({
  maxRetries: 4,
  baseDelayMs: 500,
  maxDelayMs: 30_000,
  timeoutMs: 30_000,
  overallTimeoutMs: 120_000,
});

/** Methods a lost response may safely repeat. */
export function isIdempotent(method: string): boolean {
  return method === "GET" || method === "DELETE" || method === "HEAD" || method === "PUT";
}

/**
 * Whether an HTTP status is worth another attempt: 429 and 503 always (Graph did not act), 504
 * only when the request is safe to repeat (`repeatable`: an idempotent method or operation).
 */
export function isRetryableStatus(status: number, repeatable: boolean): boolean {
  if (status === 429 || status === 503) return true;
  return status === 504 && repeatable;
}

/**
 * Exponential backoff with "equal jitter": half the step is fixed, half random.
 * `retry` counts from 0.
 *
 * @example The first waits with no randomness
 * ```ts
 * import { backoffMs } from "./retry_policy.ts";
 * console.log([0, 1, 2].map((n) => backoffMs(n, () => 0))); // [250, 500, 1000]
 * ```
 */
export function backoffMs(
  retry: number,
  random: () => number = Math.random,
  baseDelayMs: number = RETRY_DEFAULTS.baseDelayMs,
  maxDelayMs: number = RETRY_DEFAULTS.maxDelayMs,
): number {
  const step = Math.min(maxDelayMs, baseDelayMs * 2 ** retry);
  return Math.round(step / 2 + random() * step / 2);
}
