import assert from "node:assert/strict";
import { main } from "../lib/cli/main.ts";
import { captureIo } from "./support/capture_io.ts";
import { runMain } from "./support/run_main.ts";
import { IDS, startTestEmulator, writePem } from "./support/tenant.ts";
import { cliCredentials as credentials } from "./support/cli_credentials.ts";

Deno.test("--what-if prints the DELETE and sends nothing: the emulator's request log stays empty", async () => {
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
    "--if-match",
    'W/"1"',
    "--header",
    "X-Trace: abc",
    "--what-if",
  ]);
  assert.equal(run.code, 0, run.stderr);
  assert.match(
    run.stdout,
    new RegExp(
      `^What if: DELETE ${t.emulator.graphUrl}/v1\\.0/communications/calls/${IDS.callId}/participants/${IDS.adele}\n`,
    ),
  );
  assert.match(run.stdout, /authorization: Bearer \[REDACTED\]/);
  assert.match(run.stdout, /if-match: W\/"1"/);
  assert.match(run.stdout, /x-trace: abc/);
  assert.match(run.stdout, /user-agent: graphcall\/\d+\.\d+\.\d+/);
  assert.match(run.stdout, /client-request-id: [0-9a-f-]{36}/);
  assert.match(run.stdout, /not sent/);
  assert.equal(run.stderr, "");
  assert.deepEqual(t.emulator.requests, []);
  assert.equal(t.emulator.tokenRequests.size, 0);
  assert.ok(
    t.emulator.state.tenant(IDS.tenantId)!.calls.get(IDS.callId)!.participants.has(IDS.adele),
  );
});

Deno.test("-WhatIf through the PowerShell name with JSON output describes the request and sends nothing", async () => {
  await using t = await startTestEmulator();
  const io = captureIo();
  const code = await main([
    "--emulator",
    t.emulator.graphUrl,
    "--graph-version",
    "beta",
    "--output",
    "json",
    "Remove-MgCommunicationCallParticipant",
    "-CallId",
    IDS.callId,
    "-ParticipantId",
    IDS.adele,
    "-WhatIf",
  ], io);
  assert.equal(code, 0, io.stderr);
  const doc = JSON.parse(io.stdout);
  assert.equal(doc.ok, true);
  assert.equal(doc.command, "participant remove");
  assert.equal(doc.result.dryRun, true);
  assert.equal(doc.result.request.method, "DELETE");
  assert.equal(
    doc.result.request.url,
    `${t.emulator.graphUrl}/beta/communications/calls/${IDS.callId}/participants/${IDS.adele}`,
  );
  assert.equal(doc.result.request.headers.authorization, "Bearer [REDACTED]");
  assert.equal("body" in doc.result.request, false, "a DELETE has no body");
  assert.deepEqual(t.emulator.requests, []);
});

Deno.test("--what-if for several participants lists each request and still sends nothing", async () => {
  await using t = await startTestEmulator();
  const io = captureIo();
  const code = await main([
    "--emulator",
    t.emulator.graphUrl,
    "participant",
    "remove",
    "--call",
    IDS.callId,
    "--participant",
    IDS.adele,
    "--participant",
    IDS.megan,
    "--what-if",
  ], io);
  assert.equal(code, 0, io.stderr);
  assert.equal(io.stdout.match(/^What if: DELETE /gm)?.length, 2);
  assert.match(io.stdout, /2 requests were not sent/);
  assert.deepEqual(t.emulator.requests, []);
});

Deno.test("--what-if uses the cloud's Graph host when no emulator or host is given", async () => {
  const io = captureIo();
  const code = await main(
    [
      "--cloud",
      "USGov",
      "participant",
      "remove",
      "--call",
      "c1",
      "--participant",
      "p1",
      "--what-if",
    ],
    io,
  );
  assert.equal(code, 0, io.stderr);
  assert.match(
    io.stdout,
    /DELETE https:\/\/graph\.microsoft\.us\/v1\.0\/communications\/calls\/c1\/participants\/p1/,
  );
});

Deno.test("--confirm without a terminal refuses with exit 2 and sends nothing", async () => {
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
    "--confirm",
  ]);
  assert.equal(run.code, 2);
  assert.match(
    run.stderr,
    /^graphcall: error: --confirm: there is no terminal to ask on; add --yes/,
  );
  assert.equal(run.stderr.trimEnd().split("\n").length, 1);
  assert.deepEqual(t.emulator.requests, []);
});

Deno.test("--confirm --yes removes without asking", async () => {
  await using t = await startTestEmulator();
  const pem = await writePem(t.cert);
  const io = captureIo();
  const code = await main([
    ...credentials(t.emulator.graphUrl, pem),
    "--yes",
    "participant",
    "remove",
    "--call",
    IDS.callId,
    "--participant",
    IDS.adele,
    "--confirm",
  ], io);
  assert.equal(code, 0, io.stderr);
  assert.equal(
    t.emulator.state.tenant(IDS.tenantId)!.calls.get(IDS.callId)!.participants.has(IDS.adele),
    false,
  );
});

Deno.test("--confirm on a terminal asks; 'n' sends nothing and exits 0 (declined, not an interruption), 'y' removes", async () => {
  await using t = await startTestEmulator();
  const pem = await writePem(t.cert);
  const args = [
    ...credentials(t.emulator.graphUrl, pem),
    "participant",
    "remove",
    "--call",
    IDS.callId,
    "--participant",
    IDS.adele,
    "--confirm",
  ];
  const no = captureIo({ terminal: true, answers: ["n"] });
  assert.equal(await main(args, no), 0);
  assert.match(
    no.stderr,
    new RegExp(`Remove participant ${IDS.adele} from call ${IDS.callId}\\? \\[y/N\\]`),
  );
  assert.match(no.stderr, /not confirmed; nothing was sent/);
  assert.equal(no.stdout, "");
  assert.deepEqual(t.emulator.requests, []);
  const json = captureIo({ terminal: true, answers: [""] });
  assert.equal(await main(["--output", "json", ...args], json), 0);
  const doc = JSON.parse(json.stdout);
  assert.equal(doc.ok, true);
  assert.equal(doc.result.outcome, "declined");
  assert.deepEqual(doc.result.participants, [IDS.adele]);
  assert.deepEqual(t.emulator.requests, []);
  const yes = captureIo({ terminal: true, answers: ["y"] });
  assert.equal(await main(args, yes), 0, yes.stderr);
  assert.equal(
    t.emulator.state.tenant(IDS.tenantId)!.calls.get(IDS.callId)!.participants.has(IDS.adele),
    false,
  );
});
