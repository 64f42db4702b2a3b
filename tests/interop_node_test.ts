import assert from "node:assert/strict";
import { IDS, startTestEmulator } from "./support/tenant.ts";

const SCRIPT = new URL("./interop/node_fetch.mjs", import.meta.url).pathname;

Deno.test("a Node.js program trusting the CA through NODE_EXTRA_CA_CERTS gets a token and removes a participant over HTTPS", async () => {
  await using t = await startTestEmulator({
    tls: "self-signed",
    tenant: {
      apps: [{
        clientId: IDS.clientId,
        roles: ["Calls.JoinGroupCall.All"],
        secrets: [{ value: "node-secret" }],
      }],
    },
  });
  const { code, stdout, stderr } = await new Deno.Command("node", {
    args: [SCRIPT],
    env: {
      NODE_EXTRA_CA_CERTS: t.emulator.caCertPath!,
      INTEROP_CONFIG: JSON.stringify({
        authorityUrl: t.emulator.authorityUrl,
        graphUrl: t.emulator.graphUrl,
        tenantId: IDS.tenantId,
        clientId: IDS.clientId,
        secret: "node-secret",
        callId: IDS.callId,
        participantId: IDS.adele,
      }),
    },
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.equal(code, 0, new TextDecoder().decode(stderr));
  assert.deepEqual(JSON.parse(new TextDecoder().decode(stdout)), { token: 200, removal: 204 });
  assert.ok(
    !t.emulator.state.tenant(IDS.tenantId)!.calls.get(IDS.callId)!.participants.has(IDS.adele),
  );
});
