import assert from "node:assert/strict";
import { runCli } from "./support/run_cli.ts";
import { IDS, startTestEmulator, writePem } from "./support/tenant.ts";

function credentials(url: string, pem: string): string[] {
  return [
    "--emulator",
    url,
    "--tenant",
    IDS.tenantId,
    "--client-id",
    IDS.clientId,
    "--certificate",
    pem,
  ];
}

Deno.test("participant remove against the emulator exits 0 and the participant is gone", async () => {
  await using t = await startTestEmulator();
  const pem = await writePem(t.cert);
  const run = await runCli([
    ...credentials(t.emulator.graphUrl, pem),
    "participant",
    "remove",
    "--call",
    IDS.callId,
    "--participant",
    IDS.adele,
  ]);
  assert.equal(run.code, 0, run.stderr);
  assert.match(
    run.stdout,
    new RegExp(`removed participant ${IDS.adele} from call ${IDS.callId} \\(204\\)`),
  );
  assert.equal(run.stderr, "");
  const call = t.emulator.state.tenant(IDS.tenantId)!.calls.get(IDS.callId)!;
  assert.equal(call.participants.has(IDS.adele), false);
  assert.equal(call.participants.has(IDS.megan), true);
});

Deno.test("removing an unknown participant exits 4 with one line naming the call and the participant", async () => {
  await using t = await startTestEmulator();
  const pem = await writePem(t.cert);
  const unknown = "00000000-0000-0000-0000-000000000001";
  const run = await runCli([
    ...credentials(t.emulator.graphUrl, pem),
    "participant",
    "remove",
    "--call",
    IDS.callId,
    "--participant",
    unknown,
  ]);
  assert.equal(run.code, 4);
  const lines = run.stderr.trimEnd().split("\n");
  assert.equal(lines.length, 1, run.stderr);
  assert.ok(lines[0]!.includes(unknown));
  assert.ok(lines[0]!.includes(IDS.callId));
  assert.equal(run.stdout, "");
});

Deno.test("missing credentials exit 2 naming the missing flag and variable", async () => {
  const run = await runCli([
    "participant",
    "remove",
    "--call",
    IDS.callId,
    "--participant",
    IDS.adele,
  ]);
  assert.equal(run.code, 2);
  assert.match(run.stderr, /--tenant/);
  assert.match(run.stderr, /AZURE_TENANT_ID/);
  assert.equal(run.stderr.trimEnd().split("\n").length, 1);
});

Deno.test("a missing certificate names --certificate and AZURE_CLIENT_CERTIFICATE_PATH", async () => {
  const run = await runCli(
    ["participant", "remove", "--call", IDS.callId, "--participant", IDS.adele],
    { env: { AZURE_TENANT_ID: IDS.tenantId, AZURE_CLIENT_ID: IDS.clientId } },
  );
  assert.equal(run.code, 2);
  assert.match(run.stderr, /--certificate/);
  assert.match(run.stderr, /AZURE_CLIENT_CERTIFICATE_PATH/);
});

Deno.test("credentials are read from AZURE_* variables", async () => {
  await using t = await startTestEmulator();
  const pem = await writePem(t.cert);
  const run = await runCli(
    [
      "--emulator",
      t.emulator.graphUrl,
      "participant",
      "remove",
      "--call",
      IDS.callId,
      "--participant",
      IDS.megan,
    ],
    {
      env: {
        AZURE_TENANT_ID: IDS.domain,
        AZURE_CLIENT_ID: IDS.clientId,
        AZURE_CLIENT_CERTIFICATE_PATH: pem,
      },
    },
  );
  assert.equal(run.code, 0, run.stderr);
  assert.equal(
    t.emulator.state.tenant(IDS.tenantId)!.calls.get(IDS.callId)!.participants.has(IDS.megan),
    false,
  );
});

Deno.test("a certificate file that does not exist exits 2 naming the file", async () => {
  const run = await runCli([
    "--tenant",
    IDS.tenantId,
    "--client-id",
    IDS.clientId,
    "--certificate",
    "/nonexistent/app.pem",
    "participant",
    "remove",
    "--call",
    IDS.callId,
    "--participant",
    IDS.adele,
  ]);
  assert.equal(run.code, 2);
  assert.match(run.stderr, /\/nonexistent\/app\.pem: file not found/);
});

Deno.test("an unknown option exits 2 with one line and no stack trace", async () => {
  const run = await runCli(["participant", "remove", "--cal", "x"]);
  assert.equal(run.code, 2);
  assert.equal(run.stderr.trimEnd().split("\n").length, 1, run.stderr);
  assert.doesNotMatch(run.stderr, /at .*\.ts:\d+/);
});
