/**
 * Bulk removal with graphcall's library. Uses `call(id).removeMany(ids, { concurrency })` when
 * the library has it; otherwise a bounded-concurrency loop of `call(id).remove(id)`, and says so
 * on stdout (`"mode": "fallback loop"`).
 *
 * GC_WORK_FILE: JSON [{ callId, participants: [id, ...] }, ...]; GC_CONCURRENCY: a number.
 */

import type { CallHandle } from "../../mod.ts";
import { connectFromEnv, need } from "./connect_from_env.ts";

interface Work {
  callId: string;
  participants: string[];
}

/** The bulk method's contract (being built on another branch). */
type RemoveMany = (ids: string[], options: { concurrency: number }) => Promise<unknown>;

function removeManyOf(handle: CallHandle): RemoveMany | undefined {
  const m = (handle as unknown as { removeMany?: unknown }).removeMany;
  return typeof m === "function" ? (m as RemoveMany).bind(handle) : undefined;
}

const work = JSON.parse(await Deno.readTextFile(need("GC_WORK_FILE"))) as Work[];
const concurrency = Number(need("GC_CONCURRENCY"));
const client = await connectFromEnv();
const total = work.reduce((n, w) => n + w.participants.length, 0);

let mode: "removeMany" | "fallback loop";
const t0 = performance.now();
if (work.length > 0 && removeManyOf(client.call(work[0]!.callId))) {
  mode = "removeMany";
  for (const w of work) {
    await removeManyOf(client.call(w.callId))!(w.participants, { concurrency });
  }
} else {
  mode = "fallback loop";
  const jobs = work.flatMap((w) => w.participants.map((p) => [w.callId, p] as const));
  let next = 0;
  const worker = async () => {
    while (next < jobs.length) {
      const [callId, participantId] = jobs[next++]!;
      await client.call(callId).remove(participantId);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, jobs.length) }, worker));
}
// workMs: the removals alone (the first one includes the token request), start-up excluded.
console.log(JSON.stringify({ mode, removed: total, workMs: performance.now() - t0 }));
