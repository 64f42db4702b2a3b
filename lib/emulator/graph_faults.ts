/**
 * Fault injection for the emulated Graph: rules from `state.faults` (read on every request, so the
 * admin API can replace them live) that answer 429/503 with `Retry-After`, add latency, drop the
 * connection, or send a malformed JSON body or an HTML error page.
 *
 * A rule matches a method (`*` or absent: any) and a path with `*` wildcards (a `*` matches any
 * run of characters, `/` included). `times` counts per rule; `probability` draws from a PRNG
 * seeded by `seed`, one stream per rule, so runs repeat exactly.
 *
 * Semantics (documented assumptions):
 * - a `status` fault answers instead of the real route: the request is NOT processed;
 * - `drop: true` processes the request, then loses the answer (the worst case for a client:
 *   the change happened, the client cannot know), by breaking the body mid-response;
 * - `body` without `status` processes the request and replaces its answer's body; with `status`
 *   it answers that status with that body, unprocessed;
 * - `latencyMs` waits (at most {@link MAX_LATENCY_MS}; the wait ends if the client goes away),
 *   then lets the other effects of the rule, or the real route, answer.
 *
 * @module
 */

import type { FaultSpec } from "./state.ts";

/** The longest latency a rule may add, ms. */
export const MAX_LATENCY_MS = 60_000;

/** What one request is to suffer. */
export interface FaultEffect {
  /** The rule that matched. */
  rule: FaultSpec;
}

const counters = new WeakMap<FaultSpec, number>();
const prngs = new WeakMap<FaultSpec, () => number>();

/** mulberry32: a small seeded PRNG, in [0, 1). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Whether a `*` pattern matches a path (whole string). */
export function pathMatches(pattern: string, path: string): boolean {
  const re = new RegExp(
    "^" + pattern.split("*").map((s) => s.replace(/[.+?^${}()|[\]\\]/g, "\\$&")).join(".*") +
      "$",
  );
  return re.test(path);
}

/**
 * The first rule that applies to this request, counting it. A rule whose `times` is used up, or
 * whose draw fails, does not apply and the next rule is tried.
 */
export function pickFault(
  faults: readonly FaultSpec[] | undefined,
  method: string,
  path: string,
): FaultSpec | undefined {
  for (const rule of faults ?? []) {
    if (!rule || typeof rule.path !== "string") continue;
    const m = (rule.method ?? "*").toUpperCase();
    if (m !== "*" && m !== method.toUpperCase()) continue;
    if (!pathMatches(rule.path, path)) continue;
    const used = counters.get(rule) ?? 0;
    if (typeof rule.times === "number" && used >= rule.times) continue;
    if (typeof rule.probability === "number") {
      let draw = prngs.get(rule);
      if (!draw) prngs.set(rule, draw = seededRandom(rule.seed ?? 1));
      if (draw() >= rule.probability) continue;
    }
    counters.set(rule, used + 1);
    return rule;
  }
  return undefined;
}

/** How many times a rule has applied so far. */
export function faultCount(rule: FaultSpec): number {
  return counters.get(rule) ?? 0;
}

/** Checks fault rules (state file, admin API); throws a message naming the field. */
export function checkFaults(value: unknown): FaultSpec[] {
  if (!Array.isArray(value)) throw new TypeError("faults: must be an array");
  value.forEach((r, i) => {
    const at = `faults[${i}]`;
    if (typeof r !== "object" || r === null) throw new TypeError(`${at}: must be an object`);
    const rule = r as Record<string, unknown>;
    if (typeof rule.path !== "string") throw new TypeError(`${at}.path: must be a string`);
    if (rule.status !== undefined && !(Number.isInteger(rule.status))) {
      throw new TypeError(`${at}.status: must be an integer`);
    }
    if (
      rule.retryAfter !== undefined && typeof rule.retryAfter !== "number" &&
      typeof rule.retryAfter !== "string"
    ) throw new TypeError(`${at}.retryAfter: seconds or an HTTP date`);
    if (
      rule.probability !== undefined &&
      !(typeof rule.probability === "number" && rule.probability >= 0 && rule.probability <= 1)
    ) throw new TypeError(`${at}.probability: a number from 0 to 1`);
    if (rule.body !== undefined && rule.body !== "malformedJson" && rule.body !== "html") {
      throw new TypeError(`${at}.body: "malformedJson" or "html"`);
    }
  });
  return value as FaultSpec[];
}

/** An abortable sleep for latency faults. */
export function latency(ms: number, signal?: AbortSignal): Promise<void> {
  const wait = Math.max(0, Math.min(ms, MAX_LATENCY_MS));
  return new Promise((resolve) => {
    if (signal?.aborted || wait === 0) return resolve();
    const timer = setTimeout(done, wait);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    }
    signal?.addEventListener("abort", done, { once: true });
  });
}

/** A response whose body breaks mid-way: the client sees the connection drop. */
export function droppedResponse(): Response {
  const body = new ReadableStream<Uint8Array>({
    start(c) {
      c.enqueue(new TextEncoder().encode("{"));
      c.close();
    },
  });
  // The announced length is never delivered, so the server closes the connection early.
  return new Response(body, { status: 200, headers: { "content-length": "4096" } });
}

/** A body that is not valid JSON, announced as JSON. */
export function malformedJsonResponse(status: number, headers: Headers): Response {
  headers.set("content-type", "application/json");
  return new Response('{"error": {"code": "', { status, headers });
}

/** An HTML error page, as a gateway in front of Graph sends. */
export function htmlErrorResponse(status: number, headers: Headers): Response {
  headers.set("content-type", "text/html; charset=utf-8");
  return new Response(
    `<!DOCTYPE html><html><head><title>${status} Service Unavailable</title></head>` +
      `<body><h1>Service Unavailable</h1><p>The service is temporarily unavailable.</p></body></html>`,
    { status, headers },
  );
}
