/**
 * Text that comes from outside is never printed raw. Anyone who joins a meeting picks their own
 * display name; Graph and Entra put their own words in errors. A hostile emulator state (names
 * with CR, LF, `::`, ESC, OSC 8 links, bidi overrides), a hostile policy refusal and a fake Entra
 * with a hostile AADSTS description go through `participant list`, `get`, `remove` (one and
 * bulk), errors and `doctor`; every line of stdout and stderr is checked, in GitHub Actions mode
 * and not. JSON output stays exact.
 */

import assert from "node:assert/strict";
import { sanitise, sanitiseOutput } from "../lib/cli/sanitise.ts";
import { escapeCommandLines } from "../lib/cli/output_guard.ts";
import type { CliRun } from "./support/run_cli.ts";
import { runMain } from "./support/run_main.ts";
import { IDS, startTestEmulator, writePem } from "./support/tenant.ts";
import { cliCredentials } from "./support/cli_credentials.ts";

/** Display names a meeting participant could choose. */
const HOSTILE_NAMES = [
  "Eve\r\n::error::pwned by a display name",
  "::stop-commands::endtoken",
  "\x1b[2J\x1b[31mRed alert",
  "\x1b]8;;https://evil.example/\x07click me\x1b]8;;\x07",
  "Bob\u202Eexe.txt",
  "Tab\there\u009b31m\u2028next\u200bhidden",
];
const HOSTILE_ID = "::warning::row-start";
const HOSTILE_MESSAGE =
  "Denied.\n::error::injected\r\x1b]8;;https://evil.example/\x07link\x1b]8;;\x07 \u202Eevil";

function pid(i: number): string {
  return `00000000-0000-4000-8000-${String(i + 1).padStart(12, "0")}`;
}

async function hostileEmulator() {
  return await startTestEmulator({
    tenant: {
      calls: [{
        id: IDS.callId,
        appId: IDS.clientId,
        participants: [
          ...HOSTILE_NAMES.map((name, i) => ({
            id: pid(i),
            identity: { user: { id: `u${i}`, displayName: name } },
          })),
          { id: HOSTILE_ID, identity: { guest: { id: "g1", displayName: "::notice::guest" } } },
        ],
      }],
      allowRemoveParticipantAppIds: [],
    },
    policyDenial: { status: 403, code: "Forbidden", message: HOSTILE_MESSAGE },
  });
}

/** What must never reach a terminal raw: controls (but LF), C1, bidi, separators, zero width. */
// deno-lint-ignore no-control-regex
const RAW_CONTROL = /[\x00-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u200b]/;

/** Our own workflow commands: masks and annotations graphcall writes itself. */
const OWN_COMMAND = /^::(add-mask|error title=graphcall[^:]*)::/;

/** Checks every line of a run's output: no raw control text, and no smuggled workflow command. */
function assertSafe(label: string, run: CliRun, actions: boolean) {
  for (const [stream, text] of [["stdout", run.stdout], ["stderr", run.stderr]] as const) {
    const lines = text.split("\n");
    lines.forEach((line, i) => {
      const where = `${label} ${stream} line ${i + 1}: ${JSON.stringify(line)}`;
      assert.doesNotMatch(line, RAW_CONTROL, where);
      if (actions && /^\s*(::|##\[)/.test(line)) assert.match(line, OWN_COMMAND, where);
    });
  }
}

Deno.test("the sanitiser escapes control, bidi and invisible characters visibly and keeps letters and emoji", () => {
  assert.equal(sanitise("a\r\nb"), "a\\r\\nb");
  assert.equal(sanitise("\x1b[31mred"), "\\x1b[31mred");
  assert.equal(sanitise("x\u202Ey"), "x\\u202ey");
  assert.equal(sanitise("\u009b\u2028\u200b\ufeff"), "\\x9b\\u2028\\u200b\\ufeff");
  assert.equal(sanitise("tag\u{e0041}"), "tag\\u{e0041}");
  assert.equal(sanitise("Zoë 李 👩‍👩‍👧 C:\\path"), "Zoë 李 👩‍👩‍👧 C:\\path");
  // The output gate keeps line breaks and graphcall's own colours and progress sequences only.
  assert.equal(
    sanitiseOutput("\x1b[1mbold\x1b[22m\n\x1b]8;;x\x07"),
    "\x1b[1mbold\x1b[22m\n\\x1b]8;;x\\x07",
  );
  assert.equal(sanitiseOutput("\r\x1b[2K[##] 1/2"), "\r\x1b[2K[##] 1/2");
  assert.equal(
    escapeCommandLines("ok\n::error::x\n  ::y\n##[group]z", true),
    "ok\n\\x3a:error::x\n  \\x3a:y\n\\x23#[group]z",
  );
  assert.equal(escapeCommandLines("::mid-line", false), "::mid-line");
});

Deno.test("participant list and get print hostile display names escaped, in GitHub Actions and not, and JSON keeps them exact", async () => {
  await using t = await hostileEmulator();
  const pem = await writePem(t.cert);
  const creds = cliCredentials(t.emulator.graphUrl, pem);
  const dir = await Deno.makeTempDir();
  const actionsEnv = {
    GITHUB_ACTIONS: "true",
    GITHUB_OUTPUT: `${dir}/out`,
    GITHUB_STEP_SUMMARY: `${dir}/summary`,
  };
  for (const actions of [false, true]) {
    const env = actions ? actionsEnv : {};
    const list = await runMain([...creds, "participant", "list", "--call", IDS.callId], { env });
    assert.equal(list.code, 0, list.stderr);
    assertSafe(`list (actions ${actions})`, list, actions);
    const rows = list.stdout.split("\n").filter((l) => l !== "" && !l.startsWith("::add-mask::"));
    assert.equal(
      rows.length,
      1 + HOSTILE_NAMES.length + 1,
      "a header and one row each: no line smuggled in",
    );
    assert.ok(list.stdout.includes("user: Eve\\r\\n::error::pwned by a display name"), list.stdout);
    assert.ok(list.stdout.includes("user: Bob\\u202eexe.txt"));
    if (actions) {
      assert.ok(list.stdout.includes("\\x3a:warning::row-start"), "a row that began with ::");
    }

    const get = await runMain(
      [...creds, "participant", "get", "--call", IDS.callId, "--participant", pid(3)],
      { env },
    );
    assert.equal(get.code, 0, get.stderr);
    assertSafe(`get (actions ${actions})`, get, actions);
    assert.ok(get.stdout.includes("user: \\x1b]8;;https://evil.example/\\x07click me"), get.stdout);
  }
  const json = await runMain([
    ...creds,
    "--output",
    "json",
    "participant",
    "list",
    "--call",
    IDS.callId,
  ]);
  assert.equal(json.code, 0, json.stderr);
  const names = JSON.parse(json.stdout).result.map((
    p: { info: { identity: { user?: { displayName: string } } } },
  ) => p.info.identity.user?.displayName).filter(Boolean);
  assert.deepEqual(names, HOSTILE_NAMES, "JSON output is exact");
  const summary = await Deno.readTextFile(`${dir}/summary`);
  assert.doesNotMatch(summary, RAW_CONTROL, "the step summary is sanitised too");
});

Deno.test("a hostile Graph error message is escaped in the error line, the bulk table and the annotations", async () => {
  await using t = await hostileEmulator();
  const pem = await writePem(t.cert);
  const creds = cliCredentials(t.emulator.graphUrl, pem);
  const dir = await Deno.makeTempDir();
  for (const actions of [false, true]) {
    const env: Record<string, string> = actions
      ? { GITHUB_ACTIONS: "true", GITHUB_OUTPUT: `${dir}/out${actions}` }
      : {};
    const one = await runMain(
      [...creds, "participant", "remove", "--call", IDS.callId, "--participant", pid(0)],
      { env },
    );
    assert.equal(one.code, 5, one.stderr);
    assertSafe(`remove (actions ${actions})`, one, actions);
    assert.ok(one.stderr.includes("Denied.\\n::error::injected\\r\\x1b]8;;"), one.stderr);
    const bulk = await runMain(
      [
        ...creds,
        "participant",
        "remove",
        "--call",
        IDS.callId,
        "--participant",
        pid(1),
        "--participant",
        pid(2),
      ],
      { env },
    );
    assert.equal(bulk.code, 5, bulk.stderr);
    assertSafe(`bulk remove (actions ${actions})`, bulk, actions);
    assert.match(bulk.stdout, /^PARTICIPANT\s+OUTCOME\s+REQUEST ID\s+REASON$/m);
    assert.equal(bulk.stdout.match(/failed: policy_denied/g)?.length, 2);
    if (actions) {
      const annotations = bulk.stdout.split("\n").filter((l) => l.startsWith("::error "));
      assert.equal(annotations.length, 2, bulk.stdout);
      assert.ok(annotations.every((a) => a.includes("Denied.\\n::error::injected")));
    }
  }
  const json = await runMain([
    ...creds,
    "--output",
    "json",
    "participant",
    "remove",
    "--call",
    IDS.callId,
    "--participant",
    pid(0),
  ]);
  assert.equal(json.code, 5);
  assert.ok(JSON.parse(json.stdout).error.message.includes(HOSTILE_MESSAGE), "JSON is exact");
});

Deno.test("a hostile AADSTS description from Entra is escaped in errors and in doctor's checklist", async () => {
  const description =
    "AADSTS7000215: Invalid client secret.\x1b]8;;https://evil.example/\x07fix here\x1b]8;;\x07 \u202Etxt.exe ::error::x";
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen: () => {} },
    () =>
      Response.json({
        error: "invalid_client",
        error_description: description,
        error_codes: [7000215],
        trace_id: "\x1b[31mtrace",
        correlation_id: "c0",
      }, { status: 401 }),
  );
  try {
    const authority = `http://127.0.0.1:${server.addr.port}`;
    const env = {
      AZURE_TENANT_ID: IDS.tenantId,
      AZURE_CLIENT_ID: IDS.clientId,
      AZURE_CLIENT_SECRET: "not-the-right-secret-value",
    };
    for (const actions of [false, true]) {
      const runEnv = actions ? { ...env, GITHUB_ACTIONS: "true" } : env;
      const list = await runMain(
        [
          "--authority-url",
          authority,
          "--graph-url",
          authority,
          "participant",
          "list",
          "--call",
          IDS.callId,
        ],
        { env: runEnv },
      );
      assert.equal(list.code, 3, list.stderr);
      assertSafe(`auth error (actions ${actions})`, list, actions);
      assert.ok(list.stderr.includes("\\x1b]8;;https://evil.example/\\x07fix here"), list.stderr);
      const doctor = await runMain([
        "--authority-url",
        authority,
        "--graph-url",
        authority,
        "doctor",
      ], {
        env: runEnv,
      });
      assert.equal(doctor.code, 3, doctor.stdout + doctor.stderr);
      assertSafe(`doctor (actions ${actions})`, doctor, actions);
      assert.match(doctor.stdout, /\\u202etxt\.exe/);
    }
  } finally {
    await server.shutdown();
  }
});
