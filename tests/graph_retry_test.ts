import assert from "node:assert/strict";
import { GraphcallError, GraphError } from "../lib/errors.ts";
import type { GraphTraceEvent } from "../lib/graph/graph_http.ts";
import { user } from "../lib/graph/identities.ts";
import { parseRetryAfter } from "../lib/retry_after.ts";
import { backoffMs } from "../lib/graph/retry_policy.ts";
import { IDS } from "./support/tenant.ts";
import { connectTo, emulatorSuite, type SharedEmulator } from "./support/graph_fixtures.ts";

const step = emulatorSuite("retries against emulator faults, on an injected clock");
const DELETE_PATH = "/v1.0/communications/calls/*/participants/*";
const LIST_PATH = `/v1.0/communications/calls/${IDS.callId}/participants`;

function client(s: SharedEmulator, extra: Parameters<typeof connectTo>[2] = {}) {
  return connectTo(s.emulator, s.cert, {
    now: s.clock.now,
    sleep: s.clock.sleep,
    random: () => 0,
    ...extra,
  });
}

function deletes(s: SharedEmulator) {
  return s.emulator.requests.filter((r) => r.method === "DELETE");
}

Deno.test("Retry-After is read as seconds or an HTTP date; backoff doubles with jitter", () => {
  assert.equal(parseRetryAfter("7", 0), 7000);
  assert.equal(parseRetryAfter(new Date(10_000).toUTCString(), 4000), 6000);
  assert.equal(parseRetryAfter(new Date(1000).toUTCString(), 4000), 0);
  assert.equal(parseRetryAfter("soon", 0), undefined);
  assert.equal(parseRetryAfter(null, 0), undefined);
  assert.deepEqual([0, 1, 2, 3].map((n) => backoffMs(n, () => 0)), [250, 500, 1000, 2000]);
  assert.deepEqual([0, 1].map((n) => backoffMs(n, () => 0.999999)), [500, 1000]);
  assert.equal(backoffMs(20, () => 1), 30_000);
});

step("Retry-After in seconds is honoured, and the retry keeps the client-request-id", async (s) => {
  s.emulator.state.faults = [{
    method: "DELETE",
    path: DELETE_PATH,
    status: 429,
    retryAfter: 7,
    times: 2,
  }];
  const graph = await client(s);
  const r = await graph.call(IDS.callId).remove(IDS.adele);
  assert.equal(r.status, 204);
  assert.equal(r.attempts, 3);
  assert.deepEqual(s.clock.sleeps, [7000, 7000]);
  const sent = deletes(s);
  assert.deepEqual(sent.map((d) => d.status), [429, 429, 204]);
  assert.ok(sent.every((d) => d.clientRequestId === r.clientRequestId));
});

step("Retry-After as an HTTP date is honoured", async (s) => {
  const at = new Date(Math.ceil(s.clock.now() / 1000) * 1000 + 5000);
  s.emulator.state.faults = [{
    method: "GET",
    path: LIST_PATH,
    status: 503,
    retryAfter: at.toUTCString(),
    times: 1,
  }];
  const graph = await client(s);
  const ids = [];
  for await (const p of graph.call(IDS.callId).participants()) ids.push(p.id);
  assert.equal(ids.length, 2);
  assert.equal(s.clock.sleeps.length, 1);
  assert.equal(s.clock.sleeps[0], at.getTime() - (s.clock.now() - s.clock.sleeps[0]!));
  assert.ok(s.clock.sleeps[0]! >= 5000 && s.clock.sleeps[0]! <= 6000);
});

step("503 without Retry-After, then success, waits an exponential backoff", async (s) => {
  s.emulator.state.faults = [{ method: "DELETE", path: DELETE_PATH, status: 503, times: 2 }];
  const graph = await client(s);
  const r = await graph.call(IDS.callId).remove(IDS.adele);
  assert.equal(r.status, 204);
  assert.deepEqual(s.clock.sleeps, [250, 500]);
});

step("retries exhausted end as throttled with the last request-id", async (s) => {
  s.emulator.state.faults = [{ method: "DELETE", path: DELETE_PATH, status: 429, retryAfter: 1 }];
  const events: GraphTraceEvent[] = [];
  const graph = await client(s, { maxRetries: 3, onTrace: (e) => events.push(e) });
  await assert.rejects(graph.call(IDS.callId).remove(IDS.adele), (e: unknown) => {
    assert.ok(e instanceof GraphError);
    assert.equal(e.code, "throttled");
    assert.equal(e.status, 429);
    assert.equal(e.graphCode, "TooManyRequests");
    const responses = events.filter((x) => x.type === "response");
    assert.equal(responses.length, 4);
    assert.equal(e.requestId, responses.at(-1)!.headers!["request-id"]);
    assert.notEqual(e.requestId, responses[0]!.headers!["request-id"]);
    return true;
  });
  assert.deepEqual(s.clock.sleeps, [1000, 1000, 1000]);
  assert.equal(deletes(s).length, 4);
});

step("a Retry-After beyond the overall timeout is not waited for", async (s) => {
  s.emulator.state.faults = [{
    method: "DELETE",
    path: DELETE_PATH,
    status: 429,
    retryAfter: 3600,
  }];
  const graph = await client(s, { overallTimeoutMs: 60_000 });
  await assert.rejects(graph.call(IDS.callId).remove(IDS.adele), (e: unknown) => {
    assert.equal((e as GraphError).code, "throttled");
    assert.match((e as GraphError).message, /overall timeout/);
    return true;
  });
  assert.deepEqual(s.clock.sleeps, []);
});

step("a lost response followed by 404 is 'already removed'", async (s) => {
  s.emulator.state.faults = [{ method: "DELETE", path: DELETE_PATH, drop: true, times: 1 }];
  const graph = await client(s);
  const r = await graph.call(IDS.callId).remove(IDS.adele);
  assert.equal(r.alreadyRemoved, true);
  assert.equal(r.status, 404);
  assert.equal(r.attempts, 2);
  assert.deepEqual(deletes(s).map((d) => d.status), [200, 404]);
});

step("network errors are retried for GET and DELETE but not for an invite (POST)", async (s) => {
  s.emulator.state.faults = [{ method: "GET", path: LIST_PATH, drop: true, times: 1 }];
  const graph = await client(s);
  const ids = [];
  for await (const p of graph.call(IDS.callId).participants()) ids.push(p.id);
  assert.equal(ids.length, 2);
  s.emulator.state.faults = [{ method: "POST", path: "/v1.0/*", drop: true }];
  const before = s.emulator.requests.length;
  await assert.rejects(graph.call(IDS.callId).invite([user(IDS.adeleUser)]), (e: unknown) => {
    assert.equal((e as GraphError).code, "network");
    return true;
  });
  assert.equal(s.emulator.requests.length - before, 1);
});

step("an attempt that outlasts timeoutMs fails as timeout", async (s) => {
  s.emulator.state.faults = [{ method: "GET", path: LIST_PATH, latencyMs: 10_000 }];
  const graph = await client(s, { timeoutMs: 50, maxRetries: 0 });
  await assert.rejects(
    (async () => {
      for await (const _ of graph.call(IDS.callId).participants()) { /* none */ }
    })(),
    (e: unknown) => (e as GraphError).code === "timeout",
  );
});

step("an HTML 503 page ends, after retries, as service_error saying so", async (s) => {
  s.emulator.state.faults = [{ method: "DELETE", path: DELETE_PATH, status: 503, body: "html" }];
  const graph = await client(s, { maxRetries: 1 });
  await assert.rejects(graph.call(IDS.callId).remove(IDS.adele), (e: unknown) => {
    assert.equal((e as GraphError).code, "service_error");
    assert.match((e as GraphError).message, /HTML/);
    assert.ok((e as GraphError).requestId);
    return true;
  });
});

step("the caller's AbortSignal stops the request and the retry waits", async (s) => {
  const graph = await client(s);
  const before = s.emulator.requests.length;
  const aborted = AbortSignal.abort();
  await assert.rejects(
    graph.call(IDS.callId).remove(IDS.adele, { signal: aborted }),
    (e: unknown) => e instanceof GraphcallError && e.code === "aborted",
  );
  assert.equal(s.emulator.requests.length, before);
  s.emulator.state.faults = [{ method: "DELETE", path: DELETE_PATH, status: 429, retryAfter: 1 }];
  const controller = new AbortController();
  const stopping = await connectTo(s.emulator, s.cert, {
    now: s.clock.now,
    sleep: (ms, signal) => {
      controller.abort();
      return s.clock.sleep(ms, signal);
    },
  });
  await assert.rejects(
    stopping.call(IDS.callId).remove(IDS.adele, { signal: controller.signal }),
    (e: unknown) => e instanceof GraphcallError && e.code === "aborted",
  );
});

step("the throttle's 429 with Retry-After is waited out on the shared clock", async (s) => {
  s.emulator.state.throttle = { requestsPerSecond: 1 };
  const graph = await client(s);
  const call = graph.call(IDS.callId);
  await call.remove(IDS.adele);
  const r = await call.remove(IDS.megan);
  assert.equal(r.status, 204);
  assert.deepEqual(s.clock.sleeps, [1000]);
});
