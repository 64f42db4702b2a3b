/**
 * The secrets harness: every command, with known secret values in play (client secret, a wrong
 * client secret, private key lines, key password, federated token file, GitHub request token,
 * given access token), `--debug` on, in GitHub Actions mode (temp `GITHUB_OUTPUT` and
 * `GITHUB_STEP_SUMMARY`) and with `--token-cache FILE`. Scans stdout, stderr, `GITHUB_OUTPUT`,
 * `GITHUB_STEP_SUMMARY`, the token cache file and the emulator's request log for every value,
 * and for any JWT (access tokens, assertions and GitHub tokens made during the run). Found: 0.
 *
 * The one exception, by design: the token cache file holds access tokens (it cannot work without
 * them), so it is scanned for every OTHER secret, and must be mode 0600. An `::add-mask::VALUE`
 * line is how a secret is handed to the Actions runner, which hides it; it is the one line where
 * a value may appear.
 *
 * tests/secrets_cli_test.ts covers --verbose, --print-token and stdin secrets; this file runs the
 * whole command list under --debug.
 */

import assert from "node:assert/strict";
import { type CliRun, inherited, runCli } from "./support/run_cli.ts";
import { appCertificate, IDS, startTestEmulator } from "./support/tenant.ts";
import {
  cloudTenants,
  githubToken,
  KEY_PASSWORD,
  keyFormats,
  SECRET,
} from "./support/auth_fixtures.ts";
import { tokenFor } from "./support/graph_fixtures.ts";

const CLI = new URL("../cli.ts", import.meta.url).pathname;
const REQUEST_TOKEN = "emulated-actions-request-token";
const WRONG_SECRET = "Wr0ng~secret-value-that-must-not-leak-42";
const JWT = /eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/;

interface Run {
  label: string;
  args: string[];
  env: Record<string, string>;
  cache?: string;
  out: string;
  summary: string;
  result?: CliRun;
}

/** Runs `graphcall emulator --output json`, reads its first line, then stops it (SIGTERM). */
async function runEmulatorCommand(env: Record<string, string>, cwd: string): Promise<CliRun> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "--quiet", "--allow-all", CLI, "--debug", "emulator", "--output", "json"],
    env: { NO_COLOR: "1", ...inherited(), ...env },
    clearEnv: true,
    cwd,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const reader = child.stdout.getReader();
  let stdout = "";
  const decoder = new TextDecoder();
  while (!stdout.includes("\n")) {
    const { value, done } = await reader.read();
    if (done) break;
    stdout += decoder.decode(value, { stream: true });
  }
  const first = JSON.parse(stdout.split("\n")[0]!);
  assert.equal(new URL(first.graphUrl).hostname, "127.0.0.1", "the emulator binds to loopback");
  child.kill("SIGTERM");
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    stdout += decoder.decode(value, { stream: true });
  }
  const [status, stderr] = await Promise.all([
    child.status,
    new Response(child.stderr).text(),
  ]);
  return { code: status.code, stdout, stderr };
}

const MEETING_THREAD = "19:meeting_c2VjcmV0cy1oYXJuZXNz@thread.v2";

Deno.test("no secret reaches stdout, stderr, GITHUB_OUTPUT, the step summary, the token cache or the emulator's log, for any command with --debug in Actions mode", async () => {
  const cert = await appCertificate();
  const formats = keyFormats(cert);
  // The Global tenant also holds a meeting in progress, so the meeting commands run too.
  const tenants = cloudTenants(cert);
  const global = tenants.find((x) => x.cloud === "Global")!;
  global.apps![0]!.roles = [...global.apps![0]!.roles ?? [], "User.Read.All"];
  global.users = [{
    id: IDS.adeleUser,
    displayName: "Adele Vance",
    userPrincipalName: "adele@contoso.onmicrosoft.com",
  }];
  global.meetings = [{
    id: "sync",
    organizer: IDS.adeleUser,
    threadId: MEETING_THREAD,
    joinMeetingId: "1234567890",
    lobby: "open",
    attendees: [{ user: IDS.adeleUser }, { identity: { phone: { id: "+14255550100" } } }],
  }];
  await using t = await startTestEmulator({ state: { tenants } });
  const dir = await Deno.makeTempDir({ prefix: "graphcall-secrets-harness-" });
  const encrypted = `${dir}/app.pem`;
  await Deno.writeTextFile(encrypted, cert.certificatePem + formats.encryptedPkcs8);
  const federated = await githubToken(
    t.emulator.githubOidcRequestUrl,
    "api://AzureADTokenExchange",
  );
  const federatedFile = `${dir}/federated.jwt`;
  await Deno.writeTextFile(federatedFile, federated);
  const accessToken = await tokenFor(t.emulator, cert);

  const keyLines = [formats.pkcs8, formats.encryptedPkcs8, formats.pkcs1]
    .flatMap((pem) => pem.split("\n"))
    .filter((l) => l.length >= 40 && !l.startsWith("-----"));
  const secrets: [string, string[]][] = [
    ["client secret", [SECRET]],
    ["wrong client secret", [WRONG_SECRET]],
    ["private key", keyLines],
    ["key password", [KEY_PASSWORD]],
    ["federated token", [federated]],
    ["GitHub request token", [REQUEST_TOKEN]],
    ["access token", [accessToken]],
  ];

  const base = {
    AZURE_TENANT_ID: IDS.tenantId,
    AZURE_CLIENT_ID: IDS.clientId,
    GRAPHCALL_EMULATOR_URL: t.emulator.graphUrl,
    GITHUB_ACTIONS: "true",
  };
  const kinds: [string, Record<string, string>][] = [
    ["client secret", { AZURE_CLIENT_SECRET: SECRET }],
    ["wrong client secret", { AZURE_CLIENT_SECRET: WRONG_SECRET }],
    [
      "encrypted certificate",
      { AZURE_CLIENT_CERTIFICATE_PATH: encrypted, AZURE_CLIENT_CERTIFICATE_PASSWORD: KEY_PASSWORD },
    ],
    ["federated token file", { AZURE_FEDERATED_TOKEN_FILE: federatedFile }],
    ["GitHub OIDC", {
      ACTIONS_ID_TOKEN_REQUEST_URL: t.emulator.githubOidcRequestUrl,
      ACTIONS_ID_TOKEN_REQUEST_TOKEN: REQUEST_TOKEN,
    }],
    ["given access token", { GRAPHCALL_ACCESS_TOKEN: accessToken }],
  ];
  // Every secret in the environment at once, for the commands that need no credential: none of
  // them may be echoed.
  const everything = {
    AZURE_CLIENT_SECRET: SECRET,
    AZURE_CLIENT_CERTIFICATE_PATH: encrypted,
    AZURE_CLIENT_CERTIFICATE_PASSWORD: KEY_PASSWORD,
    AZURE_FEDERATED_TOKEN_FILE: federatedFile,
    ACTIONS_ID_TOKEN_REQUEST_URL: t.emulator.githubOidcRequestUrl,
    ACTIONS_ID_TOKEN_REQUEST_TOKEN: REQUEST_TOKEN,
    GRAPHCALL_ACCESS_TOKEN: accessToken,
  };

  // The participant commands this build has (get, invite and mute may come with the CLI work).
  const call = ["--call", IDS.callId];
  const participantCommands: [string, string[]][] = [
    ["participant list", ["participant", "list", ...call]],
    ["participant remove", ["participant", "remove", ...call, "--participant", IDS.megan]],
    ["participant get", ["participant", "get", ...call, "--participant", IDS.adele]],
    ["participant mute", ["participant", "mute", ...call, "--participant", IDS.adele]],
    ["participant invite", ["participant", "invite", ...call, "--user", IDS.adeleUser]],
  ];
  const present: [string, string[]][] = [];
  const skipped: string[] = [];
  for (const [label, args] of participantCommands) {
    const help = await runCli([args[0]!, args[1]!, "--help"]);
    const has = help.code === 0 && help.stdout.includes(`Usage: graphcall ${args[0]} ${args[1]}`);
    if (has) present.push([label, args]);
    else skipped.push(label);
  }
  const globalHelp = await runCli(["--help"]);
  assert.match(globalHelp.stdout, /--debug/, "this build has --debug");

  const joinUrl = `https://teams.microsoft.com/l/meetup-join/${
    encodeURIComponent(MEETING_THREAD)
  }/0?context=${encodeURIComponent(JSON.stringify({ Tid: IDS.tenantId, Oid: IDS.adeleUser }))}`;
  const credentialed: [string, string[]][] = [
    ...present,
    ["meeting participants", ["meeting", "participants", "--join-url", joinUrl]],
    [
      "meeting remove",
      ["meeting", "remove", "--join-url", joinUrl, "--user", "adele@contoso.onmicrosoft.com"],
    ],
    ["token --show-claims", ["token", "--show-claims"]],
    ["doctor", ["doctor", ...call]],
  ];
  const runs: Run[] = [];
  let n = 0;
  for (const [command, args] of credentialed) {
    for (const [kind, env] of kinds) {
      const i = n++;
      runs.push({
        label: `${command} (${kind})`,
        args: ["--debug", "--token-cache", `${dir}/cache-${i}.json`, ...args],
        env: { ...base, ...env },
        cache: `${dir}/cache-${i}.json`,
        out: `${dir}/output-${i}`,
        summary: `${dir}/summary-${i}`,
      });
    }
  }
  for (
    const [label, args] of [
      ["tenant setup", ["tenant", "setup", "--app-id", IDS.clientId]],
      ["cert new", ["cert", "new", "--out", `${dir}/new-cert.pem`, "--key-size", "2048"]],
      ["clouds", ["clouds"]],
    ] as const
  ) {
    const i = n++;
    runs.push({
      label: `${label} (every secret in the environment)`,
      args: ["--debug", ...args],
      env: { ...base, ...everything },
      out: `${dir}/output-${i}`,
      summary: `${dir}/summary-${i}`,
    });
  }
  for (const run of runs) {
    await Deno.writeTextFile(run.out, "");
    await Deno.writeTextFile(run.summary, "");
  }
  let next = 0;
  await Promise.all(Array.from({ length: 4 }, async () => {
    while (next < runs.length) {
      const run = runs[next++]!;
      run.result = await runCli(run.args, {
        env: { ...run.env, GITHUB_OUTPUT: run.out, GITHUB_STEP_SUMMARY: run.summary },
        cwd: dir,
      });
    }
  }));
  const emulatorRun = await runEmulatorCommand(
    {
      ...base,
      ...everything,
      GITHUB_OUTPUT: `${dir}/emu-out`,
      GITHUB_STEP_SUMMARY: `${dir}/emu-sum`,
    },
    dir,
  );

  // The meeting commands ran for real (a credential that works took the whole path).
  for (const command of ["meeting participants", "meeting remove"]) {
    assert.ok(
      runs.some((r) => r.label.startsWith(`${command} (`) && r.result?.code === 0),
      `${command} succeeded with some credential`,
    );
  }

  // Scan.
  const findings: string[] = [];
  let checks = 0;
  const places = new Set<string>();
  const scan = (place: string, where: string, text: string, options: { jwt?: boolean } = {}) => {
    places.add(place);
    const visible = text.split("\n").filter((l) => !/^::add-mask::/.test(l)).join("\n");
    for (const [name, values] of secrets) {
      if (place === "token cache" && name === "access token") continue; // holds tokens by design
      checks++;
      if (values.some((v) => visible.includes(v))) findings.push(`${name} in ${where}`);
    }
    if (options.jwt !== false) {
      checks++;
      if (JWT.test(visible)) findings.push(`a JWT in ${where}`);
    }
    if (/PRIVATE KEY-----/.test(visible)) findings.push(`a key block in ${where}`);
  };
  for (const run of runs) {
    const r = run.result!;
    scan("stdout", `${run.label} stdout`, r.stdout);
    scan("stderr", `${run.label} stderr`, r.stderr);
    scan("GITHUB_OUTPUT", `${run.label} GITHUB_OUTPUT`, await Deno.readTextFile(run.out));
    scan("GITHUB_STEP_SUMMARY", `${run.label} summary`, await Deno.readTextFile(run.summary));
    if (run.cache) {
      const stat = await Deno.stat(run.cache).catch(() => undefined);
      if (stat) {
        assert.equal(stat.mode! & 0o777, 0o600, `${run.label}: the token cache is mode 0600`);
        scan("token cache", `${run.label} token cache`, await Deno.readTextFile(run.cache), {
          jwt: false,
        });
      }
    }
  }
  scan("stdout", "emulator stdout", emulatorRun.stdout);
  scan("stderr", "emulator stderr", emulatorRun.stderr);
  const log = await fetch(`${t.emulator.adminUrl}/requests`);
  scan("emulator request log", "GET /_emulator/requests", await log.text());
  scan("emulator request log", "emulator.requests", JSON.stringify(t.emulator.requests));

  // The runs did what they claim: --debug traced, successes succeeded, failures were typed.
  const byLabel = new Map(runs.map((r) => [r.label, r.result!]));
  const list = byLabel.get("participant list (client secret)")!;
  assert.equal(list.code, 0, list.stderr);
  assert.match(list.stderr, /graphcall: debug: /, "--debug traces");
  assert.match(list.stderr, /\[REDACTED\]/, "the trace shows the Authorization header redacted");
  for (
    const kind of [
      "client secret",
      "encrypted certificate",
      "federated token file",
      "GitHub OIDC",
      "given access token",
    ]
  ) {
    const r = byLabel.get(`token --show-claims (${kind})`)!;
    assert.equal(r.code, 0, `${kind}: ${r.stderr}`);
  }
  assert.equal(byLabel.get("token --show-claims (wrong client secret)")!.code, 3);
  assert.ok(t.emulator.requests.length > 20, "the emulator was used");
  assert.ok(emulatorRun.code === 0 || emulatorRun.code === 130 || emulatorRun.code === 143);

  const exits = runs.map((r) => `${r.label}: ${r.result!.code}`);
  console.log(
    `secrets harness: ${secrets.length} secrets (${
      secrets.reduce((a, [, v]) => a + v.length, 0)
    } values, key lines included) + any JWT, ${places.size} places, ${runs.length + 1} runs, ` +
      `${checks} checks, found ${findings.length}; participant commands skipped (absent in ` +
      `this build): ${skipped.join(", ") || "none"}\n  ${exits.join("\n  ")}`,
  );
  assert.deepEqual(findings, []);
});
