/**
 * Where a rate-limited bulk removal loses time against its floor: N removals (GC_COUNT, default
 * 2,000) over 40 calls with the emulator's throttle at R per second (GC_RATE, default 200) and
 * GC_CONCURRENCY workers (default 16) and the client's GC_PACING (`learned`, the default, or
 * `retry-after`), in one process on the real clock. Prints one JSON line:
 * the time against the floor (N − R)/R, the 429s, the client's waits (from the trace hook:
 * count, sum, and how many were whole seconds), and the capacity the bucket wasted while full
 * (reconstructed from the 204s' times: a second's worth of requests is all it holds).
 *
 * `deno run -A bench/tools/bulk_pacing_profile.ts`
 */

import { connect } from "../../mod.ts";
import { IDS, makeCredential, seedCalls, startBenchEmulator } from "../lib/fixture.ts";

const count = Number(Deno.env.get("GC_COUNT") ?? "2000");
const rate = Number(Deno.env.get("GC_RATE") ?? "200");
const concurrency = Number(Deno.env.get("GC_CONCURRENCY") ?? "16");
const pacing = Deno.env.get("GC_PACING") === "retry-after" ? "retry-after" : "learned";
const dir = await Deno.makeTempDir({ prefix: "graphcall-bench-" });
try {
  const cred = await makeCredential(dir);
  const emulator = await startBenchEmulator(cred);
  const waits: number[] = [];
  const client = await connect({
    tenantId: IDS.tenantId,
    clientId: IDS.clientId,
    certificate: { path: cred.pemPath },
    authorityUrl: emulator.authorityUrl,
    graphUrl: emulator.graphUrl,
    env: {},
    pacing,
    onTrace: (e) => {
      if (e.type === "retry" && e.delayMs !== undefined) waits.push(e.delayMs);
    },
  });
  await client.credential.getToken();
  const work = seedCalls(emulator, 40, count);
  emulator.setThrottle(rate);
  emulator.clearRequests();
  const t0 = performance.now();
  const start = Date.now();
  for (const w of work) {
    await client.call(w.callId).removeMany(w.participants, { concurrency });
  }
  const ms = performance.now() - t0;
  emulator.setThrottle(null);
  const deletes = emulator.requests.filter((r) => r.method === "DELETE");
  const ok = deletes.filter((r) => r.status === 204).map((r) => Date.parse(r.at) - start);
  const throttled = deletes.filter((r) => r.status === 429).length;
  // The bucket, replayed: full at start (R), refilled at R/s, capped at R; what the cap threw
  // away is capacity no request used.
  let tokens = rate;
  let last = 0;
  let wasted = 0;
  for (const at of ok) {
    const refill = ((at - last) / 1000) * rate;
    const room = rate - tokens;
    if (refill > room) wasted += refill - room;
    tokens = Math.min(rate, tokens + refill) - 1;
    last = at;
  }
  const floorMs = ((count - rate) / rate) * 1000;
  console.log(JSON.stringify({
    count,
    rate,
    concurrency,
    pacing,
    ms: Math.round(ms),
    floorMs,
    ratio: Number((ms / floorMs).toFixed(3)),
    deletes: deletes.length,
    throttled,
    waits: waits.length,
    waitSumMs: waits.reduce((a, b) => a + b, 0),
    wholeSecondWaits: waits.filter((w) => w % 1000 === 0).length,
    wastedCapacityRequests: Math.round(wasted),
    wastedMs: Math.round((wasted / rate) * 1000),
  }));
  await emulator.close();
} finally {
  await Deno.remove(dir, { recursive: true });
}
