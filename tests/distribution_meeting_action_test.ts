/**
 * The meeting action (meeting/action.yml): valid YAML, inputs that reach the CLI's meeting
 * commands, the same permission flags and Deno pin as the root action, and its script run for real
 * against the emulator's meetings: a person removed by UPN and a phone number, the app gone
 * afterwards, and bad input refused with an annotation.
 */

import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { join } from "node:path";
import { parse } from "npm:yaml@^2";
import { PERMISSION_FLAGS } from "../scripts/permissions.ts";
import { inherited } from "./support/run_cli.ts";
import { M, startMeetingWorld } from "./support/meeting_world.ts";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const LINK = `https://teams.microsoft.com/l/meetup-join/${
  encodeURIComponent(M.threadId)
}/0?context=${encodeURIComponent(JSON.stringify({ Tid: M.tenantId, Oid: M.organizer }))}`;

// deno-lint-ignore no-explicit-any
type Yaml = any;

async function action(): Promise<Yaml> {
  return parse(await Deno.readTextFile(join(ROOT, "meeting/action.yml")));
}

async function runAction(env: Record<string, string>, cwd?: string) {
  const doc = await action();
  const script: string = doc.runs.steps.find((s: Yaml) => s.id === "graphcall").run;
  const denoDir = Deno.execPath().replace(/[\\/][^\\/]+$/, "");
  const inputs: Record<string, string> = {};
  for (const [name, input] of Object.entries(doc.inputs) as [string, Yaml][]) {
    inputs[`IN_${name.toUpperCase().replaceAll("-", "_")}`] = String(input.default ?? "");
  }
  const out = await new Deno.Command("bash", {
    args: ["-c", script],
    env: {
      ...inherited(),
      PATH: `${denoDir}:${Deno.env.get("PATH") ?? ""}`,
      NO_COLOR: "1",
      GITHUB_ACTION_PATH: join(ROOT, "meeting"),
      ...inputs,
      ...env,
    },
    clearEnv: true,
    stdout: "piped",
    stderr: "piped",
    ...(cwd ? { cwd } : {}),
  }).output();
  const dec = new TextDecoder();
  return { code: out.code, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
}

Deno.test("the meeting action pins Deno, passes the CLI's permissions, and needs only the join link", async () => {
  const doc = await action();
  const setup = doc.runs.steps.find((s: Yaml) => String(s.uses).startsWith("denoland/setup-deno"));
  assert.equal(String(setup.with["deno-version"]), "2.9.6");
  const script: string = doc.runs.steps.find((s: Yaml) => s.id === "graphcall").run;
  for (const flag of PERMISSION_FLAGS) assert.ok(script.includes(flag), flag);
  assert.equal(doc.inputs["join-url"].required, true);
  assert.deepEqual(
    Object.entries(doc.inputs).filter(([, i]) => (i as Yaml).required).map(([n]) => n),
    ["join-url"],
  );
  assert.ok(script.includes("set -f"), "no pathname expansion");
  for (const output of ["result", "removed", "failed", "call-id"]) assert.ok(doc.outputs[output]);
});

Deno.test({
  name: "the meeting action removes a person by UPN and a phone number, and the app leaves",
  ignore: Deno.build.os === "windows",
  fn: async () => {
    await using w = await startMeetingWorld({ clock: Date.now });
    const run = await runAction({
      IN_JOIN_URL: LINK,
      IN_PEOPLE: "adele@contoso.onmicrosoft.com,\n+14255550100",
      IN_TENANT_ID: M.tenantId,
      IN_CLIENT_ID: M.botA,
      IN_CLIENT_SECRET: M.secret,
      IN_EMULATOR_URL: w.emulator.graphUrl,
    });
    assert.equal(run.code, 0, run.stdout + run.stderr);
    const doc = JSON.parse(run.stdout);
    assert.equal(doc.result.removed, 2);
    assert.equal(doc.result.left, true);
    const state = w.emulator.state.snapshot() as {
      tenants: { calls: { appId?: string; state: string }[] }[];
    };
    assert.ok(state.tenants[0]!.calls.every((c) => c.state === "terminated"));
  },
});

Deno.test({
  name: "the meeting action refuses no people or a bad operation with exit 2 and an annotation",
  ignore: Deno.build.os === "windows",
  fn: async () => {
    const none = await runAction({ IN_JOIN_URL: LINK, IN_PEOPLE: " ,\n" });
    assert.equal(none.code, 2);
    assert.match(none.stdout, /^::error title=graphcall meeting::people: /m);
    const bad = await runAction({ IN_JOIN_URL: LINK, IN_OPERATION: "end-for-all" });
    assert.equal(bad.code, 2);
    assert.match(
      bad.stdout,
      /^::error title=graphcall meeting::operation: must be remove or list$/m,
    );
  },
});
