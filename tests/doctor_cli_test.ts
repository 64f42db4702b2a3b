import assert from "node:assert/strict";
import { runMain } from "./support/run_main.ts";
import { IDS, startTestEmulator, writePem } from "./support/tenant.ts";
import { cliCredentials as credentials } from "./support/cli_credentials.ts";

const ALLOW_LINE =
  `Set-CsApplicationMeetingConfiguration -AllowRemoveParticipantAppIds @{Add="${IDS.clientId}"}`;

Deno.test("doctor --output json gives the checks as data and exits 0 when all is well", async () => {
  await using t = await startTestEmulator();
  const pem = await writePem(t.cert);
  const run = await runMain([
    ...credentials(t.emulator.graphUrl, pem),
    "doctor",
    "--call",
    IDS.callId,
    "--output",
    "json",
  ]);
  assert.equal(run.code, 0, run.stdout + run.stderr);
  const body = JSON.parse(run.stdout);
  assert.equal(body.ok, true);
  assert.ok(Array.isArray(body.checks));
  for (const c of body.checks) {
    assert.deepEqual(
      Object.keys(c).filter((k) => !["id", "title", "status", "detail", "fix"].includes(k)),
      [],
    );
    assert.equal(c.status, "pass", `${c.id}: ${c.detail}`);
  }
  assert.doesNotMatch(run.stdout, /eyJ[A-Za-z0-9_-]{10,}\./);
});

Deno.test("doctor prints a plain-ASCII checklist with the policy fix and exits 5 when the tenant refuses removals", async () => {
  await using t = await startTestEmulator({ tenant: { allowRemoveParticipantAppIds: [] } });
  const pem = await writePem(t.cert);
  const run = await runMain([...credentials(t.emulator.graphUrl, pem), "doctor"]);
  assert.equal(run.code, 5, run.stdout + run.stderr);
  assert.match(run.stdout, /^ok {3}Credential/m);
  assert.match(run.stdout, /^FAIL Tenant policy/m);
  assert.ok(
    run.stdout.includes(
      `fix: a Teams admin must allow this app once per tenant, in PowerShell: Connect-MicrosoftTeams; ${ALLOW_LINE}`,
    ),
    run.stdout,
  );
  assert.match(run.stdout, /doctor: 1 failed/);
  assert.doesNotMatch(run.stdout, /[✓✗]/);
});

Deno.test("doctor with no credentials exits 2 and names what is missing", async () => {
  const run = await runMain(["doctor", "--output", "json"], {
    env: {
      AZURE_TENANT_ID: IDS.tenantId,
      AZURE_CLIENT_ID: IDS.clientId,
      GRAPHCALL_EMULATOR_URL: "http://127.0.0.1:9",
    },
  });
  assert.equal(run.code, 2, run.stdout + run.stderr);
  const body = JSON.parse(run.stdout);
  assert.equal(body.ok, false);
  const credential = body.checks.find((c: { id: string }) => c.id === "credential");
  assert.equal(credential.status, "fail");
  assert.match(credential.detail, /AZURE_CLIENT_CERTIFICATE_PATH/);
});

Deno.test("doctor with an unknown operation exits 2 with one line", async () => {
  const run = await runMain(["doctor", "--require", "remove,explode"]);
  assert.equal(run.code, 2);
  assert.equal(run.stderr.trimEnd().split("\n").length, 1, run.stderr);
  assert.match(run.stderr, /operations: unknown operation "explode"/);
});

Deno.test({
  name: "a remove refused by the tenant policy prints the exact allow command and exits 5",
  fn: async () => {
    await using t = await startTestEmulator({ tenant: { allowRemoveParticipantAppIds: [] } });
    const pem = await writePem(t.cert);
    const run = await runMain([
      ...credentials(t.emulator.graphUrl, pem),
      "participant",
      "remove",
      "--call",
      IDS.callId,
      "--participant",
      IDS.adele,
    ]);
    assert.equal(run.code, 5, run.stderr);
    const lines = run.stderr.trimEnd().split("\n");
    assert.match(lines[0]!, /^graphcall: error: /);
    assert.ok(
      lines.some((l) => l.startsWith("graphcall: fix: ") && l.includes(ALLOW_LINE)),
      run.stderr,
    );
    assert.equal(
      t.emulator.state.tenant(IDS.tenantId)!.calls.get(IDS.callId)!.participants.has(IDS.adele),
      true,
    );
  },
});
