import assert from "node:assert/strict";
import { decodeJwt } from "npm:jose@^6.2";
import { resolveCredential } from "../lib/auth/resolve_credential.ts";
import { checkHostUrl } from "../lib/auth/host_url.ts";
import { resolveHosts } from "../lib/auth/hosts.ts";
import { TokenCache } from "../lib/auth/token_cache.ts";
import { InvalidInputError } from "../lib/errors.ts";
import { runMain } from "./support/run_main.ts";
import { appCertificate, IDS, startTestEmulator } from "./support/tenant.ts";
import { cloudTenants, SECRET } from "./support/auth_fixtures.ts";

const base = { AZURE_TENANT_ID: IDS.tenantId, AZURE_CLIENT_ID: IDS.clientId };

function refusedNaming(field: string, message: RegExp) {
  return (e: unknown) =>
    e instanceof InvalidInputError && e.field === field && message.test(e.message) &&
    !e.message.includes("\n");
}

Deno.test("http authority and Graph URLs are refused unless the host is loopback", () => {
  for (
    const ok of [
      "http://127.0.0.1:8080",
      "http://127.9.8.7",
      "http://localhost:1",
      "http://[::1]:99",
    ]
  ) {
    assert.equal(checkHostUrl(ok + "/", "graphUrl"), ok);
  }
  assert.equal(checkHostUrl("https://graph.example.com/", "graphUrl"), "https://graph.example.com");
  for (
    const bad of ["http://graph.example.com", "http://128.0.0.1", "http://localhost.example.com"]
  ) {
    assert.throws(
      () => checkHostUrl(bad, "graphUrl"),
      refusedNaming("graphUrl", /is not encrypted: use https/),
    );
  }
  assert.throws(
    () => checkHostUrl("ftp://127.0.0.1", "authorityUrl"),
    refusedNaming("authorityUrl", /https/),
  );
  assert.throws(
    () => checkHostUrl("not a url", "authorityUrl"),
    refusedNaming("authorityUrl", /is not a URL/),
  );
  assert.throws(
    () => checkHostUrl("https://user:pw-value@login.example.com", "authorityUrl"),
    (e) =>
      refusedNaming("authorityUrl", /user name or password/)(e) && !String(e).includes("pw-value"),
  );
});

Deno.test("options, AZURE_AUTHORITY_HOST and GRAPHCALL_EMULATOR_URL go through the same policy, naming the option or variable", async () => {
  const cases: [Parameters<typeof resolveCredential>[0], string][] = [
    [{ env: base, clientSecret: SECRET, authorityUrl: "http://login.example.com" }, "authorityUrl"],
    [{ env: base, clientSecret: SECRET, graphUrl: "http://graph.example.com" }, "graphUrl"],
    [
      { env: base, clientSecret: SECRET, emulatorUrl: "http://emulator.example.com" },
      "emulatorUrl",
    ],
    [{
      env: {
        ...base,
        AZURE_CLIENT_SECRET: SECRET,
        AZURE_AUTHORITY_HOST: "http://login.example.com",
      },
    }, "AZURE_AUTHORITY_HOST"],
    [
      { env: { ...base, AZURE_CLIENT_SECRET: SECRET, AZURE_AUTHORITY_HOST: "login.example.com" } },
      "AZURE_AUTHORITY_HOST",
    ],
    [{
      env: { ...base, AZURE_CLIENT_SECRET: SECRET, GRAPHCALL_EMULATOR_URL: "http://10.0.0.5:8080" },
    }, "GRAPHCALL_EMULATOR_URL"],
  ];
  for (const [options, field] of cases) {
    await assert.rejects(
      resolveCredential(options),
      (e) => e instanceof InvalidInputError && e.field === field,
    );
  }
  const https = await resolveCredential({
    env: {
      ...base,
      AZURE_CLIENT_SECRET: SECRET,
      AZURE_AUTHORITY_HOST: "https://login.microsoftonline.us/",
    },
  });
  assert.equal(https.authorityUrl, "https://login.microsoftonline.us");
});

Deno.test("GRAPHCALL_EMULATOR_URL points both hosts at the emulator; explicit options still win", () => {
  const emulator = "http://127.0.0.1:4567";
  const fromEnv = resolveHosts({
    env: {
      GRAPHCALL_EMULATOR_URL: emulator,
      AZURE_AUTHORITY_HOST: "https://login.microsoftonline.us",
    },
  });
  assert.deepEqual(
    [fromEnv.authorityUrl, fromEnv.graphUrl, fromEnv.emulatorUrl],
    [emulator, emulator, emulator],
  );
  const overridden = resolveHosts({
    env: { GRAPHCALL_EMULATOR_URL: emulator },
    graphUrl: "https://graph.example.com",
  });
  assert.deepEqual([overridden.authorityUrl, overridden.graphUrl], [
    emulator,
    "https://graph.example.com",
  ]);
  const option = resolveHosts({
    env: { GRAPHCALL_EMULATOR_URL: emulator },
    emulatorUrl: "http://localhost:9",
  });
  assert.equal(option.graphUrl, "http://localhost:9");
  const none = resolveHosts({ env: {}, cloud: "USGov" });
  assert.deepEqual(
    [none.authorityUrl, none.graphUrl, none.emulatorUrl],
    ["https://login.microsoftonline.us", "https://graph.microsoft.us", undefined],
  );
});

Deno.test("a credential resolved from the environment alone gets its token from GRAPHCALL_EMULATOR_URL", async () => {
  const cert = await appCertificate();
  await using t = await startTestEmulator({ state: { tenants: cloudTenants(cert) } });
  const resolved = await resolveCredential({
    env: { ...base, AZURE_CLIENT_SECRET: SECRET, GRAPHCALL_EMULATOR_URL: t.emulator.graphUrl },
    tokenCache: new TokenCache(),
  });
  assert.equal(resolved.graphUrl, t.emulator.graphUrl);
  assert.equal(resolved.authorityUrl, t.emulator.authorityUrl);
  const { token } = await resolved.credential.getToken();
  assert.equal(decodeJwt(token).tid, IDS.tenantId);
  assert.equal(t.emulator.tokenRequests.get(IDS.clientId), 1);
});

Deno.test("the CLI refuses an http authority flag or AZURE_AUTHORITY_HOST off loopback, naming it, exit 2", async () => {
  const args = ["participant", "remove", "--call", IDS.callId, "--participant", IDS.adele];
  const flag = await runMain(["--authority-url", "http://login.example.com", ...args], {
    env: { ...base, AZURE_CLIENT_SECRET: SECRET },
  });
  assert.equal(flag.code, 2, flag.stderr);
  assert.match(flag.stderr, /--authority-url: http:\/\/login\.example\.com is not encrypted/);
  assert.equal(flag.stderr.trimEnd().split("\n").length, 1, flag.stderr);
  const env = await runMain([...args, "--output", "json"], {
    env: { ...base, AZURE_CLIENT_SECRET: SECRET, AZURE_AUTHORITY_HOST: "http://login.example.com" },
  });
  assert.equal(env.code, 2, env.stdout + env.stderr);
  const doc = JSON.parse(env.stdout);
  assert.equal(doc.error.field, "AZURE_AUTHORITY_HOST");
  assert.match(doc.error.message, /^AZURE_AUTHORITY_HOST: .*not encrypted/);
  assert.ok(!env.stdout.includes(SECRET));
});
