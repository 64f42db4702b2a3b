/**
 * `deno task soak [SECONDS] [CLIENTS]`: the full soak (default 60 s, 16 clients) against the
 * emulator in a child process; prints the requests, errors and the emulator's RSS at start and
 * end. Exits 1 on any error.
 */

import { mb, runSoak } from "../tests/support/soak.ts";

const seconds = Number(Deno.args[0] ?? 60);
const clients = Number(Deno.args[1] ?? 16);
const r = await runSoak({ seconds, clients, warmupSeconds: 3, sampleEverySeconds: 10 });
console.log(JSON.stringify({ ...r, rssStartMB: mb(r.rssStart), rssEndMB: mb(r.rssEnd) }, null, 2));
console.log(
  `soak: ${r.seconds.toFixed(1)} s, ${clients} clients, ${r.requests} requests ` +
    `(${(r.requests / r.seconds).toFixed(0)}/s), ${r.errors} errors; emulator RSS ` +
    `${mb(r.rssStart)} MB at start, ${mb(r.rssEnd)} MB at end (heap ${mb(r.heapStart)} -> ` +
    `${mb(r.heapEnd)} MB); RSS every 10 s: ${r.rssSamples.map(mb).join(", ")} MB`,
);
if (r.errors) Deno.exit(1);
