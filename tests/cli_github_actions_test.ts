import assert from "node:assert/strict";
import {
  addMask,
  annotateError,
  escapeData,
  escapeProperty,
  formatOutputs,
  maskSecretsAsRegistered,
} from "../lib/cli/github_actions.ts";
import { main } from "../lib/cli/main.ts";
import { captureIo } from "./support/capture_io.ts";
import { runCli } from "./support/run_cli.ts";
import { runMain } from "./support/run_main.ts";
import { IDS, startTestEmulator, writePem } from "./support/tenant.ts";

/** Parses a GITHUB_OUTPUT file written in the heredoc form. */
function parseOutputs(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const m = /^([A-Za-z_][\w-]*)<<(ghadelimiter_[0-9a-f-]{36})$/.exec(lines[i]!);
    if (!m) continue;
    const end = lines.indexOf(m[2]!, i + 1);
    assert.ok(end > i, `delimiter ${m[2]} closes`);
    out[m[1]!] = lines.slice(i + 1, end).join("\n");
    i = end;
  }
  return out;
}

async function actionsFiles() {
  const dir = await Deno.makeTempDir({ prefix: "graphcall-gha-" });
  const output = `${dir}/output`;
  const summary = `${dir}/summary`;
  await Deno.writeTextFile(output, "");
  await Deno.writeTextFile(summary, "");
  return {
    output,
    summary,
    env: { GITHUB_ACTIONS: "true", GITHUB_OUTPUT: output, GITHUB_STEP_SUMMARY: summary },
  };
}

Deno.test("in GitHub Actions a removal writes result, removed, failed and request-id outputs and a summary table", async () => {
  await using t = await startTestEmulator();
  const pem = await writePem(t.cert);
  const files = await actionsFiles();
  const run = await runMain([
    "--emulator",
    t.emulator.graphUrl,
    "participant",
    "remove",
    "--call",
    IDS.callId,
    "--participant",
    IDS.adele,
  ], {
    env: {
      ...files.env,
      AZURE_TENANT_ID: IDS.tenantId,
      AZURE_CLIENT_ID: IDS.clientId,
      AZURE_CLIENT_CERTIFICATE_PATH: pem,
    },
  });
  assert.equal(run.code, 0, run.stderr);
  const outputs = parseOutputs(await Deno.readTextFile(files.output));
  assert.deepEqual(Object.keys(outputs).sort(), ["failed", "removed", "request-id", "result"]);
  assert.equal(outputs.removed, "1");
  assert.equal(outputs.failed, "0");
  const result = JSON.parse(outputs.result!);
  assert.equal(result.participantId, IDS.adele);
  assert.equal(outputs["request-id"], result.requestId);
  const summary = await Deno.readTextFile(files.summary);
  assert.match(summary, /^### graphcall: removed from call /m);
  assert.match(summary, /^\| participant \| outcome \| status \| request id \|$/m);
  assert.match(summary, new RegExp(`^\\| ${IDS.adele} \\| removed \\| 204 \\|`, "m"));
  assert.ok(!(run.stdout + run.stderr).includes("\x1b["), "no colour in Actions");
});

Deno.test("a multi-line output value is written with a fresh random delimiter each time", () => {
  const text = formatOutputs({ result: '{\n  "a": 1\n}', removed: "2" });
  const delims = [...text.matchAll(/<<(ghadelimiter_[0-9a-f-]{36})\n/g)].map((m) => m[1]);
  assert.equal(delims.length, 2);
  assert.notEqual(delims[0], delims[1]);
  assert.deepEqual(parseOutputs(text), { result: '{\n  "a": 1\n}', removed: "2" });
  assert.throws(
    () => formatOutputs({ result: "x ghadelimiter_fixed y" }, () => "ghadelimiter_fixed"),
    /contains the delimiter/,
  );
  assert.throws(() => formatOutputs({ "bad name": "x" }), /not a valid output name/);
});

Deno.test("workflow commands escape data and properties", () => {
  assert.equal(escapeData("100%\r\nnext"), "100%25%0D%0Anext");
  assert.equal(escapeProperty("a:b,c%"), "a%3Ab%2Cc%25");
  const io = captureIo();
  annotateError(io, "line one\nline two 50%", { title: "graphcall: remove, now" });
  assert.equal(io.stdout, "::error title=graphcall%3A remove%2C now::line one%0Aline two 50%25\n");
});

Deno.test("add-mask masks each line of a secret, and a registered-secret listener masks as they come", () => {
  const io = captureIo();
  addMask(io, "first-secret-line\nsecond-secret-line");
  assert.equal(io.stdout, "::add-mask::first-secret-line\n::add-mask::second-secret-line\n");
  const listeners: ((v: string) => void)[] = [];
  const subscribe = (l: (v: string) => void) => {
    listeners.push(l);
    return () => void listeners.splice(listeners.indexOf(l), 1);
  };
  const masked = captureIo();
  const stop = maskSecretsAsRegistered(masked, subscribe, "stderr");
  listeners.forEach((l) => l("eyJhbGciOiJQUzI1NiJ9.payload.signature"));
  stop();
  assert.equal(listeners.length, 0);
  assert.equal(masked.stderr, "::add-mask::eyJhbGciOiJQUzI1NiJ9.payload.signature\n");
});

Deno.test("a failure in GitHub Actions prints an ::error:: annotation and writes the error result", async () => {
  const files = await actionsFiles();
  const io = captureIo({ env: files.env });
  const code = await main(["participant", "remove", "--call", "a/b", "--participant", "p"], io);
  assert.equal(code, 2);
  assert.match(
    io.stdout,
    /^::error title=graphcall participant remove::--call: "a\/b" contains characters .* %25 /,
  );
  const outputs = parseOutputs(await Deno.readTextFile(files.output));
  const doc = JSON.parse(outputs.result!);
  assert.equal(doc.ok, false);
  assert.equal(doc.exitCode, 2);
  assert.equal(doc.error.field, "--call");
});

Deno.test("with --output json in GitHub Actions, stdout stays one JSON document and annotations go to stderr", async () => {
  const files = await actionsFiles();
  const io = captureIo({ env: files.env });
  const code = await main(["--output", "json", "participant", "list"], io);
  assert.equal(code, 2);
  const doc = JSON.parse(io.stdout);
  assert.equal(doc.ok, false);
  assert.match(io.stderr, /^::error title=graphcall participant list::/);
});

Deno.test("no colour, prompts or progress bars in GitHub Actions even on a terminal", async () => {
  const files = await actionsFiles();
  const io = captureIo({ env: files.env, terminal: true, answers: ["y"] });
  const code = await main(
    ["participant", "remove", "--call", "c1", "--participant", "p1", "--confirm"],
    io,
  );
  assert.equal(code, 2);
  assert.match(io.stderr, /no terminal to ask on/);
  assert.ok(!io.stderr.includes("\x1b[") && !io.stderr.includes("[y/N]"), io.stderr);
});

Deno.test("in GitHub Actions with no certificate or secret, the job's OIDC token logs in (federated), the removal succeeds and the tokens are masked", async () => {
  await using t = await startTestEmulator({
    tenant: {
      apps: [{
        clientId: IDS.clientId,
        displayName: "Meeting bot",
        roles: ["Calls.JoinGroupCall.All", "Calls.InitiateGroupCall.All"],
        federatedCredentials: [{
          issuer: "https://token.actions.githubusercontent.com",
          subject: "repo:contoso/bots:ref:refs/heads/main",
          audiences: ["api://AzureADTokenExchange"],
        }],
      }],
    },
  });
  const files = await actionsFiles();
  const run = await runCli([
    "participant",
    "remove",
    "--call",
    IDS.callId,
    "--participant",
    IDS.adele,
  ], {
    env: {
      ...files.env,
      ACTIONS_ID_TOKEN_REQUEST_URL: t.emulator.githubOidcRequestUrl,
      ACTIONS_ID_TOKEN_REQUEST_TOKEN: "emulated-actions-request-token",
      AZURE_TENANT_ID: IDS.tenantId,
      AZURE_CLIENT_ID: IDS.clientId,
      GRAPHCALL_EMULATOR_URL: t.emulator.graphUrl,
    },
  });
  assert.equal(run.code, 0, run.stderr);
  assert.equal(
    t.emulator.state.tenant(IDS.tenantId)!.calls.get(IDS.callId)!.participants.has(IDS.adele),
    false,
  );
  assert.equal(t.emulator.tokenRequests.get(IDS.clientId), 1);
  assert.ok(t.emulator.requests.some((r) => r.path.startsWith("/_github/token")));
  // The GitHub ID token and the Graph access token are masked before anything could print them.
  const masked = [...run.stdout.matchAll(/^::add-mask::(.+)$/gm)].map((m) => m[1]!);
  const jwts = masked.filter((v) => /^[\w-]+\.[\w-]+\.[\w-]+$/.test(v));
  assert.ok(jwts.length >= 2, `masked: ${masked.length} values, ${jwts.length} tokens`);
  assert.ok(masked.includes("emulated-actions-request-token"), "the request token too");
  const outputs = parseOutputs(await Deno.readTextFile(files.output));
  assert.equal(outputs.removed, "1");
  assert.equal(JSON.parse(outputs.result!).participantId, IDS.adele);
  assert.match(outputs["request-id"]!, /^[0-9a-f-]{36}$/);
  const summary = await Deno.readTextFile(files.summary);
  assert.match(summary, new RegExp(`^\\| ${IDS.adele} \\| removed \\| 204 \\|`, "m"));
  // Outside the mask commands, no token appears anywhere.
  const elsewhere = run.stdout.replace(/^::add-mask::.*$/gm, "") + run.stderr +
    JSON.stringify(outputs) + summary;
  for (const token of jwts) assert.ok(!elsewhere.includes(token));
});

Deno.test("the ::error:: annotation of a library error names the CLI's flags, not the library's option keys", async () => {
  const files = await actionsFiles();
  const io = captureIo({ env: files.env });
  const code = await main(
    ["participant", "remove", "--call", IDS.callId, "--participant", IDS.adele],
    io,
  );
  assert.equal(code, 2);
  const annotation = io.stdout.split("\n").find((l) => l.startsWith("::error "))!;
  assert.match(annotation, /--tenant/);
  assert.match(annotation, /AZURE_TENANT_ID/);
  assert.doesNotMatch(annotation, /tenantId/);
  const stderr = io.stderr.trimEnd();
  assert.ok(
    annotation.endsWith(stderr.replace(/^graphcall: error: /, "").replace(/ \(see .*\)$/, "")),
    `${annotation}\n${stderr}`,
  );
});
