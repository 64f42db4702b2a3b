/**
 * The CLI works under exactly the permissions the compiled binaries and the action get
 * (scripts/permissions.ts). Compiled binaries never prompt: an environment variable read without
 * being listed is a hard NotCapable error for users, so every command is run here with those
 * flags and must not hit one.
 */

import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { ENV_NAMES, PERMISSION_FLAGS } from "../scripts/permissions.ts";
import { inherited } from "./support/run_cli.ts";
import { IDS, startTestEmulator, writePem } from "./support/tenant.ts";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const CLI = fileURLToPath(new URL("../cli.ts", import.meta.url));

async function runNarrow(args: string[], env: Record<string, string> = {}) {
  // No NO_COLOR: the CLI decides on colour from the environment, as on a user's machine.
  const base = { TERM: "xterm", ...inherited() };
  const out = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--quiet",
      "--frozen",
      "--config",
      `${ROOT}deno.json`,
      ...PERMISSION_FLAGS,
      CLI,
      ...args,
    ],
    env: { ...base, ...env },
    clearEnv: true,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  const dec = new TextDecoder();
  return { code: out.code, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
}

function assertNoPermissionError(run: { stderr: string; stdout: string }) {
  assert.doesNotMatch(run.stderr + run.stdout, /NotCapable|Requires \w+ access|PermissionDenied/);
}

Deno.test("the permission set grants net, read, write and a fixed list of variables, nothing more", () => {
  assert.deepEqual(PERMISSION_FLAGS.slice(0, 3), ["--allow-net", "--allow-read", "--allow-write"]);
  assert.equal(PERMISSION_FLAGS[3], `--allow-env=${ENV_NAMES.join(",")}`);
  assert.equal(PERMISSION_FLAGS.length, 4);
  for (const name of ["AZURE_*", "GRAPHCALL_*", "GITHUB_*", "ACTIONS_ID_TOKEN_*", "NO_COLOR"]) {
    assert.ok(ENV_NAMES.includes(name), name);
  }
  for (const name of ENV_NAMES) assert.match(name, /^[A-Z][A-Z_]*\*?$/);
});

Deno.test("--help and --version work under the narrow permissions", async () => {
  for (const args of [["--help"], ["--version"], ["participant", "remove", "--help"]]) {
    const run = await runNarrow(args);
    assert.equal(run.code, 0, run.stderr);
    assertNoPermissionError(run);
  }
});

Deno.test("a removal configured from AZURE_* and GRAPHCALL_* variables works under the narrow permissions", async () => {
  await using t = await startTestEmulator();
  const pem = await writePem(t.cert);
  const outputFile = await Deno.makeTempFile({ prefix: "graphcall-output-" });
  const env = {
    AZURE_TENANT_ID: IDS.tenantId,
    AZURE_CLIENT_ID: IDS.clientId,
    AZURE_CLIENT_CERTIFICATE_PATH: pem,
    GRAPHCALL_EMULATOR_URL: t.emulator.graphUrl,
    GITHUB_ACTIONS: "true",
    GITHUB_OUTPUT: outputFile,
  };
  const list = await runNarrow(["participant", "list", "--call", IDS.callId], env);
  assert.equal(list.code, 0, list.stderr);
  assertNoPermissionError(list);
  const remove = await runNarrow(
    ["--output", "json", "participant", "remove", "--call", IDS.callId, "--participant", IDS.adele],
    env,
  );
  assert.equal(remove.code, 0, remove.stderr);
  assertNoPermissionError(remove);
  const call = t.emulator.state.tenant(IDS.tenantId)!.calls.get(IDS.callId)!;
  assert.equal(call.participants.has(IDS.adele), false);
  await Deno.remove(outputFile);
});

Deno.test("an error path (unknown participant) works under the narrow permissions", async () => {
  await using t = await startTestEmulator();
  const pem = await writePem(t.cert);
  const run = await runNarrow([
    "--emulator",
    t.emulator.graphUrl,
    "--tenant",
    IDS.tenantId,
    "--client-id",
    IDS.clientId,
    "--certificate",
    pem,
    "participant",
    "remove",
    "--call",
    IDS.callId,
    "--participant",
    "00000000-0000-0000-0000-000000000001",
  ]);
  assert.equal(run.code, 4, run.stderr);
  assertNoPermissionError(run);
});

Deno.test("the demo runs under the narrow permissions", async () => {
  const run = await runNarrow(["demo"]);
  assert.equal(run.code, 0, run.stderr);
  assertNoPermissionError(run);
});
