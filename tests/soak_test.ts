/**
 * A bounded soak against the emulator (see tests/support/soak.ts): concurrent loopback clients
 * for GRAPHCALL_SOAK_SECONDS (default 5 here; `deno task soak` runs 60), every answer as
 * expected, and the emulator's memory flat. "Flat" is judged where a leak shows: the heap after
 * a GC barely moves (a retained object per request would add tens of MB here). RSS is held to a
 * looser bound: it climbs for the first hundred thousand requests or so while V8 and the
 * allocator size their pools to the load, then levels off near 150 MB (a 40-second run alone:
 * 108 -> 142-155 MB, heap 11.3 -> 12.8 MB); on a busy machine that climb spans the whole run.
 */

import assert from "node:assert/strict";
import { mb, runSoak } from "./support/soak.ts";

const SECONDS = Number(Deno.env.get("GRAPHCALL_SOAK_SECONDS") ?? 5);

Deno.test(`a ${SECONDS}-second soak of concurrent clients: no errors, the emulator's memory flat`, async () => {
  const r = await runSoak({
    seconds: SECONDS,
    clients: 8,
    warmupSeconds: 2,
    sampleEverySeconds: 1,
  });
  console.log(
    `soak ${r.seconds.toFixed(1)} s, ${r.clients} clients: ${r.requests} requests ` +
      `(${(r.requests / r.seconds).toFixed(0)}/s), ${r.errors} errors; emulator RSS ` +
      `${mb(r.rssStart)} MB -> ${mb(r.rssEnd)} MB, heap ${mb(r.heapStart)} -> ${mb(r.heapEnd)} MB`,
  );
  assert.equal(r.errors, 0, r.errorSamples.join("; "));
  assert.ok(r.requests > 0);
  const samples = r.rssSamples.map(mb).join(" ");
  // The heap may not grow by more than a quarter plus 8 MB.
  assert.ok(
    r.heapEnd <= r.heapStart * 1.25 + 8 * 2 ** 20,
    `heap ${mb(r.heapStart)} -> ${mb(r.heapEnd)}`,
  );
  // RSS at most doubles, plus 32 MB.
  assert.ok(r.rssEnd <= r.rssStart * 2 + 32 * 2 ** 20, `rss grew: ${samples} MB`);
});
