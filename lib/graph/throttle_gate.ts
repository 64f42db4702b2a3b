/**
 * The client's pacing under Graph's rate limit, learned from its 429s.
 *
 * 1. The gate: when one request is told to wait (`429` or `503`: its `Retry-After`, else
 *    backoff), the whole client waits with it. No request starts until the wait is over, so
 *    requests already known to fail are not sent, and the client's requests resume together
 *    instead of one by one. Requests in flight when the first 429 came get their own 429s and
 *    wait their own `Retry-After` (every retry waits what the server asked for); the others wait
 *    for the last of those waits, without a timer of their own.
 * 2. The learned rate (`pacing: "learned"`): Graph's limits behave like a token bucket per app
 *    and tenant, empty whenever it answers 429. So the successes between the starts of two
 *    throttled episodes are what the limit refilled between them: their count over the time
 *    between is the rate (less the time the gate opened late: the limit, full by the end of its
 *    `Retry-After`, refilled nothing meanwhile). From then on the client keeps a bucket of its own, a little slower
 *    than that rate and holding one second of it, and a request starts only with a token from
 *    it: the client stops meeting 429s, and no longer loses the rest of a whole-second
 *    `Retry-After` when the limit had room again after a fraction of it. A new 429 learns the
 *    rate again; a quiet spell ({@link FORGET_AFTER_MS} without any 429) forgets it.
 *
 * Without an injected clock the default is `"learned"`; with one (`now` or `sleep`) it is
 * `"retry-after"` (the gate alone), so that a test's clock sees only the waits the server asked
 * for unless it asks for the pacer.
 *
 * @module
 */

import type { Sleep } from "../sleep.ts";

/** How the client paces itself under a rate limit. */
export type Pacing = "learned" | "retry-after";

/** The learned rate is used at this fraction, so the client stays under the limit. */
export const PACING_MARGIN = 0.98;

/** A learned rate is forgotten after this long without a 429, ms. */
export const FORGET_AFTER_MS = 30_000;

/**
 * A rate is learned only from two episodes this close, ms, with at least {@link MIN_LEARN_OK}
 * successes between: a client that kept the limit busy. Sporadic 429s teach nothing.
 */
export const LEARN_WINDOW_MS = 5_000;

/** The fewest successes between two episodes that a rate is learned from. */
export const MIN_LEARN_OK = 10;

/** One client's gate and pacer. */
export class ThrottleGate {
  readonly #now: () => number;
  readonly #sleep: Sleep;
  readonly #learn: boolean;
  #until = 0;
  #open: Promise<void> | undefined;
  // Learning: when the current throttled episode began, and successes since.
  #episodeAt: number | undefined;
  #okSince = 0;
  // How late the gate opened past its waits in this episode (a busy machine's timers): the limit
  // was full and refilled nothing meanwhile, so that time does not count for the rate.
  #late = 0;
  #lateCounted = -1;
  #last429 = 0;
  // Pacing: the learned rate (per ms) and the client's own bucket.
  #rate: number | undefined;
  #tokens = 0;
  #refilledAt = 0;

  /** A gate on the client's clock and wait; `pacing` turns the learned rate on or off. */
  constructor(now: () => number, sleep: Sleep, pacing: Pacing = "learned") {
    this.#now = now;
    this.#sleep = sleep;
    this.#learn = pacing === "learned";
  }

  /** Whether requests must wait now (a throttled request's wait is not over). */
  get closed(): boolean {
    return this.#open !== undefined;
  }

  /** The rate the client paces itself at, requests per second, when it learned one. */
  get rate(): number | undefined {
    return this.#rate === undefined ? undefined : this.#rate * 1000;
  }

  /** Told of every answer that was not a throttle (it counts for the rate). */
  succeeded(): void {
    this.#okSince++;
  }

  /**
   * A throttled request's wait of `ms` (the server's `Retry-After`, else backoff): it sleeps that
   * long, and the gate stays closed at least until then. The first 429 of an episode (the gate
   * was open) learns the rate.
   */
  async hold(ms: number, signal?: AbortSignal): Promise<void> {
    const now = this.#now();
    if (!this.#open) this.#learnAt(now);
    this.#last429 = now;
    const until = now + ms;
    const wait = this.#sleep(ms, signal);
    if (!this.#open || until >= this.#until) {
      this.#until = until;
      // The gate opens when the longest wait is over, even when the one who closed it aborted.
      const open = wait.catch(() => {});
      this.#open = open;
      open.then(() => {
        if (this.#open === open) this.#open = undefined;
      });
    }
    await wait;
    if (this.#until === until && this.#lateCounted !== until) {
      this.#lateCounted = until;
      this.#late += Math.max(0, this.#now() - until);
    }
  }

  #learnAt(now: number): void {
    if (!this.#learn) return;
    const since = this.#episodeAt === undefined ? Infinity : now - this.#episodeAt - this.#late;
    if (since > 0 && since <= LEARN_WINDOW_MS && this.#okSince >= MIN_LEARN_OK) {
      this.#rate = (this.#okSince / since) * PACING_MARGIN;
    }
    this.#episodeAt = now;
    this.#okSince = 0;
    this.#late = 0;
    // The limit was empty just now: so is the client's own bucket.
    this.#tokens = 0;
    this.#refilledAt = now;
  }

  /**
   * Resolves when a request may start: once the gate is open and, with a learned rate, with a
   * token of the client's bucket. Rejects with the signal's reason when it aborts first.
   */
  async pass(signal?: AbortSignal): Promise<void> {
    while (this.#open) {
      if (signal?.aborted) throw signal.reason;
      const open = this.#open;
      await untilAborted(open, signal);
      // A later 429 may have moved the opening; wait for that one too.
      if (this.#open === open) break;
    }
    if (this.#rate === undefined) return;
    const now = this.#now();
    if (now - this.#last429 > FORGET_AFTER_MS) {
      this.#rate = undefined;
      this.#episodeAt = undefined;
      return;
    }
    const capacity = this.#rate * 1000;
    this.#tokens = Math.min(capacity, this.#tokens + (now - this.#refilledAt) * this.#rate);
    this.#refilledAt = now;
    this.#tokens -= 1;
    // Below zero, the token is a reservation: wait until the bucket has refilled to it.
    if (this.#tokens < 0) await this.#sleep(Math.ceil(-this.#tokens / this.#rate), signal);
  }
}

function untilAborted(promise: Promise<void>, signal: AbortSignal | undefined): Promise<void> {
  if (!signal) return promise;
  return new Promise<void>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(() => {
      signal.removeEventListener("abort", onAbort);
      resolve();
    });
  });
}
