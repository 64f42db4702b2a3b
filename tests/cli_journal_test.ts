/**
 * Journals, in-process: a journal is locked while a run uses it; resuming invitations counts
 * "already invited" as done; a journal with nothing left to do resumes without a credential.
 */

import assert from "node:assert/strict";
import { main } from "../lib/cli/main.ts";
import { captureIo } from "./support/capture_io.ts";
import { runMain } from "./support/run_main.ts";
import { IDS, startTestEmulator, writePem } from "./support/tenant.ts";
import { cliCredentials } from "./support/cli_credentials.ts";

function pid(i: number): string {
  return `00000000-0000-4000-8000-${String(i + 1).padStart(12, "0")}`;
}

async function lines(path: string): Promise<Record<string, unknown>[]> {
  return (await Deno.readTextFile(path)).split("\n").filter(Boolean).map((l) => JSON.parse(l));
}

/** Resolves once the file holds a line of this type (polling the file, no fixed delay). */
async function untilLine(path: string, type: string, running: Promise<unknown>): Promise<void> {
  let done = false;
  running.finally(() => done = true);
  while (true) {
    try {
      if ((await lines(path)).some((l) => l.type === type)) return;
    } catch {
      // not there yet
    }
    if (done) throw new Error(`the run ended before ${path} had a ${type} line`);
    await new Promise((r) => setTimeout(r, 2));
  }
}

Deno.test("a journal is locked while a run uses it: a second run on it refuses with the reason", async () => {
  await using t = await startTestEmulator({
    tenant: {
      calls: [{
        id: IDS.callId,
        appId: IDS.clientId,
        participants: Array.from({ length: 6 }, (_, i) => ({
          id: pid(i),
          identity: { user: { id: `u${i}`, displayName: `User ${i}` } },
        })),
      }],
    },
  });
  t.emulator.setFaults([{
    method: "DELETE",
    path: "/v1.0/communications/calls/*/participants/*",
    latencyMs: 60,
  }]);
  const pem = await writePem(t.cert);
  const dir = await Deno.makeTempDir();
  const journal = `${dir}/run.jsonl`;
  const creds = cliCredentials(t.emulator.graphUrl, pem);
  const first = captureIo();
  const running = main([
    ...creds,
    "participant",
    "remove",
    "--call",
    IDS.callId,
    ...Array.from({ length: 6 }, (_, i) => ["--participant", pid(i)]).flat(),
    "--concurrency",
    "1",
    "--journal",
    journal,
  ], first);
  await untilLine(journal, "header", running);
  const second = await runMain([...creds, "participant", "remove", "--resume", journal]);
  assert.equal(second.code, 2, second.stderr);
  assert.match(
    second.stderr,
    /^graphcall: error: --resume: .*run\.jsonl is in use by another graphcall run \(it holds the journal's lock\); wait for that run to finish/,
  );
  assert.equal(second.stderr.trimEnd().split("\n").length, 1);
  assert.equal(await running, 0, first.stderr);
  // Once the first run is over, the lock is released: resuming finds everything done.
  const after = await runMain([
    ...creds,
    "--output",
    "json",
    "participant",
    "remove",
    "--resume",
    journal,
  ]);
  assert.equal(after.code, 0, after.stderr);
  assert.equal(JSON.parse(after.stdout).result.earlier, 6);
  const deletes = t.emulator.requests.filter((r) => r.method === "DELETE" && r.status === 204);
  assert.equal(deletes.length, 6, "each participant removed once");
});

Deno.test("resuming invitations: one whose request reached Graph before the crash (409 already invited) counts as done", async () => {
  await using t = await startTestEmulator();
  const pem = await writePem(t.cert);
  const creds = cliCredentials(t.emulator.graphUrl, pem);
  const dir = await Deno.makeTempDir();
  const journal = `${dir}/invite.jsonl`;
  const invitations = [
    { participantId: pid(0), identity: { user: { id: IDS.adeleUser } } },
    { participantId: pid(1), identity: { phone: { id: "+14255550123" } } },
  ];
  // The killed run: its header was written and the first POST reached Graph, but not its line.
  await Deno.writeTextFile(
    journal,
    JSON.stringify({
      type: "header",
      version: 1,
      command: "participant invite",
      callId: IDS.callId,
      items: invitations,
      startedAt: new Date().toISOString(),
    }) + "\n",
  );
  const reached = await runMain([
    ...creds,
    "participant",
    "invite",
    "--call",
    IDS.callId,
    "--user",
    IDS.adeleUser,
    "--participant-id",
    pid(0),
  ]);
  assert.equal(reached.code, 0, reached.stderr);

  const resumed = await runMain([
    ...creds,
    "--output",
    "json",
    "participant",
    "invite",
    "--resume",
    journal,
  ]);
  assert.equal(resumed.code, 0, resumed.stdout + resumed.stderr);
  const doc = JSON.parse(resumed.stdout);
  assert.equal(doc.ok, true);
  assert.deepEqual(doc.result.items.map((i: { outcome: string }) => i.outcome), [
    "alreadyInvited",
    "invited",
  ]);
  assert.equal(doc.result.invited, 1);
  assert.equal(doc.result.alreadyInvited, 1);
  assert.equal(doc.result.failed, 0);
  const recorded = (await lines(journal)).filter((l) => l.type === "item");
  // Lines are written in the order the requests finish.
  assert.deepEqual(Object.fromEntries(recorded.map((l) => [l.key, l.outcome])), {
    [pid(0)]: "alreadyInvited",
    [pid(1)]: "invited",
  });
  // And a second resume has nothing left to do.
  const again = await runMain([
    ...creds,
    "--output",
    "json",
    "participant",
    "invite",
    "--resume",
    journal,
  ]);
  assert.equal(again.code, 0, again.stderr);
  assert.equal(JSON.parse(again.stdout).result.earlier, 2);
});

Deno.test("--resume of a journal with nothing left to do succeeds without a credential", async () => {
  await using t = await startTestEmulator();
  const pem = await writePem(t.cert);
  const dir = await Deno.makeTempDir();
  const journal = `${dir}/done.jsonl`;
  const done = await runMain([
    ...cliCredentials(t.emulator.graphUrl, pem),
    "participant",
    "remove",
    "--call",
    IDS.callId,
    "--participant",
    IDS.adele,
    "--participant",
    IDS.megan,
    "--journal",
    journal,
  ]);
  assert.equal(done.code, 0, done.stderr);
  // No --tenant, --client-id, certificate or AZURE_* variable at all.
  const resumed = await runMain(["--output", "json", "participant", "remove", "--resume", journal]);
  assert.equal(resumed.code, 0, resumed.stdout + resumed.stderr);
  const doc = JSON.parse(resumed.stdout);
  assert.equal(doc.result.removed, 2);
  assert.equal(doc.result.earlier, 2);
  const human = await runMain(["participant", "remove", "--resume", journal]);
  assert.equal(human.code, 0, human.stderr);
  assert.match(human.stdout, /removed 2 of 2 participants .*\(2 done by an earlier run\)/);
});

Deno.test("the interrupt listener is a dependency: an interrupt injected before the run sends nothing and reports every item not started", async () => {
  const { default: remove } = await import("../lib/cli/commands/participant_remove.ts");
  const { commandDeps } = await import("../lib/cli/deps.ts");
  await using t = await startTestEmulator();
  const pem = await writePem(t.cert);
  const dir = await Deno.makeTempDir();
  const io = captureIo({ env: { NO_COLOR: "1" } });
  const globals = {
    emulator: t.emulator.graphUrl,
    tenant: IDS.tenantId,
    clientId: IDS.clientId,
    certificate: pem,
  };
  const options = await remove.parse({
    call: IDS.callId,
    participant: [IDS.adele, IDS.megan],
    journal: `${dir}/run.jsonl`,
  }, { io, globals, args: [] });
  const stop = new AbortController();
  stop.abort(new Error("SIGINT"));
  const outcome = await remove.run(options, {
    ...commandDeps({
      io,
      globals,
      paint: (_s, text) => text,
      session: {},
      runCli: () => Promise.resolve(0),
    }),
    listenForInterrupt: () => ({
      stop: stop.signal,
      abort: new AbortController().signal,
      received: "SIGINT",
      onStop: () => {},
      [Symbol.dispose]: () => {},
    }),
  });
  assert.equal(outcome.exitCode, 130);
  const result = outcome.result as { notStarted: number; interrupted: string };
  assert.equal(result.interrupted, "SIGINT");
  assert.equal(result.notStarted, 2);
  assert.deepEqual(t.emulator.requests.filter((r) => r.method === "DELETE"), []);
  assert.equal((await lines(`${dir}/run.jsonl`)).at(-1)!.type, "summary");
});
