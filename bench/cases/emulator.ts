/** 5. The emulator: in-process start time, and DELETE throughput on loopback. */

import { connect } from "../../mod.ts";
import { runChildChecked } from "../lib/child.ts";
import { type BenchContext, denoScript } from "../lib/context.ts";
import { IDS, ROOT, seedCalls, startBenchEmulator, writeWork } from "../lib/fixture.ts";
import { profileChild, profileLine } from "../lib/profile.ts";
import { summarize } from "../lib/stats.ts";
import type { Goal, Row, Section } from "../lib/types.ts";

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
  const rows: Row[] = [
    {
      id: "emulator.start",
      label: "startEmulator() in-process, bench tenant",
      timeMs: start,
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
    goal: "emulator at least 3,000 DELETE per second",
    measured: `${rate.median.toFixed(0)} req/s (median)`,
    met: rate.median >= 3000,
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
      ],
    },
    goals: [rateGoal, startGoal],
  };
}
