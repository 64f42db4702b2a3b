import assert from "node:assert/strict";
import { createPrivateKey, X509Certificate } from "node:crypto";
import { main } from "../lib/cli/main.ts";
import { EXIT_CODE_TABLE } from "../lib/errors.ts";
import { VERSION } from "../lib/version.ts";
import { findAlias, parseHashtable, translateAlias } from "../lib/cli/powershell_aliases.ts";
import { captureIo } from "./support/capture_io.ts";
import { runCli } from "./support/run_cli.ts";
import { runMain } from "./support/run_main.ts";
import { ROOT } from "../lib/cli/command_tree.ts";
import { renderHelp } from "../lib/cli/help.ts";
import { IDS, startTestEmulator, writePem } from "./support/tenant.ts";
import { cliCredentialEnv } from "./support/cli_credentials.ts";

function keyOf(pem: string): string {
  return /-----BEGIN PRIVATE KEY-----[\s\S]+?-----END PRIVATE KEY-----/.exec(pem)![0];
}

const env = cliCredentialEnv;

Deno.test("--version prints the version and --help lists commands, PowerShell names and exit codes", async () => {
  const version = await runMain(["--version"]);
  assert.equal(version.code, 0);
  assert.equal(version.stdout, `${VERSION}\n`);
  const help = await runMain(["--help"]);
  assert.equal(help.code, 0);
  assert.equal(help.stderr, "");
  for (const word of ["participant", "cert", "clouds", "emulator", "demo", "completions"]) {
    assert.match(help.stdout, new RegExp(`^  ${word}\\b`, "m"));
  }
  assert.match(help.stdout, /Remove-MgCommunicationCallParticipant\s+participant remove/);
  for (const { code, meaning } of EXIT_CODE_TABLE) {
    assert.ok(help.stdout.includes(`${String(code).padStart(3)}  ${meaning}`), meaning);
  }
});

Deno.test("every command's help has an Example", async () => {
  const paths = [
    [],
    ["participant", "remove"],
    ["participant", "list"],
    ["participant", "get"],
    ["participant", "mute"],
    ["participant", "invite"],
    ["cert", "new"],
    ["clouds"],
    ["completions"],
    ["emulator"],
    ["demo"],
    ["tenant", "setup"],
    ["doctor"],
  ];
  for (const path of paths) {
    const io = captureIo();
    assert.equal(await main([...path, "--help"], io), 0, path.join(" "));
    assert.match(io.stdout, /\nExamples?:\n {2}\S/, `${path.join(" ")} --help`);
  }
});

Deno.test("participant list and Get-MgCommunicationCallParticipant show the call's participants", async () => {
  await using t = await startTestEmulator();
  const pem = await writePem(t.cert);
  const list = await runMain(
    ["--emulator", t.emulator.graphUrl, "participant", "list", "--call", IDS.callId],
    { env: env(pem) },
  );
  assert.equal(list.code, 0, list.stderr);
  assert.match(list.stdout, /^ID\s+WHO\s+MUTED$/m);
  assert.match(list.stdout, new RegExp(`^${IDS.adele}\\s+user: Adele Vance\\s+no$`, "m"));
  assert.equal(list.stderr, "");
  const alias = await runMain([
    "--emulator",
    t.emulator.graphUrl,
    "--output",
    "json",
    "get-mgcommunicationcallparticipant",
    "-callid",
    IDS.callId,
    "-Top",
    "1",
    "-Prop",
    "isMuted",
  ], { env: env(pem) });
  assert.equal(alias.code, 0, alias.stderr);
  const doc = JSON.parse(alias.stdout);
  assert.equal(doc.command, "participant list");
  assert.deepEqual(doc.result, [{ id: IDS.adele, isMuted: false }]);
});

Deno.test("Remove-MgCommunicationCallParticipant with prefixes and any case removes the participant", async () => {
  await using t = await startTestEmulator();
  const pem = await writePem(t.cert);
  const run = await runMain([
    "--emulator",
    t.emulator.graphUrl,
    "REMOVE-MGCOMMUNICATIONCALLPARTICIPANT",
    "-Call",
    IDS.callId,
    "-particip",
    IDS.adele,
    "-Headers",
    '@{"X-Note"="from ps"}',
    "-Pass",
    "-Confirm:$false",
  ], { env: env(pem) });
  assert.equal(run.code, 0, run.stderr);
  assert.equal(run.stdout, "true\n");
  assert.equal(
    t.emulator.state.tenant(IDS.tenantId)!.calls.get(IDS.callId)!.participants.has(IDS.adele),
    false,
  );
});

Deno.test("clouds and Get-MgEnvironment list the four clouds", async () => {
  const run = await runMain(["clouds"]);
  assert.equal(run.code, 0);
  for (const name of ["Global", "USGov", "USGovDoD", "China"]) {
    assert.match(run.stdout, new RegExp(`^${name}\\s+https://`, "m"));
  }
  const alias = await runMain(["Get-MgEnvironment", "-Name", "china", "--output", "json"]);
  assert.equal(alias.code, 0, alias.stderr);
  const doc = JSON.parse(alias.stdout);
  assert.equal(doc.command, "clouds");
  assert.equal(doc.result.length, 1);
  assert.equal(doc.result[0].graphUrl, "https://microsoftgraph.chinacloudapi.cn");
  assert.equal(doc.result[0].participantsApi, false);
});

Deno.test("cert new writes a 0600 key file and the certificate, and prints both thumbprints", async () => {
  const dir = await Deno.makeTempDir();
  const run = await runMain([
    "cert",
    "new",
    "--subject",
    "CN=meeting-bot",
    "--out",
    `${dir}/app.pem`,
    "--years",
    "2",
    "--key-size",
    "2048",
  ]);
  assert.equal(run.code, 0, run.stderr);
  const pem = await Deno.readTextFile(`${dir}/app.pem`);
  assert.equal((await Deno.stat(`${dir}/app.pem`)).mode! & 0o777, 0o600);
  const x509 = new X509Certificate(await Deno.readTextFile(`${dir}/app.crt`));
  assert.equal(x509.subject, "CN=meeting-bot");
  assert.equal(createPrivateKey(keyOf(pem)).asymmetricKeyDetails?.modulusLength, 2048);
  assert.doesNotMatch(await Deno.readTextFile(`${dir}/app.crt`), /PRIVATE KEY/);
  assert.ok(run.stdout.includes(`thumbprint SHA-1:   ${x509.fingerprint.replaceAll(":", "")}`));
  assert.ok(run.stdout.includes(`thumbprint SHA-256: ${x509.fingerprint256.replaceAll(":", "")}`));
  assert.match(run.stdout, /Upload certificate/);
  assert.doesNotMatch(run.stdout, /PRIVATE KEY/);
  const again = await runMain(["cert", "new", "--out", `${dir}/app.pem`]);
  assert.equal(again.code, 2);
  assert.match(again.stderr, /exists; add --force/);
});

Deno.test("cert new makes an RSA 3072 key by default, also as New-SelfSignedCertificate", async () => {
  const dir = await Deno.makeTempDir();
  const io = captureIo();
  const code = await main(
    ["--output", "json", "New-SelfSignedCertificate", "-Subject", "CN=bot", "-Out", `${dir}/a.pem`],
    io,
  );
  assert.equal(code, 0, io.stderr);
  const doc = JSON.parse(io.stdout);
  assert.equal(doc.command, "cert new");
  assert.match(doc.result.thumbprintSha1, /^[0-9A-F]{40}$/);
  assert.match(doc.result.thumbprintSha256, /^[0-9A-F]{64}$/);
  const key = createPrivateKey(keyOf(await Deno.readTextFile(`${dir}/a.pem`)));
  assert.equal(key.asymmetricKeyDetails?.modulusLength, 3072);
});

Deno.test("completions for bash, zsh and pwsh name every command, flag and PowerShell name", async () => {
  for (const shell of ["bash", "zsh", "pwsh"]) {
    const run = await runMain(["completions", shell]);
    assert.equal(run.code, 0, run.stderr);
    for (
      const word of ["participant", "remove", "--call", "--all-except-self", "emulator", "--port"]
    ) {
      assert.ok(run.stdout.includes(word), `${shell}: ${word}`);
    }
    assert.ok(run.stdout.includes("Remove-MgCommunicationCallParticipant"));
    assert.ok(run.stdout.includes("-ParticipantId"));
    if (shell === "bash") {
      const dir = await Deno.makeTempDir();
      await Deno.writeTextFile(`${dir}/c.bash`, run.stdout);
      const check = await new Deno.Command("bash", {
        args: [
          "-c",
          `source ${dir}/c.bash; COMP_WORDS=(graphcall participant remove --ca); COMP_CWORD=3; _graphcall; echo "\${COMPREPLY[*]}"`,
        ],
      }).output();
      assert.equal(new TextDecoder().decode(check.stdout).trim(), "--call");
    }
  }
});

Deno.test("demo runs the whole story on the embedded emulator", async () => {
  const run = await runMain(["demo"]);
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stdout, /Graph answered 204 to the DELETE/);
  // the real story: from a join link and an email; the app leaves every time
  assert.match(run.stdout, /\$ graphcall meeting remove --join-url "\$JOIN_URL" --user adele@/);
  assert.match(run.stdout, /the app's calls still live: 0/);
  const after = run.stdout.slice(run.stdout.indexOf("5. The meeting now"));
  assert.doesNotMatch(after, /Adele Vance/);
});

Deno.test("demo --guard shows a banned person rejoining twice and removed each time", async () => {
  const run = await runMain(["demo", "--guard"]);
  assert.equal(run.code, 0, run.stderr);
  assert.equal((run.stdout.match(/removed Adele Vance/g) ?? []).length, 3);
  assert.match(run.stdout, /3 removals: Adele Vance 3/);
  assert.match(run.stdout, /the app's calls still live: 0/);
});

Deno.test("the invite, mute and get PowerShell names work against the emulator", async () => {
  await using t = await startTestEmulator();
  const pem = await writePem(t.cert);
  const body = JSON.stringify({
    participants: [{
      "@odata.type": "#microsoft.graph.invitationParticipantInfo",
      identity: { user: { id: IDS.adeleUser, displayName: "Adele Vance" } },
      participantId: "4f0c1f3e-9a4b-4c55-8a3d-0f1e2d3c4b5a",
    }],
    clientContext: "from-powershell",
  });
  const invite = captureIo({ env: env(pem), stdin: body });
  assert.equal(
    await main([
      "--emulator",
      t.emulator.graphUrl,
      "--output",
      "json",
      "Invoke-MgInviteCommunicationCallParticipant",
      "-CallId",
      IDS.callId,
      "-BodyParameter",
      "-",
    ], invite),
    0,
    invite.stderr,
  );
  const invited = JSON.parse(invite.stdout);
  assert.equal(invited.command, "participant invite");
  assert.match(invited.result.operationId, /\S/);
  assert.equal(
    invited.result.participants[0].participantId,
    "4f0c1f3e-9a4b-4c55-8a3d-0f1e2d3c4b5a",
  );

  const participants = captureIo({ env: env(pem) });
  assert.equal(
    await main([
      "--emulator",
      t.emulator.graphUrl,
      "--output",
      "json",
      "Invoke-MgInviteCommunicationCallParticipant",
      "-CallId",
      IDS.callId,
      "-Participants",
      JSON.stringify([{ identity: { phone: { id: "+14255550123" } } }]),
      "-ClientContext",
      "ctx-2",
    ], participants),
    0,
    participants.stderr,
  );
  assert.equal(JSON.parse(participants.stdout).result.participants.length, 1);

  const mute = captureIo({ env: env(pem) });
  assert.equal(
    await main([
      "--emulator",
      t.emulator.graphUrl,
      "Invoke-MgMuteCommunicationCallParticipant",
      "-CallId",
      IDS.callId,
      "-ParticipantId",
      IDS.megan,
      "-ClientContext",
      "mute-ctx",
    ], mute),
    0,
    mute.stderr,
  );
  assert.match(mute.stdout, new RegExp(`muted participant ${IDS.megan} in call ${IDS.callId}`));

  const get = captureIo({ env: env(pem) });
  assert.equal(
    await main([
      "--emulator",
      t.emulator.graphUrl,
      "--output",
      "json",
      "Get-MgCommunicationCallParticipant",
      "-CallId",
      IDS.callId,
      "-ParticipantId",
      IDS.megan,
      "-Property",
      "isMuted",
    ], get),
    0,
    get.stderr,
  );
  const got = JSON.parse(get.stdout);
  assert.equal(got.command, "participant get");
  assert.equal(got.result.participant.id, IDS.megan);
  assert.equal(got.result.participant.isMuted, true, "the mute above took effect");

  const filtered = captureIo({ env: env(pem) });
  assert.equal(
    await main([
      "--emulator",
      t.emulator.graphUrl,
      "Get-MgCommunicationCallParticipant",
      "-CallId",
      IDS.callId,
      "-Filter",
      "isMuted eq true",
      "-Top",
      "5",
      "--what-if",
    ], filtered),
    0,
    filtered.stderr,
  );
  assert.match(filtered.stdout, /\$top=5&\$filter=isMuted%20eq%20true/);

  for (
    const [argv, message] of [
      [
        ["Get-MgCommunicationCallParticipant", "-CallId", "c", "-ExpandProperty", "x"],
        /-ExpandProperty: is not supported: a participant has no relationships/,
      ],
      [
        ["Get-MgCommunicationCallParticipant", "-CallId", "c", "-Headers", "@{A='1'}"],
        /-Headers: is not supported/,
      ],
    ] as const
  ) {
    const io = captureIo();
    assert.equal(await main(argv, io), 2, argv.join(" "));
    assert.match(io.stderr, message);
    assert.equal(io.stderr.trimEnd().split("\n").length, 1);
  }
});

Deno.test("PowerShell binding: exact names win, prefixes must be unambiguous, switches take :$false", () => {
  assert.throws(
    () => translateAlias(["Remove-MgCommunicationCallParticipant", "-P", "p1"], 0),
    /-P: is ambiguous for Remove-MgCommunicationCallParticipant: it could be -ParticipantId, -PassThru/,
  );
  const ok = translateAlias([
    "--tenant",
    "x",
    "remove-mgcommunicationcallparticipant",
    "-CALLID:c1",
    "-Partic",
    "p1",
    "-WhatIf:$false",
    "-Confirm",
    "-IfM",
    "etag",
    "--debug",
  ], 2)!;
  assert.deepEqual(ok.argv, [
    "--tenant",
    "x",
    "participant",
    "remove",
    "--call",
    "c1",
    "--participant",
    "p1",
    "--confirm",
    "--if-match",
    "etag",
    "--debug",
  ]);
  const get = translateAlias(["Get-MgCommunicationCallParticipant", "-All", "-CallId", "c"], 0)!;
  assert.deepEqual(get.argv, ["participant", "list", "--all", "--call", "c"]);
  assert.throws(
    () => translateAlias(["Remove-MgCommunicationCallParticipant", "-CallId"], 0),
    /-CallId: needs a value/,
  );
  assert.deepEqual(
    translateAlias(["Remove-MgCommunicationCallParticipant", "-InputObject", "-"], 0)!.argv,
    ["participant", "remove", "--input-object", "-"],
  );
  assert.throws(
    () => translateAlias(["Get-MgCommunicationCallParticipant", "-CallId", "c", "-Expand", "x"], 0),
    /-ExpandProperty: is not supported: a participant has no relationships to expand/,
  );
  assert.equal(findAlias("new-selfsignedcertificate")?.command.join(" "), "cert new");
  assert.deepEqual(parseHashtable(`@{"A"="1"; B='two words'}`, "-Headers"), [["A", "1"], [
    "B",
    "two words",
  ]]);
});

Deno.test("Set-CsApplicationMeetingConfiguration prints the setup script, and @{Remove=...} the revoke script", async () => {
  const app = "0b5e8a21-6c4f-4d2e-9a57-3f1c2d8e7b60";
  const add = captureIo();
  assert.equal(
    await main([
      "Set-CsApplicationMeetingConfiguration",
      "-AllowRemoveParticipantAppIds",
      `@{Add="${app}"}`,
    ], add),
    0,
    add.stderr,
  );
  assert.match(add.stdout, new RegExp(`AllowRemoveParticipantAppIds @\\{Add="${app}"\\}`));
  const remove = captureIo();
  assert.equal(
    await main(
      ["set-csapplicationmeetingconfiguration", "-AllowRemove", `@{Remove="${app}"}`],
      remove,
    ),
    0,
    remove.stderr,
  );
  assert.match(remove.stdout, new RegExp(`AllowRemoveParticipantAppIds @\\{Remove="${app}"\\}`));
});

Deno.test("Get-MgContext shows the token's claims and never the token", async () => {
  await using t = await startTestEmulator();
  const pem = await writePem(t.cert);
  const run = await runMain(["--emulator", t.emulator.graphUrl, "Get-MgContext"], {
    env: env(pem),
  });
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stdout, /Calls\.JoinGroupCall\.All/);
  assert.doesNotMatch(run.stdout, /eyJ[A-Za-z0-9_-]+\.eyJ/);
});

Deno.test("graphcall --version prints the same line through the fast path and the parser", async () => {
  const parsed = captureIo();
  assert.equal(await main(["--version"], parsed), 0);
  for (const flag of ["--version", "-V"]) {
    const run = await runCli([flag]);
    assert.equal(run.code, 0);
    assert.equal(run.stdout, parsed.stdout);
    assert.equal(run.stderr, "");
  }
});

Deno.test("graphcall --help prints the generated root help, which is the command tree's, through cli.ts and main()", async () => {
  const { ROOT_HELP } = await import("../lib/cli/root_help.ts");
  const parsed = captureIo();
  assert.equal(await main(["--help"], parsed), 0);
  assert.equal(parsed.stdout, renderHelp(ROOT, []));
  assert.equal(ROOT_HELP, parsed.stdout, "lib/cli/root_help.ts is stale: run `deno task gen-help`");
  for (const flag of ["--help", "-h"]) {
    const run = await runCli([flag]);
    assert.equal(run.code, 0);
    assert.equal(run.stdout, parsed.stdout);
  }
  const help = await runMain(["help", "participant", "remove"]);
  assert.equal(help.stdout, renderHelp(ROOT, ["participant", "remove"]));
  assert.match(help.stdout, /^Usage: graphcall participant remove \[options\]\n/);
});

Deno.test("every help text is plain and at most 80 columns wide", async () => {
  const paths: string[][] = [[]];
  const walk = (node: typeof ROOT, path: string[]) => {
    for (const c of node.commands ?? []) {
      paths.push([...path, c.name]);
      walk(c, [...path, c.name]);
    }
  };
  walk(ROOT, []);
  for (const path of paths) {
    const run = await runMain([...path, "--help"], { terminal: true, env: {} });
    assert.equal(run.code, 0, path.join(" "));
    assert.ok(!run.stdout.includes("\x1b"), `${path.join(" ")}: plain`);
    for (const line of run.stdout.split("\n")) {
      assert.ok(
        line.length <= 80,
        `${path.join(" ") || "graphcall"}: ${line.length} > 80: ${line}`,
      );
    }
  }
});

Deno.test("token --timeout bounds a slow token endpoint and exits 7", async () => {
  await using t = await startTestEmulator();
  t.emulator.setFaults([{ method: "POST", path: "/*/oauth2/v2.0/token", latencyMs: 2000 }]);
  const pem = await writePem(t.cert);
  const started = Date.now();
  const run = await runMain(
    ["--emulator", t.emulator.graphUrl, "--timeout", "0.3", "token", "--show-claims"],
    { env: env(pem) },
  );
  assert.equal(run.code, 7, run.stderr);
  assert.equal(run.stderr.trimEnd().split("\n").length >= 1, true);
  assert.ok(Date.now() - started < 1800, "gave up well before the 2 s latency");
});
