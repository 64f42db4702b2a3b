/**
 * A load generator for the emulator's DELETE throughput: GC_CLIENTS concurrent loopback clients
 * remove the participants listed in GC_WORK_FILE with a valid token (GC_TOKEN_FILE), then print
 * the count, the statuses and the elapsed time (its own start-up excluded).
 */

const need = (name: string): string => {
  const v = Deno.env.get(name);
  if (!v) throw new Error(`missing environment variable ${name}`);
  return v;
};

interface Work {
  callId: string;
  participants: string[];
}

const graphUrl = need("GC_GRAPH_URL").replace(/\/+$/, "");
const token = (await Deno.readTextFile(need("GC_TOKEN_FILE"))).trim();
const clients = Number(need("GC_CLIENTS"));
const work = JSON.parse(await Deno.readTextFile(need("GC_WORK_FILE"))) as Work[];
const urls = work.flatMap((w) =>
  w.participants.map((p) =>
    `${graphUrl}/v1.0/communications/calls/${encodeURIComponent(w.callId)}/participants/${
      encodeURIComponent(p)
    }`
  )
);
const headers = { authorization: `Bearer ${token}` };
const statuses: Record<string, number> = {};
let next = 0;
const t0 = performance.now();
await Promise.all(Array.from({ length: clients }, async () => {
  while (next < urls.length) {
    const url = urls[next++]!;
    const response = await fetch(url, { method: "DELETE", headers });
    await response.body?.cancel();
    statuses[response.status] = (statuses[response.status] ?? 0) + 1;
  }
}));
const ms = performance.now() - t0;
console.log(JSON.stringify({ count: urls.length, ms, statuses }));
