/**
 * Bulk removal with graphcall's library: `call(id).removeMany(ids, { concurrency })` per call.
 * Prints `{removed, workMs}` on stdout.
 *
 * GC_WORK_FILE: JSON [{ callId, participants: [id, ...] }, ...]; GC_CONCURRENCY: a number;
 * GC_PACING: `learned` (default) or `retry-after`.
 */

import { connect } from "../../mod.ts";
import { need } from "./connect_from_env.ts";

interface Work {
  callId: string;
  participants: string[];
}

const work = JSON.parse(await Deno.readTextFile(need("GC_WORK_FILE"))) as Work[];
const concurrency = Number(need("GC_CONCURRENCY"));
// GC_PACING: "learned" (the default on the real clock) or "retry-after" (the server's waits only).
const pacing = Deno.env.get("GC_PACING") === "retry-after" ? "retry-after" : "learned";
const client = await connect({
  tenantId: need("GC_TENANT_ID"),
  clientId: need("GC_CLIENT_ID"),
  certificate: { path: need("GC_PEM_PATH") },
  authorityUrl: need("GC_AUTHORITY_URL"),
  graphUrl: need("GC_GRAPH_URL"),
  env: {},
  pacing,
});
const total = work.reduce((n, w) => n + w.participants.length, 0);

const t0 = performance.now();
for (const w of work) await client.call(w.callId).removeMany(w.participants, { concurrency });
// workMs: the removals alone (the first one includes the token request), start-up excluded.
console.log(JSON.stringify({ removed: total, workMs: performance.now() - t0 }));
