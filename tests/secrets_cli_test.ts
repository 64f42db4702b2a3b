import assert from "node:assert/strict";
import { type CliRun, runCli } from "./support/run_cli.ts";
import { appCertificate, IDS, startTestEmulator } from "./support/tenant.ts";
import { cloudTenants, KEY_PASSWORD, keyFormats, SECRET } from "./support/auth_fixtures.ts";

const REQUEST_TOKEN = "emulated-actions-request-token";
// Any JWT (access token, client assertion, GitHub token) starts with a base64url `{"`.
const JWT = /eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/;

/** All files under a directory, with their text. */
async function filesIn(dir: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for await (const e of Deno.readDir(dir)) {
    const path = `${dir}/${e.name}`;
    if (e.isDirectory) { for (const [k, v] of await filesIn(path)) out.set(k, v); }
    else if (e.isFile) out.set(path, new TextDecoder().decode(await Deno.readFile(path)));
  }
  return out;
}

Deno.test("CLI commands with --verbose never print or write a secret, key, password, assertion or token", async () => {
  const cert = await appCertificate();
  const formats = keyFormats(cert);
  await using t = await startTestEmulator({ state: { tenants: cloudTenants(cert) } });
  const inputs = await Deno.makeTempDir({ prefix: "graphcall-secrets-in-" });
  const work = await Deno.makeTempDir({ prefix: "graphcall-secrets-cwd-" });
  const encrypted = `${inputs}/app.pem`;
  await Deno.writeTextFile(encrypted, cert.certificatePem + formats.encryptedPkcs8);
  const plain = `${inputs}/plain.pem`;
  await Deno.writeTextFile(plain, cert.certificatePem + formats.pkcs8);
  const secretFile = `${inputs}/secret.txt`;
  await Deno.writeTextFile(secretFile, SECRET);
  const env = {
    AZURE_TENANT_ID: IDS.tenantId,
    AZURE_CLIENT_ID: IDS.clientId,
    GRAPHCALL_EMULATOR_URL: t.emulator.graphUrl,
  };
  const call = ["--call", IDS.callId];
  const runs: [string, Promise<CliRun>][] = [
    [
      "participant list, secret from env",
      runCli(["participant", "list", ...call, "--verbose"], {
        env: { ...env, AZURE_CLIENT_SECRET: SECRET },
        cwd: work,
      }),
    ],
    [
      "token --show-claims, secret from stdin",
      runCli(
        ["token", "--show-claims", "--verbose", "--client-secret-file", "-"],
        { env, stdin: SECRET + "\n", cwd: work },
      ),
    ],
    [
      "token --show-claims --output json, encrypted key, password from env",
      runCli(
        ["token", "--show-claims", "--verbose", "--output", "json"],
        {
          env: {
            ...env,
            AZURE_CLIENT_CERTIFICATE_PATH: encrypted,
            AZURE_CLIENT_CERTIFICATE_PASSWORD: KEY_PASSWORD,
          },
          cwd: work,
        },
      ),
    ],
    [
      "participant remove, certificate file with RS256 and chain",
      runCli(
        [
          "participant",
          "remove",
          ...call,
          "--participant",
          IDS.megan,
          "--verbose",
          "--certificate",
          plain,
          "--assertion-alg",
          "RS256",
          "--send-certificate-chain",
        ],
        { env, cwd: work },
      ),
    ],
    [
      "token, federated GitHub Actions",
      runCli(["token", "--show-claims", "--verbose"], {
        env: {
          ...env,
          GITHUB_ACTIONS: "true",
          ACTIONS_ID_TOKEN_REQUEST_URL: t.emulator.githubOidcRequestUrl,
          ACTIONS_ID_TOKEN_REQUEST_TOKEN: REQUEST_TOKEN,
        },
        cwd: work,
      }),
    ],
    [
      "participant list, wrong secret (AADSTS7000215)",
      runCli(
        ["participant", "list", ...call, "--verbose", "--client-secret-file", secretFile],
        { env: { ...env, AZURE_CLIENT_ID: IDS.otherClientId }, cwd: work },
      ),
    ],
    [
      "--client-secret VALUE is refused",
      runCli(
        ["participant", "list", ...call, "--verbose", "--client-secret", SECRET],
        { env, cwd: work },
      ),
    ],
  ];
  const results = await Promise.all(runs.map(([, p]) => p));
  const keyLines = [formats.pkcs8, formats.encryptedPkcs8, formats.pkcs1]
    .flatMap((pem) => pem.split("\n"))
    .filter((l) => l.length >= 40 && !l.startsWith("-----"));
  const secrets = [SECRET, KEY_PASSWORD, REQUEST_TOKEN, ...keyLines];
  const check = (label: string, output: string) => {
    // `::add-mask::VALUE` is how a secret is handed to the Actions runner, which hides it from
    // then on and never shows the command itself; it is the one place a value may appear.
    const text = output.split("\n").filter((l) => !l.startsWith("::add-mask::")).join("\n");
    for (const s of secrets) assert.ok(!text.includes(s), `${label} leaks ${s.slice(0, 6)}...`);
    assert.ok(!JWT.test(text), `${label} contains a JWT`);
    assert.ok(!/PRIVATE KEY/.test(text), `${label} contains a key block`);
  };
  results.forEach((r, i) => {
    const label = runs[i]![0];
    check(`${label} stdout`, r.stdout);
    check(`${label} stderr`, r.stderr);
  });
  for (const [path, text] of await filesIn(work)) check(`file ${path}`, text);

  // And the runs did what they claim.
  const [list, stdinToken, jsonToken, remove, github, wrong, refused] = results;
  assert.equal(list!.code, 0, list!.stderr);
  assert.match(list!.stdout, /Adele Vance/);
  assert.equal(stdinToken!.code, 0, stdinToken!.stderr);
  assert.match(stdinToken!.stdout, /Calls\.JoinGroupCall\.All/);
  assert.match(stdinToken!.stderr, /credential: client secret from standard input/);
  assert.equal(jsonToken!.code, 0, jsonToken!.stderr);
  assert.equal(JSON.parse(jsonToken!.stdout).result.claims.tid, IDS.tenantId);
  assert.equal(remove!.code, 0, remove!.stderr);
  assert.match(remove!.stderr, /credential: certificate [0-9A-F]{40} .*RS256 with x5c chain/);
  assert.equal(github!.code, 0, github!.stderr);
  assert.match(github!.stderr, /federated token from GitHub Actions OIDC/);
  assert.equal(wrong!.code, 3);
  assert.match(wrong!.stderr, /AADSTS700016/);
  assert.equal(refused!.code, 2);
  assert.equal(refused!.stderr.trimEnd().split("\n").length, 1, refused!.stderr);
  assert.match(refused!.stderr, /never taken as a command-line value.*process listings/);
});

Deno.test("token prints the raw token only with --print-token, alone on stdout", async () => {
  const cert = await appCertificate();
  await using t = await startTestEmulator({ state: { tenants: cloudTenants(cert) } });
  const env = {
    AZURE_TENANT_ID: IDS.tenantId,
    AZURE_CLIENT_ID: IDS.clientId,
    AZURE_CLIENT_SECRET: SECRET,
    GRAPHCALL_EMULATOR_URL: t.emulator.graphUrl,
  };
  const [plain, printed] = await Promise.all([
    runCli(["token"], { env }),
    runCli(["token", "--print-token"], { env }),
  ]);
  assert.equal(plain.code, 0, plain.stderr);
  assert.ok(!JWT.test(plain.stdout + plain.stderr));
  assert.match(plain.stdout, new RegExp(`token for app ${IDS.clientId}`));
  assert.equal(printed.code, 0, printed.stderr);
  assert.match(printed.stdout, /^eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\n$/);
  assert.equal(printed.stderr, "");
});

Deno.test("the --token-cache file holds the access token and its expiry, nothing else, mode 0600", async () => {
  const cert = await appCertificate();
  await using t = await startTestEmulator({ state: { tenants: cloudTenants(cert) } });
  const dir = await Deno.makeTempDir({ prefix: "graphcall-cli-cache-" });
  const cache = `${dir}/tokens.json`;
  const env = {
    AZURE_TENANT_ID: IDS.tenantId,
    AZURE_CLIENT_ID: IDS.clientId,
    AZURE_CLIENT_SECRET: SECRET,
    GRAPHCALL_EMULATOR_URL: t.emulator.graphUrl,
  };
  const first = await runCli(["token", "--token-cache", cache], { env });
  const second = await runCli(["token", "--token-cache", cache], { env });
  assert.equal(first.code, 0, first.stderr);
  assert.equal(second.code, 0, second.stderr);
  assert.equal(t.emulator.tokenRequests.get(IDS.clientId), 1);
  assert.equal((await Deno.stat(cache)).mode! & 0o777, 0o600);
  const text = await Deno.readTextFile(cache);
  assert.ok(!text.includes(SECRET));
  const entries = Object.values(JSON.parse(text).tokens) as Record<string, unknown>[];
  assert.deepEqual(Object.keys(entries[0]!).sort(), ["accessToken", "expiresAt"]);
});
