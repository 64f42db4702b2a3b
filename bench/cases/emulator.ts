/**
 * 5. The emulator: in-process start time, `graphcall emulator` process start to its first token,
 * and DELETE throughput on loopback.
 */

import { connect } from "../../mod.ts";
import { baseEnv, runChildChecked } from "../lib/child.ts";
import { type BenchContext, denoScript, graphcallCli } from "../lib/context.ts";
import { IDS, ROOT, seedCalls, startBenchEmulator, writeWork } from "../lib/fixture.ts";
import { profileChild, profileLine } from "../lib/profile.ts";
import { summarize } from "../lib/stats.ts";
import type { Goal, Row, Section } from "../lib/types.ts";

/** One `graphcall emulator` process: spawn to its JSON line, and to its first token. */
interface FirstToken {
  /** Spawn to the start-up line, ms. */
  readyMs: number;
  /** Spawn to the first token's answer, ms. */
  tokenMs: number;
  /** VmRSS after that token (Linux), MiB. */
  rssMiB: number | undefined;
}

async function firstToken(statePath: string): Promise<FirstToken> {
  const spec = graphcallCli(["emulator", "--output", "json", "--state", statePath]);
  const t0 = performance.now();
  const child = new Deno.Command(spec.cmd, {
    args: spec.args,
    env: { ...baseEnv(), ...spec.env },
    clearEnv: true,
    stdin: "null",
    stdout: "piped",
    stderr: "null",
    ...(spec.cwd ? { cwd: spec.cwd } : {}),
  }).spawn();
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  try {
    let line = "";
    while (!line.includes("\n")) {
      const { value, done } = await reader.read();
      if (done) throw new Error("graphcall emulator exited before its start-up line");
      line += value;
    }
    const readyMs = performance.now() - t0;
    const { authorityUrl } = JSON.parse(line.split("\n")[0]!) as { authorityUrl: string };
    const r = await fetch(`${authorityUrl}/${FIRST_TOKEN.tenantId}/oauth2/v2.0/token`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({
        client_id: FIRST_TOKEN.clientId,
        client_secret: FIRST_TOKEN.secret,
        grant_type: "client_credentials",
        scope: IDS.scope,
      }),
    });
    await r.body?.cancel();
    const tokenMs = performance.now() - t0;
    if (r.status !== 200) throw new Error(`first token: HTTP ${r.status}`);
    let rssMiB: number | undefined;
    try {
      const m = /VmRSS:\s+(\d+) kB/.exec(await Deno.readTextFile(`/proc/${child.pid}/status`));
      if (m) rssMiB = Number(m[1]) / 1024;
    } catch { /* no /proc here */ }
    return { readyMs, tokenMs, rssMiB };
  } finally {
    child.kill("SIGTERM");
    await reader.cancel().catch(() => {});
    await child.status;
  }
}

/** The tenant of the first-token runs: an app with a client secret (local, made up). */
const FIRST_TOKEN = Object.freeze({
  tenantId: "7f6e5d4c-3b2a-4190-8f7e-6d5c4b3a2910",
  clientId: "8a7b6c5d-4e3f-4a1b-9c8d-7e6f5a4b3c2d",
  secret: "bench-only-secret",
});

/** Runs the emulator benchmarks. */
export async function benchEmulator(
  ctx: BenchContext,
): Promise<{ section: Section; goals: Goal[] }> {
  const c = ctx.config;
  // Start time: fresh emulators in this process, each with the bench tenant.
  const startMs: number[] = [];
  for (let i = -1; i < c.emulatorStarts; i++) {
    const t0 = performance.now();
    const e = await startBenchEmulator(ctx.cred);
    const ms = performance.now() - t0;
    await e.close();
    if (i >= 0) startMs.push(ms);
  }
  ctx.log(`  ${c.emulatorStarts} starts done`);

  // Process start to first token: `graphcall emulator` spawned fresh each time.
  const statePath = `${ctx.dir}/first-token-state.json`;
  await Deno.writeTextFile(
    statePath,
    JSON.stringify({
      tenants: [{
        id: FIRST_TOKEN.tenantId,
        apps: [{ clientId: FIRST_TOKEN.clientId, secrets: [{ value: FIRST_TOKEN.secret }] }],
      }],
    }),
  );
  const firstTokens: FirstToken[] = [];
  for (let i = -1; i < c.emulatorStarts; i++) {
    const run = await firstToken(statePath);
    if (i >= 0) firstTokens.push(run);
  }
  ctx.log(`  ${c.emulatorStarts} process starts to first token done`);

  // Throughput: a fresh emulator per repetition, its DELETEs sent by a separate process.
  const rates: number[] = [];
  const rss: number[] = [];
  const statuses: Record<string, number> = {};
  for (let rep = 0; rep < c.throughputReps; rep++) {
    const emulator = await startBenchEmulator(ctx.cred);
    try {
      const client = await connect({
        tenantId: IDS.tenantId,
        clientId: IDS.clientId,
        certificate: { path: ctx.cred.pemPath },
        authorityUrl: emulator.authorityUrl,
        graphUrl: emulator.graphUrl,
      });
      const tokenFile = `${ctx.dir}/token.txt`;
      await Deno.writeTextFile(tokenFile, (await client.credential.getToken()).token, {
        mode: 0o600,
      });
      const work = await writeWork(
        ctx.dir,
        "work-throughput",
        seedCalls(emulator, 40, c.throughputDeletes),
      );
      const run = await runChildChecked(
        "delete_load",
        denoScript("tools/delete_load.ts", {
          GC_GRAPH_URL: emulator.graphUrl,
          GC_TOKEN_FILE: tokenFile,
          GC_CLIENTS: String(c.throughputClients),
          GC_WORK_FILE: work,
        }),
      );
      const out = JSON.parse(run.stdout.trim()) as {
        count: number;
        ms: number;
        statuses: Record<string, number>;
      };
      for (const [k, v] of Object.entries(out.statuses)) statuses[k] = (statuses[k] ?? 0) + v;
      if ((out.statuses["204"] ?? 0) !== out.count) {
        throw new Error(
          `delete_load: not every DELETE answered 204: ${JSON.stringify(out.statuses)}`,
        );
      }
      rates.push(out.count / (out.ms / 1000));
      rss.push(Deno.memoryUsage().rss / (1024 * 1024));
    } finally {
      await emulator.close();
    }
  }
  ctx.log(`  throughput done`);

  const start = summarize(startMs)!;
  const rate = summarize(rates)!;
  const token = summarize(firstTokens.map((r) => r.tokenMs))!;
  const idleRss = summarize(firstTokens.flatMap((r) => r.rssMiB === undefined ? [] : [r.rssMiB]));
  const rows: Row[] = [
    {
      id: "emulator.start",
      label: "startEmulator() in-process, bench tenant",
      timeMs: start,
    },
    {
      id: "emulator.first_token",
      label: "graphcall emulator: process spawn to its first token issued",
      timeMs: token,
      ...(idleRss ? { rssMiB: idleRss } : {}),
    },
    {
      id: "emulator.delete_throughput",
      label:
        `DELETE throughput, ${c.throughputClients} concurrent loopback clients, ${c.throughputDeletes} DELETEs`,
      value: { unit: "req/s", summary: rate },
      rssMiB: summarize(rss)!,
      rssSource: "Deno.memoryUsage().rss",
    },
  ];
  const startGoal: Goal = {
    id: "emulator_start",
    goal: "emulator starting under 100 ms",
    measured: `${start.median.toFixed(1)} ms (median of ${start.n} fresh starts)`,
    met: start.median < 100,
  };
  const rateGoal: Goal = {
    id: "emulator_throughput",
    goal: "emulator at least 10,000 DELETE per second",
    measured: `${rate.median.toFixed(0)} req/s (median)`,
    met: rate.median >= 10_000,
  };
  const tokenGoal: Goal = {
    id: "emulator_first_token",
    goal: "emulator process start to first token at most 150 ms",
    measured: `${token.median.toFixed(0)} ms (median of ${token.n} spawns)`,
    met: token.median <= 150,
  };
  if (c.profileMisses && !startGoal.met) {
    startGoal.note = profileLine(
      await profileChild(denoScript("tools/emulator_start.ts", { GC_STARTS: "10" }), ROOT),
    );
  }
  if (c.profileMisses && !rateGoal.met) {
    rateGoal.note = `server and clients in one process: ${
      profileLine(
        await profileChild(
          denoScript("tools/emulator_throughput.ts", {
            GC_DELETES: String(c.throughputDeletes),
            GC_CLIENTS: String(c.throughputClients),
          }),
          ROOT,
        ),
      )
    }`;
  }
  return {
    section: {
      id: "emulator",
      title: "5. The emulator",
      reps: c.emulatorStarts,
      method: `${c.emulatorStarts} fresh starts; ${c.throughputReps} throughput repetition(s)`,
      rows,
      notes: [
        `Start time: ${c.emulatorStarts} fresh starts (and closes) in the bench process, after one ` +
        "untimed start.",
        `Throughput: ${c.throughputReps} repetition(s), a fresh emulator each; the DELETEs come ` +
        "from a separate Deno process (its start-up not timed) with a valid token; every answer " +
        `was checked to be 204 (${JSON.stringify(statuses)}). Peak RSS is the bench process ` +
        "holding the emulator.",
        `First token: ${c.emulatorStarts} fresh \`graphcall emulator --output json\` processes ` +
        "(after one untimed), each timed from spawn until the answer to a client-secret token " +
        "request; RSS is the process's VmRSS right after it. The signing keys are the " +
        "well-known development keys (no RSA generation at start).",
      ],
    },
    goals: [rateGoal, tokenGoal, startGoal],
  };
}
