/**
 * The real job through the CLI, end to end on the emulator's meetings: `meeting remove` from a
 * join link and a person, each case with its exit code and JSON, and after every meeting command
 * no live call of the app is left behind (unless `--stay`). In-process, on the real clock; the
 * Ctrl-C case spawns the real CLI.
 */

import assert from "node:assert/strict";
import type { Emulator } from "../lib/emulator/mod.ts";
import { M, startMeetingWorld } from "./support/meeting_world.ts";
import { runMain } from "./support/run_main.ts";
import { inherited } from "./support/run_cli.ts";

const CONTEXT = (tid: string = M.tenantId) =>
  encodeURIComponent(JSON.stringify({ Tid: tid, Oid: M.organizer }));
const LONG = (tid?: string) =>
  `https://teams.microsoft.com/l/meetup-join/${encodeURIComponent(M.threadId)}/0?context=${
    CONTEXT(tid)
  }`;
const SHORT = `https://teams.microsoft.com/meet/${M.joinMeetingId}?p=${M.passcode}`;
const LOBBY = `https://teams.microsoft.com/l/meetup-join/${
  encodeURIComponent(M.lobbyThreadId)
}/0?context=${CONTEXT()}`;

function world(options: Parameters<typeof startMeetingWorld>[0] = {}) {
  return startMeetingWorld({ clock: Date.now, ...options });
}

function env(emulator: Emulator, clientId: string = M.botA): Record<string, string> {
  return {
    GRAPHCALL_EMULATOR_URL: emulator.graphUrl,
    AZURE_TENANT_ID: M.tenantId,
    AZURE_CLIENT_ID: clientId,
    AZURE_CLIENT_SECRET: M.secret,
  };
}

function liveCalls(emulator: Emulator): string[] {
  const state = emulator.state.snapshot() as {
    tenants: { calls: { id: string; appId?: string; state: string }[] }[];
  };
  return state.tenants.flatMap((t) => t.calls)
    .filter((c) => c.appId && c.state !== "terminated").map((c) => c.id);
}

function json(stdout: string) {
  return JSON.parse(stdout);
}

Deno.test("meeting remove: a long link and a UPN; the JSON says who was removed and that the app left", async () => {
  await using w = await world();
  const run = await runMain([
    "meeting",
    "remove",
    "--join-url",
    LONG(),
    "--user",
    "adele@contoso.onmicrosoft.com",
    "--output",
    "json",
  ], { env: env(w.emulator) });
  assert.equal(run.code, 0, run.stdout + run.stderr);
  const doc = json(run.stdout);
  assert.equal(doc.ok, true);
  assert.equal(doc.result.removed, 1);
  assert.equal(doc.result.left, true);
  assert.match(doc.result.callId, /^[0-9a-f-]{36}$/);
  assert.deepEqual(doc.result.people[0].participants.map((p: { id: string }) => p.id), [
    M.adeleParticipant,
  ]);
  assert.equal(doc.result.people[0].outcome, "removed");
  assert.deepEqual(liveCalls(w.emulator), []);
});

Deno.test("meeting remove: a short link with --tenant, and a phone participant", async () => {
  await using w = await world();
  const run = await runMain([
    "--tenant",
    M.tenantId,
    "meeting",
    "remove",
    "--join-url",
    SHORT,
    "--phone",
    "+14255550100",
  ], { env: { ...env(w.emulator), AZURE_TENANT_ID: "contoso.onmicrosoft.com" } });
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stdout, /\+14255550100\s+removed/);
  assert.match(run.stdout, /the app left/);
  assert.deepEqual(liveCalls(w.emulator), []);
});

Deno.test("meeting remove: a person on two devices is removed from both", async () => {
  await using w = await world();
  const second = w.emulator.addAttendee(M.tenantId, "allhands", { user: M.adele });
  const run = await runMain(
    ["meeting", "remove", "--join-url", LONG(), "--user", M.adele, "--output", "json"],
    { env: env(w.emulator) },
  );
  assert.equal(run.code, 0, run.stdout);
  const ids = json(run.stdout).result.people[0].participants.map((p: { id: string }) => p.id);
  assert.deepEqual(ids.sort(), [M.adeleParticipant, second].sort());
});

Deno.test("meeting remove: an ambiguous display name is refused (exit 2), nobody removed, app left", async () => {
  await using w = await world();
  w.emulator.addAttendee(M.tenantId, "allhands", {
    identity: { guest: { id: "c0ffee00-0000-4000-8000-00000000000b", displayName: "Visitor" } },
  });
  const run = await runMain(
    ["meeting", "remove", "--join-url", LONG(), "--display-name", "Visitor", "--output", "json"],
    { env: env(w.emulator) },
  );
  assert.equal(run.code, 2, run.stdout);
  const doc = json(run.stdout);
  assert.equal(doc.error.code, "ambiguous");
  assert.match(doc.error.remediation, /--all-matches/);
  assert.deepEqual(liveCalls(w.emulator), []);
});

Deno.test("meeting remove: a person not in the meeting exits 4 and says how many people are in it", async () => {
  await using w = await world();
  const run = await runMain(
    ["meeting", "remove", "--join-url", LONG(), "--user", "olga@contoso.onmicrosoft.com"],
    { env: env(w.emulator) },
  );
  assert.equal(run.code, 4, run.stderr);
  assert.match(run.stdout, /not in the meeting/);
  assert.match(run.stderr, /3 people are in the meeting besides the app/);
  assert.deepEqual(liveCalls(w.emulator), []);
});

Deno.test("meeting remove: waits in the lobby, is admitted, and does the job", async () => {
  await using w = await world();
  const running = runMain(
    ["meeting", "remove", "--join-url", LOBBY, "--user", M.adele, "--output", "json"],
    { env: env(w.emulator) },
  );
  // admit the app once it has seen that it waits in the lobby (it reads its own participant)
  for (let i = 0; i < 400; i++) {
    const waiting = (w.emulator.state.snapshot() as {
      tenants: { calls: { id: string; myParticipantId?: string; isInLobby?: boolean }[] }[];
    }).tenants[0]!.calls.find((c) => c.isInLobby);
    const looked = waiting &&
      w.emulator.requests.some((r) =>
        r.method === "GET" && r.path.endsWith(`/participants/${waiting.myParticipantId}`)
      );
    if (waiting && looked) {
      w.emulator.admit(M.tenantId, waiting.id);
      break;
    }
    await new Promise((r) => setTimeout(r, 25));
  }
  const run = await running;
  assert.equal(run.code, 0, run.stdout + run.stderr);
  assert.match(run.stderr, /waits in the meeting's lobby: someone in the meeting must admit it/);
  assert.equal(json(run.stdout).result.removed, 1);
  assert.deepEqual(liveCalls(w.emulator), []);
});

Deno.test("meeting remove: a lobby nobody answers ends at --lobby-timeout with exit 8, app left", async () => {
  await using w = await world({ lobbyTimeoutMs: 3_600_000 });
  const run = await runMain([
    "meeting",
    "remove",
    "--join-url",
    LOBBY,
    "--user",
    M.adele,
    "--lobby-timeout",
    "1",
    "--output",
    "json",
  ], { env: env(w.emulator) });
  assert.equal(run.code, 8, run.stdout);
  const doc = json(run.stdout);
  assert.equal(doc.error.code, "not_admitted");
  assert.match(doc.error.remediation, /admit/);
  assert.deepEqual(liveCalls(w.emulator), []);
});

Deno.test("meeting remove: a meeting of another tenant is Graph's 7505, exit 5, with the meeting's tenant", async () => {
  await using w = await world();
  const other = "11111111-2222-4333-8444-555555555555";
  const run = await runMain(
    ["meeting", "remove", "--join-url", LONG(other), "--user", M.adele],
    { env: env(w.emulator) },
  );
  assert.equal(run.code, 5, run.stderr);
  assert.match(run.stderr, /7505/);
  const fix = run.stderr.split("\n").find((l) => l.startsWith("graphcall: fix:")) ?? "";
  assert.match(fix, /--tenant/);
  assert.match(fix, new RegExp(other));
  assert.deepEqual(liveCalls(w.emulator), []);
});

Deno.test("meeting remove: a UPN without User.Read.All exits 5 with the permission, before joining", async () => {
  await using w = await world();
  w.emulator.clearRequests();
  const run = await runMain(
    ["meeting", "remove", "--join-url", LONG(), "--user", "adele@contoso.onmicrosoft.com"],
    { env: env(w.emulator, M.botB) },
  );
  assert.equal(run.code, 5, run.stderr);
  assert.match(run.stderr, /User\.Read\.All/);
  assert.match(run.stderr, /fix: .*adminconsent/);
  assert.ok(!w.emulator.requests.some((r) => r.path.endsWith("/communications/calls")));
});

Deno.test("meeting remove --what-if sends nothing: the emulator's request log stays empty", async () => {
  await using w = await world();
  w.emulator.clearRequests();
  const run = await runMain([
    "meeting",
    "remove",
    "--join-url",
    LONG(),
    "--user",
    "adele@contoso.onmicrosoft.com",
    "--what-if",
  ], { env: env(w.emulator) });
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stdout, /What if: POST .*\/v1\.0\/communications\/calls/);
  assert.match(run.stdout, /What if: DELETE .*\/communications\/calls\/\{callId\}\n/);
  assert.equal(w.emulator.requests.length, 0);
});

Deno.test("meeting participants and meeting join leave no call behind; call get and hang-up work on a kept call", async () => {
  await using w = await world();
  const list = await runMain(
    ["meeting", "participants", "--join-url", LONG(), "--output", "json"],
    { env: env(w.emulator) },
  );
  assert.equal(list.code, 0, list.stdout);
  assert.equal(json(list.stdout).result.participants.length, 3);
  assert.deepEqual(liveCalls(w.emulator), []);

  const join = await runMain(["meeting", "join", "--join-url", LONG()], { env: env(w.emulator) });
  assert.equal(join.code, 0, join.stderr);
  assert.match(join.stdout.trim(), /^[0-9a-f-]{36}$/);
  assert.deepEqual(liveCalls(w.emulator), []);

  // a call the app keeps (as `meeting join --stay` keeps one meanwhile)
  const { secretToken, join: joinPlain } = await import("./support/meeting_world.ts");
  const kept = await joinPlain(w.emulator, await secretToken(w.emulator, M.botA));
  await new Promise((r) => setTimeout(r, 150));
  const got = await runMain(["call", "get", "--call", kept.id, "--output", "json"], {
    env: env(w.emulator),
  });
  assert.equal(got.code, 0, got.stdout);
  assert.equal(json(got.stdout).result.call.state, "established");
  const hung = await runMain(["call", "hang-up", "--call", kept.id], { env: env(w.emulator) });
  assert.equal(hung.code, 0, hung.stderr);
  assert.match(hung.stdout, /hung up call/);
  assert.deepEqual(liveCalls(w.emulator), []);
  const again = await runMain(["call", "get", "--call", kept.id], { env: env(w.emulator) });
  assert.equal(again.code, 4);
  assert.match(again.stderr, /fix: a call id is the app's own call leg/);
});

Deno.test("Ctrl-C while the app waits in the lobby: exit 130 and no call of the app is left", async () => {
  await using w = await world({ lobbyTimeoutMs: 3_600_000 });
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--quiet",
      "--allow-net",
      "--allow-read",
      "--allow-write",
      "--allow-env",
      new URL("../cli.ts", import.meta.url).pathname,
      "meeting",
      "remove",
      "--join-url",
      LOBBY,
      "--user",
      M.adele,
    ],
    env: { NO_COLOR: "1", ...inherited(), ...env(w.emulator) },
    clearEnv: true,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  for (let i = 0; i < 400; i++) {
    if (liveCalls(w.emulator).length > 0) break;
    await new Promise((r) => setTimeout(r, 25));
  }
  assert.equal(liveCalls(w.emulator).length, 1, "the app joined and waits");
  child.kill("SIGINT");
  const out = await child.output();
  assert.equal(out.code, 130, new TextDecoder().decode(out.stderr));
  assert.deepEqual(liveCalls(w.emulator), []);
});

Deno.test("meeting remove --journal records each person; --resume skips the done and joins again for the rest", async () => {
  await using w = await world();
  const dir = await Deno.makeTempDir();
  const journal = `${dir}/run.jsonl`;
  const first = await runMain([
    "meeting",
    "remove",
    "--join-url",
    LONG(),
    "--user",
    M.adele,
    "--user",
    "olga@contoso.onmicrosoft.com",
    "--journal",
    journal,
    "--output",
    "json",
  ], { env: env(w.emulator) });
  assert.equal(first.code, 4, first.stdout);
  assert.deepEqual(
    json(first.stdout).result.people.map((p: { outcome: string }) => p.outcome),
    ["removed", "notFound"],
  );
  // Olga joins the meeting; the resumed run removes her and does not touch Adele again
  const olga = w.emulator.addAttendee(M.tenantId, "allhands", { user: M.organizer });
  w.emulator.clearRequests();
  const resumed = await runMain(["meeting", "remove", "--resume", journal, "--output", "json"], {
    env: env(w.emulator),
  });
  assert.equal(resumed.code, 0, resumed.stdout);
  const doc = json(resumed.stdout);
  assert.equal(doc.result.earlier, 1);
  assert.deepEqual(doc.result.people.map((p: { outcome: string }) => p.outcome), [
    "removed",
    "removed",
  ]);
  assert.deepEqual(
    doc.result.people[1].participants.map((p: { id: string }) => p.id),
    [olga],
  );
  const deletes = w.emulator.requests.filter((r) =>
    r.method === "DELETE" && r.path.includes("/participants/")
  );
  assert.equal(deletes.length, 1, "Adele, done by the first run, is not removed again");
  assert.deepEqual(liveCalls(w.emulator), []);
  await Deno.remove(dir, { recursive: true });
});
