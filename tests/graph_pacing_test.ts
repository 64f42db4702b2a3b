/**
 * The client's pacing under a rate limit (lib/graph/throttle_gate.ts): the gate that holds every
 * request while a throttled one waits, and the rate learned from two throttled episodes. On the
 * emulator, the client and the emulator share one fake clock moved only by the client's waits
 * (concurrency 1, so waits do not overlap), so the figures are exact on any machine.
 */

import assert from "node:assert/strict";
import { FORGET_AFTER_MS, PACING_MARGIN, ThrottleGate } from "../lib/graph/throttle_gate.ts";
import type { Pacing } from "../lib/graph/throttle_gate.ts";
import { fakeClock } from "./support/graph_fixtures.ts";
import { connectTo } from "./support/graph_fixtures.ts";
import { IDS, startTestEmulator } from "./support/tenant.ts";

function pid(i: number): string {
  return `00000000-0000-4000-8000-${i.toString(16).padStart(12, "0")}`;
}

async function removeUnderLimit(pacing: Pacing, count: number, rate: number) {
  const ids = Array.from({ length: count }, (_, i) => pid(i));
  const clock = fakeClock();
  await using t = await startTestEmulator({
    clock: clock.now,
    tenant: {
      calls: [{
        id: IDS.callId,
        appId: IDS.clientId,
        participants: ids.map((id) => ({ id, identity: { user: { id, displayName: id } } })),
      }],
    },
  });
  const retryWaits: number[] = [];
  const graph = await connectTo(t.emulator, t.cert, {
    now: clock.now,
    sleep: clock.sleep,
    pacing,
    onTrace: (e) => {
      if (e.type === "retry") retryWaits.push(e.delayMs!);
    },
  });
  await graph.credential.getToken();
  t.emulator.setThrottle(rate);
  const started = clock.now();
  const result = await graph.call(IDS.callId).removeMany(ids, { concurrency: 1 });
  const elapsedMs = clock.now() - started;
  const deletes = t.emulator.requests.filter((r) => r.method === "DELETE");
  const roster = t.emulator.state.tenant(IDS.tenantId)!.calls.get(IDS.callId)!.participants;
  return {
    result,
    elapsedMs,
    retryWaits,
    sleeps: [...clock.sleeps],
    throttled: deletes.filter((d) => d.status === 429).length,
    removedOnce: deletes.filter((d) => d.status === 204).length === count,
    rosterLeft: roster.size,
  };
}

Deno.test("with a learned rate, a bulk removal meets two 429s and ends near the limit's floor", async () => {
  const count = 1_000;
  const rate = 100;
  const r = await removeUnderLimit("learned", count, rate);
  assert.equal(r.result.removed, count);
  assert.equal(r.result.failed, 0);
  assert.ok(r.removedOnce, "each participant removed exactly once");
  assert.equal(r.rosterLeft, 0);
  assert.equal(r.throttled, 2, "one 429 to find the limit, one to measure its rate");
  assert.deepEqual(r.retryWaits, [1000, 1000], "every retry waits the Retry-After");
  assert.ok(r.sleeps.some((ms) => ms < 1000), "the rest of the run is paced");
  const floor = ((count - rate) / rate) * 1000;
  assert.ok(r.elapsedMs >= floor, `${r.elapsedMs} ms is not below the floor`);
  assert.ok(r.elapsedMs <= floor * 1.05, `${r.elapsedMs} ms within 1.05x of ${floor} ms`);
});

Deno.test("with Retry-After only, the same removal goes in rounds of a whole second each", async () => {
  const count = 1_000;
  const rate = 100;
  const r = await removeUnderLimit("retry-after", count, rate);
  assert.equal(r.result.removed, count);
  assert.ok(r.removedOnce);
  assert.equal(r.throttled, (count - rate) / rate, "one 429 per round");
  assert.ok(r.sleeps.every((ms) => ms === 1000), "only the server's waits");
});

Deno.test("the gate holds every request while a throttled one waits, and opens after the longest wait", async () => {
  const clock = fakeClock(0);
  let release!: () => void;
  const slow = new Promise<void>((r) => release = r);
  const sleeps: number[] = [];
  const gate = new ThrottleGate(clock.now, (ms) => {
    sleeps.push(ms);
    return ms === 2000 ? slow : Promise.resolve();
  }, "retry-after");
  const held = gate.hold(2000);
  assert.equal(gate.closed, true);
  let passed = false;
  const waiting = gate.pass().then(() => passed = true);
  await Promise.resolve();
  assert.equal(passed, false, "no request starts while the gate is closed");
  release();
  await held;
  await waiting;
  assert.equal(passed, true);
  assert.equal(gate.closed, false);
  assert.deepEqual(sleeps, [2000], "the waiting request set no timer of its own");
});

Deno.test("a request waiting at the gate stops when its signal aborts", async () => {
  const clock = fakeClock(0);
  const never = new Promise<void>(() => {});
  const gate = new ThrottleGate(clock.now, () => never, "retry-after");
  void gate.hold(1000);
  const abort = new AbortController();
  const waiting = gate.pass(abort.signal);
  abort.abort(new Error("stopped"));
  await assert.rejects(waiting, /stopped/);
});

Deno.test("the rate is learned from two close episodes, used with a margin, and forgotten after a quiet spell", async () => {
  const clock = fakeClock(0);
  const gate = new ThrottleGate(clock.now, clock.sleep, "learned");
  await gate.hold(1000); // episode 1 at t=0; the clock moves to 1000
  for (let i = 0; i < 250; i++) gate.succeeded();
  clock.advance(250); // episode 2 at t=1250: 250 successes in 1.25 s
  await gate.hold(1000);
  assert.equal(gate.rate, 200 * PACING_MARGIN);
  clock.advance(FORGET_AFTER_MS + 1);
  await gate.pass();
  assert.equal(gate.rate, undefined);
});

Deno.test("sporadic 429s far apart teach no rate", async () => {
  const clock = fakeClock(0);
  const gate = new ThrottleGate(clock.now, clock.sleep, "learned");
  await gate.hold(1000);
  for (let i = 0; i < 50; i++) gate.succeeded();
  clock.advance(60_000);
  await gate.hold(1000);
  assert.equal(gate.rate, undefined);
  const before = clock.sleeps.length;
  await gate.pass();
  assert.equal(clock.sleeps.length, before, "no pacing wait");
});

Deno.test("a gate that opened late (a busy machine's timer) does not lower the learned rate", async () => {
  let t = 0;
  const lateBy = 100;
  const gate = new ThrottleGate(() => t, (ms) => {
    t += ms + lateBy;
    return Promise.resolve();
  }, "learned");
  await gate.hold(1000); // episode 1 at t=0; opens at 1100 instead of 1000
  for (let i = 0; i < 250; i++) gate.succeeded();
  t += 250; // episode 2 at t=1350: 250 successes in 1.25 s of refill
  await gate.hold(1000);
  assert.equal(gate.rate, 200 * PACING_MARGIN);
});
