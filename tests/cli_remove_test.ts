import assert from "node:assert/strict";
import { runCli } from "./support/run_cli.ts";
import { runMain } from "./support/run_main.ts";
import { IDS, startTestEmulator, writePem } from "./support/tenant.ts";
import { cliCredentials as credentials } from "./support/cli_credentials.ts";

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
  const run = await runMain([
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
  const run = await runMain([
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
  const run = await runMain(
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
  const run = await runMain(
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
  const run = await runMain([
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

Deno.test("bulk: two --participant flags remove both and print a per-item table", async () => {
  await using t = await startTestEmulator();
  const pem = await writePem(t.cert);
  const run = await runMain([
    ...credentials(t.emulator.graphUrl, pem),
    "participant",
    "remove",
    "--call",
    IDS.callId,
    "--participant",
    IDS.adele,
    "--participant",
    IDS.megan,
  ]);
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stdout, /^PARTICIPANT\s+OUTCOME\s+REQUEST ID$/m);
  assert.match(run.stdout, new RegExp(`^${IDS.adele}\\s+removed\\s+[0-9a-f-]{36}$`, "m"));
  assert.match(run.stdout, new RegExp(`^${IDS.megan}\\s+removed\\s+[0-9a-f-]{36}$`, "m"));
  assert.match(run.stdout, /removed 2 of 2 participants/);
  assert.equal(run.stderr, "", "no progress bar without a terminal");
  assert.equal(t.emulator.state.tenant(IDS.tenantId)!.calls.get(IDS.callId)!.participants.size, 0);
});

Deno.test("bulk: ids from stdin; an id not in the call is already gone, and a policy refusal fails every item with exit 5", async () => {
  await using t = await startTestEmulator();
  const pem = await writePem(t.cert);
  const unknown = "00000000-0000-0000-0000-000000000001";
  const args = [
    ...credentials(t.emulator.graphUrl, pem),
    "--output",
    "json",
    "participant",
    "remove",
    "--call",
    IDS.callId,
    "--from",
    "-",
  ];
  const run = await runMain(args, { stdin: `# to remove\n${IDS.adele}\n${unknown}\n` });
  assert.equal(run.code, 0, run.stderr);
  const doc = JSON.parse(run.stdout);
  assert.equal(doc.ok, true);
  assert.equal(doc.command, "participant remove");
  assert.equal(doc.result.removed, 1);
  assert.equal(doc.result.alreadyGone, 1);
  assert.equal(doc.result.failed, 0);
  assert.deepEqual(
    doc.result.items.map((i: { outcome: string }) => i.outcome),
    ["removed", "alreadyGone"],
  );
  assert.match(doc.result.items[0].requestId, /^[0-9a-f-]{36}$/);
  assert.match(doc.result.items[0].clientRequestId, /^[0-9a-f-]{36}$/);

  t.emulator.setPolicy(IDS.tenantId, []);
  const refused = await runMain(args, { stdin: `${IDS.megan}\n${unknown}\n` });
  assert.equal(refused.code, 5, refused.stderr);
  const bad = JSON.parse(refused.stdout);
  assert.equal(bad.ok, false);
  assert.equal(bad.exitCode, 5);
  assert.equal(bad.result.failed, 2);
  assert.ok(
    bad.result.items.every((i: { error: { code: string } }) => i.error.code === "policy_denied"),
  );
});

Deno.test("bulk: --from FILE reads a JSON array and --all-except-self keeps the app's bot", async () => {
  await using t = await startTestEmulator({
    tenant: {
      calls: [{
        id: IDS.callId,
        appId: IDS.clientId,
        participants: [
          { id: "bot-1", identity: { application: { id: IDS.clientId, displayName: "bot" } } },
          { id: IDS.adele, user: IDS.adeleUser },
          { id: IDS.megan, identity: { user: { id: "u2", displayName: "Megan Bowen" } } },
        ],
      }],
    },
  });
  const pem = await writePem(t.cert);
  const dir = await Deno.makeTempDir();
  await Deno.writeTextFile(`${dir}/ids.json`, JSON.stringify([{ participantId: IDS.adele }]));
  const fromFile = await runMain([
    ...credentials(t.emulator.graphUrl, pem),
    "participant",
    "remove",
    "--call",
    IDS.callId,
    "--from",
    `${dir}/ids.json`,
  ]);
  assert.equal(fromFile.code, 0, fromFile.stderr);
  assert.match(fromFile.stdout, /removed 1 of 1 participants/);
  const rest = await runMain([
    ...credentials(t.emulator.graphUrl, pem),
    "participant",
    "remove",
    "--call",
    IDS.callId,
    "--all-except-self",
  ]);
  assert.equal(rest.code, 0, rest.stderr);
  const left = [
    ...t.emulator.state.tenant(IDS.tenantId)!.calls.get(IDS.callId)!.participants.keys(),
  ];
  assert.deepEqual(left, ["bot-1"]);
});

Deno.test("bulk: a progress bar is drawn on stderr on a terminal only", async () => {
  const { main } = await import("../lib/cli/main.ts");
  const { captureIo } = await import("./support/capture_io.ts");
  await using t = await startTestEmulator();
  const pem = await writePem(t.cert);
  const io = captureIo({ terminal: true, env: { NO_COLOR: "1" } });
  const code = await main([
    ...credentials(t.emulator.graphUrl, pem),
    "participant",
    "remove",
    "--call",
    IDS.callId,
    "--participant",
    IDS.adele,
    "--participant",
    IDS.megan,
  ], io);
  assert.equal(code, 0, io.stderr);
  assert.match(io.stderr, /\[#{12}-{12}\] 1\/2/);
  assert.match(io.stderr, /\[#{24}\] 2\/2/);
  assert.doesNotMatch(io.stdout, /\r/);
});

Deno.test("--pass-thru prints true, and --output json carries requestId, clientRequestId and date", async () => {
  await using t = await startTestEmulator();
  const pem = await writePem(t.cert);
  const pass = await runMain([
    ...credentials(t.emulator.graphUrl, pem),
    "participant",
    "remove",
    "--call",
    IDS.callId,
    "--participant",
    IDS.adele,
    "--pass-thru",
  ]);
  assert.equal(pass.code, 0, pass.stderr);
  assert.equal(pass.stdout, "true\n");
  const json = await runMain([
    ...credentials(t.emulator.graphUrl, pem),
    "--output",
    "json",
    "participant",
    "remove",
    "--call",
    IDS.callId,
    "--participant",
    IDS.megan,
  ]);
  assert.equal(json.code, 0, json.stderr);
  const doc = JSON.parse(json.stdout);
  assert.equal(doc.ok, true);
  assert.equal(doc.command, "participant remove");
  assert.equal(doc.result.participantId, IDS.megan);
  assert.match(doc.result.requestId, /^[0-9a-f-]{36}$/);
  assert.match(doc.result.clientRequestId, /^[0-9a-f-]{36}$/);
  assert.equal(typeof doc.result.date, "string");
});

Deno.test("an error with --output json is one JSON document on stdout with the request ids", async () => {
  await using t = await startTestEmulator();
  const pem = await writePem(t.cert);
  const run = await runCli([
    ...credentials(t.emulator.graphUrl, pem),
    "--output",
    "json",
    "participant",
    "remove",
    "--call",
    IDS.callId,
    "--participant",
    "00000000-0000-0000-0000-000000000001",
  ]);
  assert.equal(run.code, 4);
  assert.equal(run.stderr, "");
  const doc = JSON.parse(run.stdout);
  assert.equal(doc.ok, false);
  assert.equal(doc.exitCode, 4);
  assert.equal(doc.error.code, "not_found");
  assert.equal(doc.error.status, 404);
  assert.match(doc.error.requestId, /^[0-9a-f-]{36}$/);
  assert.match(doc.error.clientRequestId, /^[0-9a-f-]{36}$/);
});

Deno.test("bulk: each failed item shows its reason and fix in the table, the JSON and an ::error:: annotation in Actions", async () => {
  await using t = await startTestEmulator({ tenant: { allowRemoveParticipantAppIds: [] } });
  const pem = await writePem(t.cert);
  const args = [
    ...credentials(t.emulator.graphUrl, pem),
    "participant",
    "remove",
    "--call",
    IDS.callId,
    "--participant",
    IDS.adele,
    "--participant",
    IDS.megan,
  ];
  const allow =
    `Set-CsApplicationMeetingConfiguration -AllowRemoveParticipantAppIds @{Add="${IDS.clientId}"}`;
  const table = await runMain(args);
  assert.equal(table.code, 5, table.stderr);
  assert.match(table.stdout, /^PARTICIPANT\s+OUTCOME\s+REQUEST ID\s+REASON$/m);
  for (const id of [IDS.adele, IDS.megan]) {
    const row = table.stdout.split("\n").find((l) => l.startsWith(id))!;
    assert.match(row, /failed: policy_denied .*; fix: /, row);
    assert.ok(row.includes(allow), row);
  }
  const json = await runMain(["--output", "json", ...args]);
  const items = JSON.parse(json.stdout).result.items;
  for (const item of items) {
    assert.equal(item.error.code, "policy_denied");
    assert.match(item.error.message, /\S/);
    assert.ok(item.error.remediation.includes(allow), item.error.remediation);
  }
  const dir = await Deno.makeTempDir();
  const actions = await runMain(args, {
    env: { GITHUB_ACTIONS: "true", GITHUB_OUTPUT: `${dir}/out` },
  });
  const annotations = actions.stdout.split("\n").filter((l) => l.startsWith("::error "));
  assert.equal(annotations.length, 2, actions.stdout);
  for (const [i, id] of [IDS.adele, IDS.megan].entries()) {
    assert.match(
      annotations[i]!,
      new RegExp(`^::error title=graphcall participant remove::${id}: .* fix: `),
    );
  }
});
