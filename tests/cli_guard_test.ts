/**
 * `graphcall meeting guard` end to end: the real CLI in a child process against the emulator
 * (real clock, polling at the default 1 s). The denied person present at start is removed; each
 * time they rejoin through the admin API they are removed again within 2 s; someone else is left
 * alone; a denied phone number and a display-name pattern work; Ctrl-C ends it within 3 s with
 * the app's call hung up and a summary; no participant id gets two DELETEs.
 */

import assert from "node:assert/strict";
import type { Emulator } from "../lib/emulator/mod.ts";
import { M, startMeetingWorld } from "./support/meeting_world.ts";
import { inherited } from "./support/run_cli.ts";
import { runMain } from "./support/run_main.ts";

const LINK = `https://teams.microsoft.com/l/meetup-join/${
  encodeURIComponent(M.threadId)
}/0?context=${encodeURIComponent(JSON.stringify({ Tid: M.tenantId, Oid: M.organizer }))}`;

function env(emulator: Emulator): Record<string, string> {
  return {
    GRAPHCALL_EMULATOR_URL: emulator.graphUrl,
    AZURE_TENANT_ID: M.tenantId,
    AZURE_CLIENT_ID: M.botA,
    AZURE_CLIENT_SECRET: M.secret,
  };
}

/** The child's stdout, line by line as it comes, with the time each line arrived. */
function lines(stream: ReadableStream<Uint8Array>) {
  const seen: { at: number; line: string }[] = [];
  const waiters: (() => void)[] = [];
  (async () => {
    let buffer = "";
    for await (const chunk of stream.pipeThrough(new TextDecoderStream())) {
      buffer += chunk;
      let i;
      while ((i = buffer.indexOf("\n")) >= 0) {
        seen.push({ at: performance.now(), line: buffer.slice(0, i) });
        buffer = buffer.slice(i + 1);
        waiters.splice(0).forEach((w) => w());
      }
    }
    waiters.splice(0).forEach((w) => w());
  })();
  return {
    seen,
    /** Waits until `count` lines match (or 10 s pass). */
    async until(pattern: RegExp, count = 1): Promise<{ at: number; line: string }[]> {
      const deadline = performance.now() + 10_000;
      while (seen.filter((l) => pattern.test(l.line)).length < count) {
        if (performance.now() > deadline) {
          throw new Error(
            `waited for ${count} x ${pattern}: ${seen.map((l) => l.line).join(" | ")}`,
          );
        }
        await new Promise<void>((r) => {
          waiters.push(r);
          setTimeout(r, 100);
        });
      }
      return seen.filter((l) => pattern.test(l.line));
    },
  };
}

function liveCalls(emulator: Emulator): number {
  const state = emulator.state.snapshot() as {
    tenants: { calls: { appId?: string; state: string }[] }[];
  };
  return state.tenants.flatMap((t) => t.calls).filter((c) =>
    c.appId?.toLowerCase() === M.botA && c.state !== "terminated"
  ).length;
}

Deno.test("meeting guard removes a denied person each time they rejoin, leaves others, and ends cleanly on Ctrl-C", async () => {
  await using w = await startMeetingWorld({ clock: Date.now });
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
      "guard",
      "--join-url",
      LINK,
      "--deny",
      "adele@contoso.onmicrosoft.com",
      "--deny",
      "+14255550100",
      "--deny-display-name",
      "vis*",
    ],
    env: { NO_COLOR: "1", ...inherited(), ...env(w.emulator) },
    clearEnv: true,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const out = lines(child.stdout);
  try {
    await out.until(/joined the meeting/);
    // present at start: Adele, the phone and the guest "Visitor"
    const first = await out.until(/ removed /, 3);
    assert.ok(first.some((l) => /Adele Vance/.test(l.line)));
    assert.ok(first.some((l) => /\+14255550100/.test(l.line)));
    assert.ok(first.some((l) => /Visitor .*display name "vis\*"/.test(l.line)));

    // two rejoins, each removed within 2 s; a bystander is left alone
    const bystander = w.emulator.addAttendee(M.tenantId, "allhands", { user: M.organizer });
    for (let n = 2; n <= 3; n++) {
      const rejoinedAt = performance.now();
      w.emulator.addAttendee(M.tenantId, "allhands", { user: M.adele });
      const removals = await out.until(/ removed Adele Vance/, n);
      const latency = removals[n - 1]!.at - rejoinedAt;
      assert.ok(latency <= 2000, `rejoin ${n - 1} removed after ${Math.round(latency)} ms`);
    }
    const stoppedAt = performance.now();
    child.kill("SIGINT");
    const status = await child.status;
    assert.ok(performance.now() - stoppedAt <= 3000, "Ctrl-C ends it within 3 s");
    assert.equal(status.code, 0);
    await out.until(/hung up/);
    const summary = await out.until(/^5 removals: /);
    assert.match(summary[0]!.line, /Adele Vance 3/);
    assert.equal(liveCalls(w.emulator), 0, "the app's call was hung up");

    const deletes = new Map<string, number>();
    for (const r of w.emulator.requests) {
      const m = /\/participants\/([^/]+)$/.exec(r.path);
      if (r.method === "DELETE" && m) deletes.set(m[1]!, (deletes.get(m[1]!) ?? 0) + 1);
    }
    assert.ok([...deletes.values()].every((n) => n === 1), "no participant id got two DELETEs");
    assert.ok(!deletes.has(bystander), "the bystander was left alone");
    await child.stderr.cancel();
  } catch (e) {
    child.kill("SIGKILL");
    await child.status;
    throw e;
  }
});

Deno.test("meeting guard --output json prints one JSON object per event, the summary last", async () => {
  await using w = await startMeetingWorld({ clock: Date.now });
  const run = await runMain([
    "meeting",
    "guard",
    "--join-url",
    LINK,
    "--deny",
    M.adele,
    "--duration",
    "3s",
    "--output",
    "json",
  ], { env: env(w.emulator) });
  assert.equal(run.code, 0, run.stderr);
  const events = run.stdout.trim().split("\n").map((l) => JSON.parse(l));
  assert.deepEqual(events.map((e) => e.event), ["joined", "removed", "left", "summary"]);
  assert.equal(events[1].participantId, M.adeleParticipant);
  assert.deepEqual(events.at(-1).byPerson, { "Adele Vance": 1 });
  assert.equal(events.at(-1).endedBy, "duration");
  assert.equal(liveCalls(w.emulator), 0);
});

Deno.test("meeting guard --what-if shows the plan and sends nothing", async () => {
  await using w = await startMeetingWorld({ clock: Date.now });
  w.emulator.clearRequests();
  const run = await runMain(
    [
      "meeting",
      "guard",
      "--join-url",
      LINK,
      "--deny",
      "adele@contoso.onmicrosoft.com",
      "--deny-guests",
      "--what-if",
    ],
    { env: env(w.emulator) },
  );
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stdout, /user adele@contoso\.onmicrosoft\.com/);
  assert.match(run.stdout, /every anonymous guest/);
  assert.match(run.stdout, /POST .*\/communications\/calls/);
  assert.equal(w.emulator.requests.length, 0);
});
