/** `graphcall emulator`: the start-up contract of emulator-state.md, over HTTP and HTTPS. */
import assert from "node:assert/strict";
import { appCertificate, IDS, tenantSpec } from "./support/tenant.ts";
import { runCli } from "./support/run_cli.ts";

const CLI = new URL("../cli.ts", import.meta.url).pathname;

async function startCli(args: string[], env: Record<string, string> = {}) {
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--quiet",
      "--allow-net",
      "--allow-read",
      "--allow-write",
      "--allow-env",
      CLI,
      "emulator",
      ...args,
    ],
    env: { NO_COLOR: "1", ...env },
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let buffered = "";
  while (!buffered.includes("\n")) {
    const { value, done } = await reader.read();
    if (done) break;
    buffered += value;
  }
  const info = JSON.parse(buffered.split("\n")[0]!);
  return {
    info,
    async stop() {
      child.kill("SIGTERM");
      await reader.cancel();
      const stderr = await new Response(child.stderr).text();
      return { status: await child.status, stderr };
    },
  };
}

Deno.test("graphcall emulator --output json prints the URLs on its first line and stops on SIGTERM", async () => {
  const dir = await Deno.makeTempDir({ prefix: "graphcall-cli-emulator-" });
  await Deno.writeTextFile(
    `${dir}/state.json`,
    JSON.stringify({ tenants: [tenantSpec(await appCertificate())] }),
  );
  const run = await startCli(["--state", `${dir}/state.json`, "--output", "json"]);
  const { info } = run;
  assert.deepEqual(Object.keys(info), [
    "graphUrl",
    "authorityUrl",
    "adminUrl",
    "githubOidcRequestUrl",
    "notificationJwksUrl",
    "caCertPath",
  ]);
  assert.match(info.graphUrl, /^http:\/\/127\.0\.0\.1:\d+$/);
  assert.equal(info.authorityUrl, info.graphUrl);
  assert.equal(info.adminUrl, `${info.graphUrl}/_emulator`);
  assert.equal(info.githubOidcRequestUrl, `${info.graphUrl}/_github/token?x=1`);
  assert.equal(info.caCertPath, null);
  assert.equal(info.notificationJwksUrl, `${info.graphUrl}/_emulator/notifications/jwks`);
  const jwks = await (await fetch(info.notificationJwksUrl)).json();
  assert.equal(jwks.keys[0].alg, "RS256");
  const state = await (await fetch(`${info.adminUrl}/state`)).json();
  assert.equal(state.tenants[0].id, IDS.tenantId);
  const { status } = await run.stop();
  assert.equal(status.code, 0);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("graphcall emulator --tls-self-signed serves HTTPS trusted through the printed CA file", async () => {
  const run = await startCli(["--tls-self-signed", "--output", "json"]);
  const { info } = run;
  assert.match(info.authorityUrl, /^https:\/\/127\.0\.0\.1:\d+$/);
  const ca = await Deno.readTextFile(info.caCertPath);
  assert.match(ca, /^-----BEGIN CERTIFICATE-----/);
  using client = Deno.createHttpClient({ caCerts: [ca] });
  // Both names the certificate covers.
  for (const base of [info.authorityUrl, info.authorityUrl.replace("127.0.0.1", "localhost")]) {
    const res = await fetch(`${base}/_emulator/state`, { client });
    assert.equal(res.status, 200);
    await res.body?.cancel();
  }
  await assert.rejects(
    () => fetch(`${info.authorityUrl}/_emulator/state`),
    "untrusted without the CA",
  );
  const { status } = await run.stop();
  assert.equal(status.code, 0);
});

Deno.test("graphcall emulator refuses half a TLS pair and a bad port with exit 2 and one line", async () => {
  for (
    const [args, field] of [
      [["--tls-cert", "x.pem"], "--tls-key"],
      [["--tls-self-signed", "--tls-key", "k.pem"], "--tls-self-signed"],
      [["--port", "70000"], "--port"],
    ] as const
  ) {
    const { code, stderr } = await runCli(["emulator", ...args]);
    assert.equal(code, 2, stderr);
    assert.ok(stderr.includes(field), stderr);
    assert.ok(!stderr.includes("    at "), "no stack trace");
  }
});
