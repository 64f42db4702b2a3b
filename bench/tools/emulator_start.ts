/**
 * Starts the emulator in this process and asks it for one token (client secret), GC_STARTS times:
 * the target of the CPU profile taken when the start-to-first-token goal is missed (the timed
 * figure comes from spawning `deno run cli.ts emulator`).
 */

import { startEmulator } from "../../lib/emulator/mod.ts";

const tenantId = "5d3e2c1b-0a9f-4e8d-b7c6-a5b4c3d2e1f0";
const clientId = "6e4f3d2c-1b0a-4f9e-8d7c-b6a5c4d3e2f1";
const secret = "bench-only-secret-0123456789";
const starts = Number(Deno.env.get("GC_STARTS") ?? "10");
for (let i = 0; i < starts; i++) {
  const emulator = await startEmulator({
    state: {
      tenants: [{ id: tenantId, apps: [{ clientId, secrets: [{ value: secret }] }] }],
    },
  });
  const r = await fetch(`${emulator.authorityUrl}/${tenantId}/oauth2/v2.0/token`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({
      client_id: clientId,
      client_secret: secret,
      grant_type: "client_credentials",
      scope: "https://graph.microsoft.com/.default",
    }),
  });
  await r.body?.cancel();
  await emulator.close();
}
