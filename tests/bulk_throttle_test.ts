/**
 * A bulk removal of 5,000 participants against the emulator's rate limit: the emulator allows
 * 1,000 requests a second per app (answering 429 with `Retry-After: 1` past it) and the client
 * waits out every Retry-After. Time is the emulator's clock, moved only by the client's waits, so
 * the limit binds however fast or loaded this machine is (the real-time figure is the benchmark's:
 * `deno task bench`, "bulk under the rate limit"). None is lost: every item is accounted for once,
 * every participant removed exactly once (the emulator's log has one 204 per participant), and the
 * roster ends empty.
 *
 * `GRAPHCALL_BULK_COUNT` changes the count (default 5,000).
 */

import assert from "node:assert/strict";
import { IDS, startTestEmulator } from "./support/tenant.ts";
import { connectTo } from "./support/graph_fixtures.ts";

const COUNT = Number(Deno.env.get("GRAPHCALL_BULK_COUNT") ?? 5_000);
const RATE = 1_000;

function pid(i: number): string {
  return `00000000-0000-4000-8000-${i.toString(16).padStart(12, "0")}`;
}

Deno.test(`a bulk removal of ${COUNT} participants under a ${RATE}/s rate limit loses none`, async () => {
  const ids = Array.from({ length: COUNT }, (_, i) => pid(i));
  let now = Date.now();
  const waits: number[] = [];
  await using t = await startTestEmulator({
    clock: () => now,
    tenant: {
      calls: [{
        id: IDS.callId,
        appId: IDS.clientId,
        participants: ids.map((id) => ({ id, identity: { user: { id, displayName: id } } })),
      }],
    },
  });
  t.emulator.setThrottle(RATE);
  const graph = await connectTo(t.emulator, t.cert, {
    sleep: (ms) => {
      waits.push(ms);
      now += ms;
      return Promise.resolve();
    },
  });
  const started = performance.now();
  const result = await graph.call(IDS.callId).removeMany(ids, { concurrency: 32 });
  const seconds = (performance.now() - started) / 1000;

  assert.equal(result.items.length, COUNT);
  assert.deepEqual(result.items.map((i) => i.participantId), ids, "every item, in input order");
  assert.equal(result.failed, 0, JSON.stringify(result.items.find((i) => i.outcome === "failed")));
  assert.equal(result.removed, COUNT);
  assert.equal(result.alreadyGone, 0);
  const roster = t.emulator.state.tenant(IDS.tenantId)!.calls.get(IDS.callId)!.participants;
  assert.equal(roster.size, 0, "the roster is empty");

  const deletes = t.emulator.requests.filter((r) => r.method === "DELETE");
  const removedOnce = new Map<string, number>();
  for (const r of deletes.filter((d) => d.status === 204)) {
    const id = r.path.split("/").pop()!;
    removedOnce.set(id, (removedOnce.get(id) ?? 0) + 1);
  }
  assert.equal(removedOnce.size, COUNT);
  assert.ok([...removedOnce.values()].every((n) => n === 1), "each removed exactly once");
  const throttled = deletes.filter((d) => d.status === 429).length;
  assert.ok(throttled > 0, "the rate limit really applied");
  assert.ok(waits.length > 0 && waits.every((ms) => ms >= 1000), "every wait honours Retry-After");
  assert.deepEqual(
    [...new Set(deletes.map((d) => d.status))].sort(),
    throttled ? [204, 429] : [204],
  );
  console.log(
    `bulk ${COUNT} under ${RATE}/s: ${seconds.toFixed(1)} s, ${waits.length} waits, ` +
      `${deletes.length} DELETEs ` +
      `(${throttled} answered 429), removed ${result.removed}, failed ${result.failed}`,
  );
});
