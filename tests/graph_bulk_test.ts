import assert from "node:assert/strict";
import type { BulkProgress } from "../lib/graph/bulk_result.ts";
import { IDS } from "./support/tenant.ts";
import { connectTo, emulatorSuite, type SharedEmulator } from "./support/graph_fixtures.ts";

const step = emulatorSuite("bulk removal");
const DELETE_PATH = "/v1.0/communications/calls/*/participants/*";

function pid(i: number): string {
  return `00000000-0000-4000-8000-${i.toString(16).padStart(12, "0")}`;
}

async function seedCall(s: SharedEmulator, count: number, extra: { bot?: boolean } = {}) {
  const participants: { id: string; identity: Record<string, unknown> }[] = Array.from(
    { length: count },
    (_, i) => ({ id: pid(i), identity: { user: { id: pid(i), displayName: `User ${i}` } } }),
  );
  if (extra.bot) {
    participants.push({
      id: "b0000000-0000-4000-8000-000000000000",
      identity: { application: { id: IDS.clientId, displayName: "Meeting bot" } },
    });
  }
  await s.reset({ calls: [{ id: IDS.callId, appId: IDS.clientId, participants }] });
}

function roster(s: SharedEmulator): Map<string, unknown> {
  return s.emulator.state.tenant(IDS.tenantId)!.calls.get(IDS.callId)!.participants;
}

step(
  "500 participants with 429, 503 and dropped responses injected: every item accounted for once, none removed twice",
  async (s) => {
    await seedCall(s, 500);
    s.emulator.state.faults = [
      {
        method: "DELETE",
        path: DELETE_PATH,
        status: 429,
        retryAfter: 1,
        probability: 0.15,
        seed: 7,
      },
      { method: "DELETE", path: DELETE_PATH, status: 503, probability: 0.05, seed: 8 },
      { method: "DELETE", path: DELETE_PATH, drop: true, probability: 0.05, seed: 9 },
    ];
    const graph = await connectTo(s.emulator, s.cert, {
      now: s.clock.now,
      sleep: s.clock.sleep,
      random: () => 0.5,
      maxRetries: 10,
    });
    const items = Array.from(
      { length: 500 },
      (_, i) => ({ callId: IDS.callId, participantId: pid(i) }),
    );
    items.push({ callId: IDS.callId, participantId: "never-there" });
    const progress: BulkProgress[] = [];
    const result = await graph.removeMany(items, {
      concurrency: 8,
      onProgress: (p) => progress.push(p),
    });
    assert.equal(result.items.length, 501);
    assert.deepEqual(result.items.map((i) => i.participantId), items.map((i) => i.participantId));
    assert.equal(result.removed + result.alreadyGone + result.failed, 501);
    assert.equal(
      result.failed,
      0,
      JSON.stringify(result.items.filter((i) => i.outcome === "failed")),
    );
    assert.equal(result.items.at(-1)!.outcome, "alreadyGone");
    assert.equal(roster(s).size, 0);
    assert.equal(progress.length, 501);
    assert.equal(progress.at(-1)!.done, 501);
    // The faults really fired, and no participant was removed twice (one 204 or dropped 200 each).
    const sent = s.emulator.requests.filter((r) => r.method === "DELETE");
    assert.ok(sent.some((r) => r.status === 429) && sent.some((r) => r.status === 503));
    // Per participant: one DELETE acted (a 204, or a dropped answer, which the emulator logs as
    // 200 after acting); nothing acted after that (a repeat of a dropped DELETE also logs 200, so
    // a 204 after any acting answer would mean a second removal).
    const byPath = new Map<string, number[]>();
    for (const r of sent) byPath.set(r.path, [...(byPath.get(r.path) ?? []), r.status]);
    assert.equal([...byPath.keys()].filter((p) => !p.endsWith("never-there")).length, 500);
    for (const [path, statuses] of byPath) {
      if (path.endsWith("never-there")) continue;
      const first = statuses.findIndex((x) => x === 204 || x === 200);
      assert.ok(first >= 0, `${path}: ${statuses}`);
      assert.ok(!statuses.slice(first + 1).includes(204), `${path}: ${statuses}`);
    }
    // Every participant whose answer was dropped is reported already gone; the others removed.
    const droppedPaths = [...byPath.values()].filter((st) => st.includes(200)).length;
    assert.ok(droppedPaths > 0);
    assert.equal(result.alreadyGone, droppedPaths + 1);
    assert.ok(s.clock.sleeps.length > 0);
  },
);

step("concurrency is bounded", async (s) => {
  await seedCall(s, 30);
  let inFlight = 0;
  let peak = 0;
  const graph = await connectTo(s.emulator, s.cert, {
    fetch: async (input, init) => {
      inFlight++;
      peak = Math.max(peak, inFlight);
      try {
        return await fetch(input, init);
      } finally {
        inFlight--;
      }
    },
  });
  const result = await graph.call(IDS.callId).removeMany(
    Array.from({ length: 30 }, (_, i) => pid(i)),
    { concurrency: 3 },
  );
  assert.equal(result.removed, 30);
  assert.ok(peak <= 3 && peak >= 2, `peak ${peak}`);
});

step("removeAllExcept removes everyone but the app and the kept ids", async (s) => {
  await seedCall(s, 12, { bot: true });
  const graph = await connectTo(s.emulator, s.cert);
  const result = await graph.call(IDS.callId).removeAllExcept({ keep: [pid(3)] });
  assert.equal(result.removed, 11);
  assert.deepEqual(result.kept.sort(), ["b0000000-0000-4000-8000-000000000000", pid(3)].sort());
  assert.deepEqual([...roster(s).keys()].sort(), result.kept.sort());
});

step(
  "after a policy refusal no new request starts and every item fails with that error",
  async (s) => {
    await seedCall(s, 40);
    s.emulator.state.tenant(IDS.tenantId)!.allowRemoveParticipantAppIds.clear();
    const graph = await connectTo(s.emulator, s.cert);
    const result = await graph.call(IDS.callId).removeMany(
      Array.from({ length: 40 }, (_, i) => pid(i)),
      { concurrency: 4 },
    );
    assert.equal(result.failed, 40);
    assert.ok(result.items.every((i) => i.error?.code === "policy_denied"));
    const sent = s.emulator.requests.filter((r) => r.method === "DELETE").length;
    assert.ok(sent <= 4, `sent ${sent}`);
  },
);

step("batch mode sends JSON batches of 20 and retries throttled items", async (s) => {
  await seedCall(s, 45);
  s.emulator.state.faults = [
    { method: "DELETE", path: DELETE_PATH, status: 429, retryAfter: 2, probability: 0.2, seed: 3 },
  ];
  const graph = await connectTo(s.emulator, s.cert, { now: s.clock.now, sleep: s.clock.sleep });
  const items = Array.from(
    { length: 45 },
    (_, i) => ({ callId: IDS.callId, participantId: pid(i) }),
  );
  const result = await graph.removeMany(items, { batch: true, concurrency: 2 });
  assert.equal(result.removed, 45);
  assert.deepEqual(result.items.map((i) => i.participantId), items.map((i) => i.participantId));
  assert.equal(roster(s).size, 0);
  const batches = s.emulator.requests.filter((r) => r.path === "/v1.0/$batch");
  assert.ok(batches.length > 3, "throttled items were sent again");
  assert.ok(s.clock.sleeps.every((ms) => ms === 2000));
});

step(
  "stop: no new item starts, requests in flight finish, and the rest are reported notStarted",
  async (s) => {
    await seedCall(s, 40);
    const stop = new AbortController();
    const graph = await connectTo(s.emulator, s.cert);
    const ids = Array.from({ length: 40 }, (_, i) => pid(i));
    // Stop after the 10th item finishes, while 3 others are still in flight.
    const result = await graph.call(IDS.callId).removeMany(ids, {
      concurrency: 4,
      stop: stop.signal,
      onProgress: (p) => {
        if (p.done === 10) stop.abort();
      },
    });
    assert.equal(result.items.length, 40);
    assert.deepEqual(result.items.map((i) => i.participantId), ids);
    const started = result.items.filter((i) => i.outcome !== "notStarted");
    assert.ok(started.length >= 10 && started.length <= 13, `started ${started.length}`);
    assert.ok(started.every((i) => i.outcome === "removed" && i.requestId));
    assert.equal(result.notStarted, 40 - started.length);
    assert.equal(result.removed + result.notStarted!, 40);
    // Exactly the started items reached the emulator; the unstarted ones are still in the call.
    const sent = s.emulator.requests.filter((r) => r.method === "DELETE");
    assert.equal(sent.length, started.length);
    assert.equal(roster(s).size, 40 - started.length);
    assert.ok(result.items.filter((i) => i.outcome === "notStarted").every((i) => !i.error));
  },
);
