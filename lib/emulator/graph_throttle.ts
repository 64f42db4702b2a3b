/**
 * The emulated Graph rate limit: a token bucket per (tenant, app) at `state.throttle
 * .requestsPerSecond` (read on every request), driven by the emulator's clock. The bucket holds
 * one second's worth of requests; past it Graph answers 429 with `Retry-After` in whole seconds,
 * rounded up.
 *
 * @module
 */

import type { EmulatorState } from "./state.ts";

interface Bucket {
  rate: number;
  tokens: number;
  last: number;
}

const buckets = new WeakMap<EmulatorState, Map<string, Bucket>>();

/**
 * Takes one request from the (tenant, app) bucket. Returns undefined when allowed, or the
 * `Retry-After` in seconds when the limit is exceeded.
 */
export function takeToken(
  state: EmulatorState,
  tenantId: string,
  appId: string,
  now: number,
): number | undefined {
  const rate = state.throttle?.requestsPerSecond;
  if (typeof rate !== "number" || !(rate > 0)) return undefined;
  let perState = buckets.get(state);
  if (!perState) buckets.set(state, perState = new Map());
  const key = `${tenantId.toLowerCase()}|${appId.toLowerCase()}`;
  let bucket = perState.get(key);
  if (!bucket || bucket.rate !== rate) {
    bucket = { rate, tokens: Math.max(1, rate), last: now };
    perState.set(key, bucket);
  }
  const elapsed = Math.max(0, now - bucket.last) / 1000;
  bucket.tokens = Math.min(Math.max(1, rate), bucket.tokens + elapsed * rate);
  bucket.last = now;
  if (bucket.tokens >= 1) {
    bucket.tokens -= 1;
    return undefined;
  }
  return Math.max(1, Math.ceil((1 - bucket.tokens) / rate));
}
