/**
 * Bulk removal with graphcall's library: `call(id).removeMany(ids, { concurrency })` per call.
 * Prints `{removed, workMs}` on stdout.
 *
 * GC_WORK_FILE: JSON [{ callId, participants: [id, ...] }, ...]; GC_CONCURRENCY: a number.
 */

import { connectFromEnv, need } from "./connect_from_env.ts";

interface Work {
  callId: string;
  participants: string[];
}

const work = JSON.parse(await Deno.readTextFile(need("GC_WORK_FILE"))) as Work[];
const concurrency = Number(need("GC_CONCURRENCY"));
const client = await connectFromEnv();
const total = work.reduce((n, w) => n + w.participants.length, 0);

const t0 = performance.now();
for (const w of work) await client.call(w.callId).removeMany(w.participants, { concurrency });
// workMs: the removals alone (the first one includes the token request), start-up excluded.
console.log(JSON.stringify({ removed: total, workMs: performance.now() - t0 }));
