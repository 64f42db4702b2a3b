import assert from "node:assert/strict";
import { main } from "../lib/cli/main.ts";
import { captureIo } from "./support/capture_io.ts";
import { runMain } from "./support/run_main.ts";
import { IDS, startTestEmulator, writePem } from "./support/tenant.ts";
import { cliCredentials as credentials } from "./support/cli_credentials.ts";

function roster(t: Awaited<ReturnType<typeof startTestEmulator>>) {
  return t.emulator.state.tenant(IDS.tenantId)!.calls.get(IDS.callId)!.participants;
}

Deno.test("participant invite --user --wait: the user joins, JSON carries the operation, and GitHub outputs name it", async () => {
  await using t = await startTestEmulator({
    tenant: { users: [{ id: IDS.adeleUser, displayName: "Adele Vance", answerAfterMs: 0 }] },
  });
  const pem = await writePem(t.cert);
  const dir = await Deno.makeTempDir();
  const env = {
    GITHUB_ACTIONS: "true",
    GITHUB_OUTPUT: `${dir}/out`,
    GITHUB_STEP_SUMMARY: `${dir}/summary`,
  };
  const run = await runMain([
    ...credentials(t.emulator.graphUrl, pem),
    "--output",
    "json",
    "participant",
    "invite",
    "--call",
    IDS.callId,
    "--user",
    IDS.adeleUser,
    "--participant-id",
    "6a7b8c9d-0e1f-4a2b-9c3d-4e5f6a7b8c9d",
    "--client-context",
    "ticket-42",
    "--wait",
  ], { env });
  assert.equal(run.code, 0, run.stderr);
  const doc = JSON.parse(run.stdout);
  assert.equal(doc.command, "participant invite");
  assert.equal(doc.result.wait.status, "completed");
  assert.match(doc.result.operationId, /\S/);
  assert.match(doc.result.requestId, /^[0-9a-f-]{36}$/);
  assert.deepEqual(
    doc.result.participants.map((p: { participantId: string }) => p.participantId),
    ["6a7b8c9d-0e1f-4a2b-9c3d-4e5f6a7b8c9d"],
  );
  assert.ok(roster(t).has("6a7b8c9d-0e1f-4a2b-9c3d-4e5f6a7b8c9d"), "the invitee joined");
  const outputs = await Deno.readTextFile(`${dir}/out`);
  assert.match(
    outputs,
    new RegExp(`^operation-id<<ghadelimiter_[0-9a-f-]+\n${doc.result.operationId}\n`, "m"),
  );
  assert.match(outputs, /^invited<<ghadelimiter_[0-9a-f-]+\n1\n/m);
  assert.match(outputs, /^request-id<</m);
  assert.match(await Deno.readTextFile(`${dir}/summary`), /^### graphcall: invitation into call/m);
});

Deno.test("participant invite --what-if prints the POST body built from --user, --phone and --guest and sends nothing", async () => {
  await using t = await startTestEmulator();
  const io = captureIo();
  const code = await main([
    "--emulator",
    t.emulator.graphUrl,
    "--output",
    "json",
    "participant",
    "invite",
    "--call",
    IDS.callId,
    "--user",
    IDS.adeleUser,
    "--phone",
    "+14255550123",
    "--guest",
    "Visitor",
    "--guest-id",
    "visitor-1",
    "--hidden",
    "--what-if",
  ], io);
  assert.equal(code, 0, io.stderr);
  const { request } = JSON.parse(io.stdout).result;
  assert.equal(request.method, "POST");
  assert.equal(
    request.url,
    `${t.emulator.graphUrl}/v1.0/communications/calls/${IDS.callId}/participants/invite`,
  );
  assert.equal(request.headers.authorization, "Bearer [REDACTED]");
  assert.deepEqual(
    request.body.participants.map((p: { identity: Record<string, unknown> }) =>
      Object.keys(p.identity)[0]
    ),
    ["user", "phone", "guest"],
  );
  assert.ok(request.body.participants.every((p: { hidden: boolean }) => p.hidden === true));
  assert.deepEqual(t.emulator.requests, []);
});

Deno.test("participant invite refuses bad input in one line, naming the flag, before sending", async () => {
  for (
    const [args, message] of [
      [["--user", "not-a-guid"], /--user: must be a GUID/],
      [["--phone", "4255550123"], /--phone: use an E\.164 number/],
      [[], /--user: name someone to invite/],
      [
        ["--user", IDS.adeleUser, "--user", IDS.adeleUser, "--participant-id", "p1"],
        /participantId/,
      ],
      [["--guest-id", "x", "--user", IDS.adeleUser], /--guest-id: goes with exactly one --guest/],
      [["--body", "-", "--user", IDS.adeleUser], /--body: holds the whole invitation/],
      [["--user", IDS.adeleUser, "--wait-timeout", "5"], /--wait-timeout: goes with --wait/],
      [["--user", IDS.adeleUser, "--client-context", "x".repeat(300)], /clientContext|256/],
    ] as const
  ) {
    const io = captureIo();
    const code = await main([
      "--emulator",
      "http://127.0.0.1:9",
      "participant",
      "invite",
      "--call",
      IDS.callId,
      ...args,
      "--what-if",
    ], io);
    assert.equal(code, 2, `${args.join(" ")}: ${io.stderr}`);
    assert.match(io.stderr, message);
    assert.equal(io.stderr.trimEnd().split("\n").length, 1, io.stderr);
  }
  const io = captureIo({
    stdin: '{"participants": [{"identity": {"user": {"id": "x"}}, "colour": 1}]}',
  });
  assert.equal(
    await main(["participant", "invite", "--call", IDS.callId, "--body", "-", "--what-if"], io),
    2,
  );
  assert.match(
    io.stderr,
    /participants\[0\]\.colour: is not a property of invitationParticipantInfo/,
  );
});

Deno.test("participant invite --journal invites each user with its own request and --resume skips the done ones", async () => {
  await using t = await startTestEmulator();
  const pem = await writePem(t.cert);
  const dir = await Deno.makeTempDir();
  const users = [
    "11111111-1111-4111-8111-111111111111",
    "22222222-2222-4222-8222-222222222222",
    "33333333-3333-4333-8333-333333333333",
  ];
  const run = await runMain([
    ...credentials(t.emulator.graphUrl, pem),
    "--output",
    "json",
    "participant",
    "invite",
    "--call",
    IDS.callId,
    ...users.flatMap((u) => ["--user", u]),
    "--journal",
    `${dir}/invite.jsonl`,
  ]);
  assert.equal(run.code, 0, run.stderr);
  const doc = JSON.parse(run.stdout);
  assert.equal(doc.result.invited, 3);
  assert.equal(
    new Set(doc.result.items.map((i: { operationId: string }) => i.operationId)).size,
    3,
  );
  const invites = t.emulator.requests.filter((r) => r.path.endsWith("/participants/invite"));
  assert.equal(invites.length, 3, "one request per invitee");
  const lines = (await Deno.readTextFile(`${dir}/invite.jsonl`)).trim().split("\n").map((l) =>
    JSON.parse(l)
  );
  assert.equal(lines[0].type, "header");
  assert.equal(lines[0].command, "participant invite");
  assert.equal(lines[0].items.length, 3);
  assert.equal(lines.filter((l) => l.type === "item" && l.outcome === "invited").length, 3);
  assert.equal(lines.at(-1).type, "summary");
  // Resuming a finished run sends nothing and reports all three as done earlier.
  const again = await runMain([
    ...credentials(t.emulator.graphUrl, pem),
    "--output",
    "json",
    "participant",
    "invite",
    "--resume",
    `${dir}/invite.jsonl`,
  ]);
  assert.equal(again.code, 0, again.stderr);
  const resumed = JSON.parse(again.stdout);
  assert.equal(resumed.result.invited, 3);
  assert.equal(resumed.result.earlier, 3);
  assert.equal(
    t.emulator.requests.filter((r) => r.path.endsWith("/participants/invite")).length,
    3,
  );
});

Deno.test("participant get and mute by --participant-url and --input-object on stdin, and remove by URL", async () => {
  await using t = await startTestEmulator();
  const pem = await writePem(t.cert);
  const url =
    `https://graph.microsoft.com/v1.0/communications/calls/${IDS.callId}/participants/${IDS.megan}`;
  const get = await runMain([
    ...credentials(t.emulator.graphUrl, pem),
    "--output",
    "json",
    "participant",
    "get",
    "--participant-url",
    url,
  ]);
  assert.equal(get.code, 0, get.stderr);
  assert.equal(JSON.parse(get.stdout).result.participant.id, IDS.megan);
  const mute = await runMain(
    [
      ...credentials(t.emulator.graphUrl, pem),
      "--output",
      "json",
      "participant",
      "mute",
      "--input-object",
      "-",
      "--client-context",
      "quiet please",
    ],
    { stdin: JSON.stringify({ callId: IDS.callId, participantId: IDS.megan }) },
  );
  assert.equal(mute.code, 0, mute.stderr);
  const muted = JSON.parse(mute.stdout).result;
  assert.equal(muted.participantId, IDS.megan);
  assert.equal(muted.clientContext, "quiet please");
  assert.equal(roster(t).get(IDS.megan)!.isMuted, true);
  const remove = await runMain(
    [
      ...credentials(t.emulator.graphUrl, pem),
      "participant",
      "remove",
      "--input-object",
      "-",
    ],
    { stdin: url.replace(IDS.megan, IDS.adele) },
  );
  assert.equal(remove.code, 0, remove.stderr);
  assert.equal(roster(t).has(IDS.adele), false);
  const clash = await runMain([
    "participant",
    "remove",
    "--call",
    "other-call",
    "--participant-url",
    url,
    "--what-if",
  ]);
  assert.equal(clash.code, 2);
  assert.match(clash.stderr, /--participant-url: names call .* but --call names call other-call/);
  const bad = await runMain([
    "participant",
    "get",
    "--participant-url",
    "https://x/y",
    "--what-if",
  ]);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /--participant-url: is not a participant URL/);
});

Deno.test("--debug prints one redacted line per HTTP event, --timeout and --max-retries reach the pipeline", async () => {
  await using t = await startTestEmulator();
  const pem = await writePem(t.cert);
  t.emulator.setFaults([{
    method: "DELETE",
    path: "/v1.0/communications/calls/*/participants/*",
    status: 503,
    times: 5,
  }]);
  const run = await runMain([
    ...credentials(t.emulator.graphUrl, pem),
    "--debug",
    "--max-retries",
    "1",
    "--timeout",
    "5",
    "participant",
    "remove",
    "--call",
    IDS.callId,
    "--participant",
    IDS.adele,
  ]);
  assert.notEqual(run.code, 0);
  const debug = run.stderr.split("\n").filter((l) => l.startsWith("graphcall: debug: "));
  const deletes = debug.filter((l) => / DELETE /.test(l));
  assert.match(
    deletes[0]!,
    /^graphcall: debug: request DELETE http:\/\/\S+\/participants\/\S+ attempt=1 client-request-id=[0-9a-f-]{36} headers=\{.*"authorization":"Bearer \[REDACTED\]".*\}$/,
  );
  assert.ok(
    deletes.some((l) => /^graphcall: debug: response DELETE \S+ status=503 attempt=1 /.test(l)),
  );
  assert.ok(
    deletes.some((l) => /^graphcall: debug: retry DELETE \S+ attempt=1 .* delay=\d+ms/.test(l)),
  );
  // --max-retries 1: two attempts in all, then the error.
  assert.equal(deletes.filter((l) => l.includes(" request DELETE ")).length, 2);
  assert.equal(t.emulator.requests.filter((r) => r.method === "DELETE").length, 2);
  assert.doesNotMatch(run.stderr, /eyJ[\w-]+\.[\w-]+\.[\w-]+/, "no token in the trace");
  // --timeout 0.2 against a 5 s answer: the attempt is given up as a timeout.
  t.emulator.setFaults([{
    method: "DELETE",
    path: "/v1.0/communications/calls/*/participants/*",
    latencyMs: 5000,
  }]);
  const slow = await runMain([
    ...credentials(t.emulator.graphUrl, pem),
    "--timeout",
    "0.2",
    "--max-retries",
    "0",
    "participant",
    "remove",
    "--call",
    IDS.callId,
    "--participant",
    IDS.adele,
  ]);
  assert.equal(slow.code, 7, slow.stderr);
  assert.match(slow.stderr, /did not answer DELETE .* within 200 ms/);
});

Deno.test("participant list passes --top, --filter and --select to Graph", async () => {
  await using t = await startTestEmulator();
  const io = captureIo();
  const code = await main([
    "--emulator",
    t.emulator.graphUrl,
    "--output",
    "json",
    "participant",
    "list",
    "--call",
    IDS.callId,
    "--top",
    "1",
    "--filter",
    "isMuted eq false",
    "--select",
    "isMuted",
    "--what-if",
  ], io);
  assert.equal(code, 0, io.stderr);
  const url = new URL(JSON.parse(io.stdout).result.request.url);
  assert.equal(url.searchParams.get("$top"), "1");
  assert.equal(url.searchParams.get("$filter"), "isMuted eq false");
  assert.equal(url.searchParams.get("$select"), "id,isMuted");
  const pem = await writePem(t.cert);
  const real = await runMain([
    ...credentials(t.emulator.graphUrl, pem),
    "--output",
    "json",
    "participant",
    "list",
    "--call",
    IDS.callId,
    "--top",
    "1",
    "--select",
    "isMuted",
  ]);
  assert.equal(real.code, 0, real.stderr);
  assert.deepEqual(JSON.parse(real.stdout).result, [{ id: IDS.adele, isMuted: false }]);
});
