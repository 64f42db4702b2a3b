import assert from "node:assert/strict";
import { inherited, runCli } from "./support/run_cli.ts";
import { runMain } from "./support/run_main.ts";
import { IDS, startTestEmulator, writePem } from "./support/tenant.ts";
import { cliCredentials as credentials } from "./support/cli_credentials.ts";
import { readJournal } from "../lib/cli/journal.ts";

const CLI = new URL("../cli.ts", import.meta.url).pathname;
const DELETE_PATH = "/v1.0/communications/calls/*/participants/*";
const COUNT = 300;

function pid(i: number): string {
  return `00000000-0000-4000-8000-${i.toString(16).padStart(12, "0")}`;
}

async function bigCall() {
  const t = await startTestEmulator({
    tenant: {
      calls: [{
        id: IDS.callId,
        appId: IDS.clientId,
        participants: Array.from({ length: COUNT }, (_, i) => ({
          id: pid(i),
          identity: { user: { id: pid(i), displayName: `User ${i}` } },
        })),
      }],
    },
  });
  // Every DELETE takes a while, so that the run can be interrupted in the middle.
  t.emulator.setFaults([{ method: "DELETE", path: DELETE_PATH, latencyMs: 25 }]);
  const dir = await Deno.makeTempDir({ prefix: "graphcall-journal-" });
  const pem = await writePem(t.cert, dir);
  await Deno.writeTextFile(
    `${dir}/ids.txt`,
    Array.from({ length: COUNT }, (_, i) => pid(i)).join("\n"),
  );
  return { t, dir, pem };
}

function spawnCli(args: string[]): Deno.ChildProcess {
  return new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--quiet",
      "--allow-net",
      "--allow-read",
      "--allow-write",
      "--allow-env",
      CLI,
      ...args,
    ],
    env: { NO_COLOR: "1", ...inherited() },
    clearEnv: true,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
}

/** Item lines in the journal so far (0 while it does not exist). */
async function itemLines(path: string): Promise<number> {
  try {
    return (await Deno.readTextFile(path)).split("\n").filter((l) => l.includes('"type":"item"'))
      .length;
  } catch {
    return 0;
  }
}

/** Waits (polling the file, no fixed delay) until the journal has `n` item lines. */
async function untilItems(path: string, n: number, child: Deno.ChildProcess): Promise<number> {
  let exited = false;
  child.status.then(() => exited = true);
  while (true) {
    const count = await itemLines(path);
    if (count >= n) return count;
    if (exited) throw new Error(`the CLI exited before the journal had ${n} items`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

function parseLines(text: string): Record<string, unknown>[] {
  return text.split("\n").filter((l) => l !== "").map((l) => JSON.parse(l));
}

Deno.test("a bulk removal killed with SIGKILL and resumed from its journal accounts for every participant once and removes none twice", async () => {
  const { t, dir, pem } = await bigCall();
  await using _ = t;
  const journal = `${dir}/run.jsonl`;
  const child = spawnCli([
    ...credentials(t.emulator.graphUrl, pem),
    "participant",
    "remove",
    "--call",
    IDS.callId,
    "--from",
    `${dir}/ids.txt`,
    "--journal",
    journal,
  ]);
  await untilItems(journal, 20, child);
  child.kill("SIGKILL");
  await child.output();
  const before = readJournal(journal);
  const removedBeforeKill = [...before.items.values()].filter((i) => i.outcome === "removed")
    .length;
  assert.equal(before.header.items.length, COUNT, "the header holds the full input list");
  assert.ok(removedBeforeKill >= 20 && removedBeforeKill < COUNT, `${removedBeforeKill}`);
  // A write cut short by the kill leaves a torn last line: the resumed run must tolerate it.
  await Deno.writeTextFile(journal, '{"type":"item","key":"000', { append: true });

  const resumed = await runCli([
    ...credentials(t.emulator.graphUrl, pem),
    "--output",
    "json",
    "participant",
    "remove",
    "--resume",
    journal,
  ]);
  assert.equal(resumed.code, 0, resumed.stderr);
  const doc = JSON.parse(resumed.stdout);
  const items: { participantId: string; outcome: string; earlier?: boolean }[] = doc.result.items;
  // Every input item exactly once, in input order; none lost, none failed.
  assert.deepEqual(
    items.map((i) => i.participantId),
    Array.from({ length: COUNT }, (_, i) => pid(i)),
  );
  assert.ok(items.every((i) => i.outcome === "removed" || i.outcome === "alreadyGone"));
  assert.equal(doc.result.removed + doc.result.alreadyGone, COUNT);
  assert.equal(doc.result.failed + doc.result.notStarted, 0);
  assert.equal(doc.result.earlier, removedBeforeKill, "items done before the kill were skipped");
  assert.equal(items.filter((i) => i.earlier).length, removedBeforeKill);
  const roster = t.emulator.state.tenant(IDS.tenantId)!.calls.get(IDS.callId)!.participants;
  assert.equal(roster.size, 0, "lost = 0: nobody is left in the call");
  // The emulator's own log: at most one 204 per participant (nothing removed twice), and every
  // participant was removed by exactly one 204.
  const answers = new Map<string, number[]>();
  for (const r of t.emulator.requests.filter((r) => r.method === "DELETE")) {
    answers.set(r.path, [...(answers.get(r.path) ?? []), r.status]);
  }
  assert.equal(answers.size, COUNT);
  for (const [path, statuses] of answers) {
    assert.equal(statuses.filter((s) => s === 204).length, 1, `${path}: ${statuses}`);
  }
  // The journal was repaired (no torn line), resumed and closed with a summary of all items.
  const lines = parseLines(await Deno.readTextFile(journal));
  assert.ok(lines.some((l) => l.type === "resume"));
  assert.deepEqual(lines.at(-1)!.type, "summary");
  assert.equal(lines.at(-1)!.total, COUNT);
  const afterResume = COUNT - removedBeforeKill;
  console.log(
    `items ${COUNT}, removed before kill ${removedBeforeKill}, after resume ${afterResume} ` +
      `(${doc.result.alreadyGone} of them found already gone), lost 0`,
  );
});

Deno.test("SIGINT during a bulk removal starts no new request, finishes those in flight, reports every item and exits 130", async () => {
  const { t, dir, pem } = await bigCall();
  await using _ = t;
  const journal = `${dir}/run.jsonl`;
  const child = spawnCli([
    ...credentials(t.emulator.graphUrl, pem),
    "--output",
    "json",
    "participant",
    "remove",
    "--call",
    IDS.callId,
    "--from",
    `${dir}/ids.txt`,
    "--concurrency",
    "4",
    "--journal",
    journal,
  ]);
  await untilItems(journal, 10, child);
  child.kill("SIGINT");
  const out = await child.output();
  const stderr = new TextDecoder().decode(out.stderr);
  assert.equal(out.code, 130, stderr);
  assert.match(stderr, /SIGINT: starting no new requests/);
  const doc = JSON.parse(new TextDecoder().decode(out.stdout));
  assert.equal(doc.ok, false);
  assert.equal(doc.exitCode, 130);
  assert.equal(doc.result.interrupted, "SIGINT");
  assert.equal(doc.result.items.length, COUNT);
  assert.equal(doc.result.removed + doc.result.notStarted, COUNT);
  assert.ok(doc.result.notStarted > 0, "the run really stopped early");
  const lines = parseLines(await Deno.readTextFile(journal));
  const interrupt = lines.find((l) => l.type === "interrupt")!;
  assert.equal(interrupt.signal, "SIGINT");
  const doneAtSignal = interrupt.done as number;
  // Nothing new started after the signal: only the (at most 4) requests in flight then were
  // answered afterwards, and every request the emulator served has its outcome in the report.
  const deletes = t.emulator.requests.filter((r) => r.method === "DELETE");
  assert.ok(deletes.length <= doneAtSignal + 4, `${deletes.length} > ${doneAtSignal} + 4`);
  assert.equal(deletes.length, doc.result.removed);
  assert.equal(lines.filter((l) => l.type === "item").length, COUNT);
  assert.equal(lines.at(-1)!.type, "summary");
  const roster = t.emulator.state.tenant(IDS.tenantId)!.calls.get(IDS.callId)!.participants;
  assert.equal(roster.size, COUNT - doc.result.removed);
});

Deno.test("--journal refuses an existing journal and --resume refuses a file that is not one", async () => {
  const dir = await Deno.makeTempDir();
  await Deno.writeTextFile(`${dir}/old.jsonl`, '{"type":"header"}\n');
  const exists = await runMain([
    "participant",
    "remove",
    "--call",
    IDS.callId,
    "--participant",
    IDS.adele,
    "--journal",
    `${dir}/old.jsonl`,
    "--tenant",
    IDS.tenantId,
    "--client-id",
    IDS.clientId,
    "--access-token-file",
    `${dir}/none`,
  ]);
  assert.equal(exists.code, 2);
  assert.match(exists.stderr, /--journal: .*already holds a journal; continue it with --resume/);
  await Deno.writeTextFile(`${dir}/notes.txt`, "hello\n");
  const wrong = await runMain(["participant", "remove", "--resume", `${dir}/notes.txt`]);
  assert.equal(wrong.code, 2);
  assert.match(wrong.stderr, /^graphcall: error: --resume: .*line 1 is not JSON/);
  const mixed = await runMain([
    "participant",
    "remove",
    "--resume",
    `${dir}/old.jsonl`,
    "--participant",
    IDS.adele,
  ]);
  assert.equal(mixed.code, 2);
  assert.match(mixed.stderr, /--participant: cannot be combined with --resume/);
});
