/**
 * The emulator's DELETE throughput with its clients in the same process: the target of the
 * CPU profile taken when the throughput goal is missed (the timed figure comes from
 * delete_load.ts in a separate process). GC_DELETES, GC_CLIENTS.
 */

import { connect } from "../../mod.ts";
import { IDS, makeCredential, seedCalls, startBenchEmulator } from "../lib/fixture.ts";

const deletes = Number(Deno.env.get("GC_DELETES") ?? "5000");
const clients = Number(Deno.env.get("GC_CLIENTS") ?? "16");
const dir = await Deno.makeTempDir({ prefix: "graphcall-bench-" });
try {
  const cred = await makeCredential(dir);
  const emulator = await startBenchEmulator(cred);
  const client = await connect({
    tenantId: IDS.tenantId,
    clientId: IDS.clientId,
    certificate: { path: cred.pemPath },
    authorityUrl: emulator.authorityUrl,
    graphUrl: emulator.graphUrl,
  });
  const headers = { authorization: `Bearer ${(await client.credential.getToken()).token}` };
  const urls = seedCalls(emulator, 40, deletes).flatMap((c) =>
    c.participants.map((p) =>
      `${emulator.graphUrl}/v1.0/communications/calls/${c.callId}/participants/${p}`
    )
  );
  let next = 0;
  await Promise.all(Array.from({ length: clients }, async () => {
    while (next < urls.length) {
      const r = await fetch(urls[next++]!, { method: "DELETE", headers });
      await r.body?.cancel();
    }
  }));
  await emulator.close();
} finally {
  await Deno.remove(dir, { recursive: true });
}
