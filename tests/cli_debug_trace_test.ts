import assert from "node:assert/strict";
import { debugHeaders, formatTrace } from "../lib/cli/debug_trace.ts";
import { runMain } from "./support/run_main.ts";
import { IDS, startTestEmulator, writePem } from "./support/tenant.ts";
import { cliCredentials } from "./support/cli_credentials.ts";

Deno.test("--debug prints header values from an allowlist only: a --header secret shows its name and [REDACTED]", async () => {
  await using t = await startTestEmulator();
  const pem = await writePem(t.cert);
  const secret = "s3cr3t-header-value-from-a-flag";
  const run = await runMain([
    ...cliCredentials(t.emulator.graphUrl, pem),
    "--debug",
    "participant",
    "remove",
    "--call",
    IDS.callId,
    "--participant",
    IDS.adele,
    "--header",
    `X-Secret: ${secret}`,
    "--header",
    "Cookie: session=abcdef123456",
  ]);
  assert.equal(run.code, 0, run.stderr);
  assert.ok(!run.stderr.includes(secret), "the header's value is not printed");
  assert.ok(!run.stderr.includes("abcdef123456"), "nor a cookie");
  const request = run.stderr.split("\n").find((l) => l.includes(" request DELETE "))!;
  assert.match(request, /"x-secret":"\[REDACTED\]"/);
  assert.match(request, /"cookie":"\[REDACTED\]"/);
  assert.match(request, /"authorization":"Bearer \[REDACTED\]"/);
  assert.match(request, /"client-request-id":"[0-9a-f-]{36}"/);
  assert.match(request, /"user-agent":"graphcall\/\d/);
  const response = run.stderr.split("\n").find((l) => l.includes(" response DELETE "))!;
  assert.match(response, /status=204 .*"request-id":"[0-9a-f-]{36}"/);
});

Deno.test("the debug line of an event redacts unknown headers and sanitises what it prints", () => {
  assert.deepEqual(
    debugHeaders({
      "Retry-After": "3",
      "X-Api-Key": "k",
      "Proxy-Authorization": "Basic dXNlcjpwYXNz",
      "www-authenticate": 'Bearer error="invalid_token"',
    }),
    {
      "Retry-After": "3",
      "X-Api-Key": "[REDACTED]",
      "Proxy-Authorization": "Basic [REDACTED]",
      "www-authenticate": 'Bearer error="invalid_token"',
    },
  );
  const line = formatTrace({
    type: "error",
    method: "GET",
    url: "https://graph.microsoft.com/v1.0/x",
    attempt: 2,
    clientRequestId: "c1",
    reason: "reset\r\n::error::x\x1b[31m",
  });
  assert.equal(line.split("\n").length, 2, "one line");
  assert.ok(!line.includes("\x1b") && !line.includes("\r"), line);
  assert.match(line, /^graphcall: debug: error GET \S+ attempt=2 client-request-id=c1 reason=/);
});
