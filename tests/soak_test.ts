/**
 * A bounded soak against the emulator (see tests/support/soak.ts): concurrent loopback clients
 * for GRAPHCALL_SOAK_SECONDS (default 5 here; `deno task soak` runs 60), every answer as
 * expected, and the emulator's memory flat: its RSS at the end within a generous bound of its
 * RSS once warmed up.
 */

import assert from "node:assert/strict";
import { mb, runSoak } from "./support/soak.ts";

const SECONDS = Number(Deno.env.get("GRAPHCALL_SOAK_SECONDS") ?? 5);

Deno.test(`a ${SECONDS}-second soak of concurrent clients: no errors, the emulator's memory flat`, async () => {
  const r = await runSoak({ seconds: SECONDS, clients: 8 });
  console.log(
    `soak ${r.seconds.toFixed(1)} s, ${r.clients} clients: ${r.requests} requests ` +
      `(${(r.requests / r.seconds).toFixed(0)}/s), ${r.errors} errors; emulator RSS ` +
      `${mb(r.rssStart)} MB -> ${mb(r.rssEnd)} MB, heap ${mb(r.heapStart)} -> ${mb(r.heapEnd)} MB`,
  );
  assert.equal(r.errors, 0, r.errorSamples.join("; "));
  assert.ok(r.requests > 0);
  // Flat: the heap may not grow by more than a quarter plus 8 MB, nor RSS by half plus 24 MB.
  assert.ok(
    r.heapEnd <= r.heapStart * 1.25 + 8 * 2 ** 20,
    `heap ${mb(r.heapStart)} -> ${mb(r.heapEnd)}`,
  );
  assert.ok(
    r.rssEnd <= r.rssStart * 1.5 + 24 * 2 ** 20,
    `rss ${mb(r.rssStart)} -> ${mb(r.rssEnd)}`,
  );
});
