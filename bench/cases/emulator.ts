/**
 * 5. The emulator: DELETE throughput with the load generator on the same machine (bench's own
 * generator, and wrk when installed), the emulator process from spawn to its first token issued,
 * and its in-process start.
 */

import { connect } from "../../mod.ts";
import { baseEnv, runChildChecked } from "../lib/child.ts";
import { type BenchContext, denoScript } from "../lib/context.ts";
import {
  BENCH,
  CLI,
  IDS,
  ROOT,
  seedCalls,
  startBenchEmulator,
  tenantSpec,
  writeWork,
} from "../lib/fixture.ts";
import { profileChild, profileLine } from "../lib/profile.ts";
import { summarize } from "../lib/stats.ts";
import type { Goal, Row, Section } from "../lib/types.ts";

const SECRET = "bench-only-secret-0123456789";

/** What the emulator-process runs measured, for the memory section too. */
export interface EmulatorProcessFigures {
  /** Spawn to first token, ms. */
  firstTokenMs: number[];
  /** The process's resident set right after its first token, MiB. */
  idleRssMiB: number[];
}

function vmRssMiB(pid: number): number | undefined {
  try {
    const m = /VmRSS:\s+(\d+)\s+kB/.exec(Deno.readTextFileSync(`/proc/${pid}/status`));
    return m ? Number(m[1]) / 1024 : undefined;
  } catch {
    return undefined;
  }
}

/** Spawns `graphcall emulator --output json`, reads its URLs, asks one token; times it. */
async function spawnToFirstToken(statePath: string): Promise<{ ms: number; rss?: number }> {
  const t0 = performance.now();
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--quiet",
      "--allow-net=127.0.0.1",
      "--allow-read",
      "--allow-write",
      "--allow-env",
      CLI,
      "emulator",
      "--state",
      statePath,
      "--output",
      "json",
    ],
    env: baseEnv(),
    clearEnv: true,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
    cwd: ROOT,
  }).spawn();
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  try {
    let text = "";
    while (!text.includes("\n")) {
      const { value, done } = await reader.read();
      if (done) throw new Error(`the emulator printed no URLs: ${text.slice(0, 200)}`);
      text += value;
    }
    const { authorityUrl } = JSON.parse(text.split("\n")[0]!) as { authorityUrl: string };
    const r = await fetch(`${authorityUrl}/${IDS.tenantId}/oauth2/v2.0/token`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({
        client_id: IDS.clientId,
        client_secret: SECRET,
        grant_type: "client_credentials",
        scope: IDS.scope,
      }),
    });
    const body = await r.json() as { access_token?: string };
    if (r.status !== 200 || !body.access_token) throw new Error(`token request: ${r.status}`);
    const ms = performance.now() - t0;
    const rss = vmRssMiB(child.pid);
    return rss === undefined ? { ms } : { ms, rss };
  } finally {
    child.kill("SIGTERM");
    await reader.cancel().catch(() => {});
    await child.stderr.cancel().catch(() => {});
    await child.status;
  }
}

async function wrkVersion(): Promise<string | undefined> {
  try {
    const out = await new Deno.Command("wrk", { args: ["-v"], stdout: "piped", stderr: "piped" })
      .output();
    const text = new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr);
    return /wrk \S+/.exec(text)?.[0] ?? "wrk";
  } catch {
    return undefined;
  }
}

/** The Lua script: DELETE the listed paths in turn (one per request), count statuses. */
function wrkScript(pathsFile: string, token: string, threads: number): string {
  return `
local paths = {}
for line in io.lines("${pathsFile}") do paths[#paths + 1] = line end
local counter = 0
local threads = {}
function setup(thread)
  thread:set("id", #threads)
  thread:set("nthreads", ${threads})
  table.insert(threads, thread)
end
function init(args)
  counter = id
  ok = 0
  other = 0
end
request = function()
  counter = counter + nthreads
  local p = paths[(counter % #paths) + 1]
  return wrk.format("DELETE", p, { ["Authorization"] = "Bearer ${token}" })
end
response = function(status, headers, body)
  if status == 204 then ok = ok + 1 else other = other + 1 end
end
function done(summary, latency, requests)
  local total_ok, total_other = 0, 0
  for _, t in ipairs(threads) do
    total_ok = total_ok + t:get("ok")
    total_other = total_other + t:get("other")
  end
  io.write(string.format("GCRESULT %d %d %d\\n", total_ok, total_other, summary.duration))
end
`;
}

/** Runs the emulator benchmarks. */
export async function benchEmulator(
  ctx: BenchContext,
): Promise<{ section: Section; goals: Goal[]; process: EmulatorProcessFigures }> {
  const c = ctx.config;
  // In-process start: fresh emulators in this process, each with the bench tenant.
  const startMs: number[] = [];
  for (let i = -1; i < c.emulatorStarts; i++) {
    const t0 = performance.now();
    const e = await startBenchEmulator(ctx.cred);
    const ms = performance.now() - t0;
    await e.close();
    if (i >= 0) startMs.push(ms);
  }

  // The emulator process, spawn to first token.
  const spec = tenantSpec(ctx.cred.cert);
  for (const app of spec.apps ?? []) app.secrets = [{ value: SECRET }];
  const statePath = `${ctx.dir}/emulator-state.json`;
  await Deno.writeTextFile(statePath, JSON.stringify({ tenants: [spec] }), { mode: 0o600 });
  const firstTokenMs: number[] = [];
  const idleRssMiB: number[] = [];
  for (let i = -1; i < c.emulatorSpawns; i++) {
    const r = await spawnToFirstToken(statePath);
    if (i < 0) continue;
    firstTokenMs.push(r.ms);
    if (r.rss !== undefined) idleRssMiB.push(r.rss);
  }
  ctx.log(`  ${c.emulatorSpawns} emulator processes to first token done`);

  // Throughput: a fresh emulator per repetition, its DELETEs sent by a separate process.
  const rates: number[] = [];
  const wrkRates: number[] = [];
  const statuses: Record<string, number> = {};
  let wrkNote = "";
  const wrk = await wrkVersion();
  for (let rep = 0; rep < c.throughputReps; rep++) {
    const emulator = await startBenchEmulator(ctx.cred);
    try {
      const client = await connect({
        tenantId: IDS.tenantId,
        clientId: IDS.clientId,
        certificate: { path: ctx.cred.pemPath },
        authorityUrl: emulator.authorityUrl,
        graphUrl: emulator.graphUrl,
        env: {},
      });
      const token = (await client.credential.getToken()).token;
      const tokenFile = `${ctx.dir}/token.txt`;
      await Deno.writeTextFile(tokenFile, token, { mode: 0o600 });
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

      if (wrk) {
        // wrk needs more participants than it can remove in its time (50,000 a second allowed
        // for); a run that ran out anyway says so in its status.
        const seeded = seedCalls(emulator, 40, 50_000 * c.wrkSeconds);
        const pathsFile = `${ctx.dir}/wrk-paths.txt`;
        await Deno.writeTextFile(
          pathsFile,
          seeded.flatMap((s) =>
            s.participants.map((p) => `/v1.0/communications/calls/${s.callId}/participants/${p}`)
          ).join("\n") + "\n",
        );
        const scriptFile = `${ctx.dir}/wrk-delete.lua`;
        await Deno.writeTextFile(scriptFile, wrkScript(pathsFile, token, 2), { mode: 0o600 });
        const w = await runChildChecked("wrk", {
          cmd: "wrk",
          args: ["-t2", "-c32", `-d${c.wrkSeconds}s`, "-s", scriptFile, emulator.graphUrl],
          cwd: ROOT,
        });
        const m = /GCRESULT (\d+) (\d+) (\d+)/.exec(w.stdout);
        if (!m) throw new Error(`wrk printed no result: ${w.stdout.slice(0, 300)}`);
        const [ok, other, durationUs] = [Number(m[1]), Number(m[2]), Number(m[3])];
        if (other > 0) {
          wrkNote = `wrk ran out of participants (${other} answers other than 204 in one run): ` +
            "a lower bound";
        }
        wrkRates.push(ok / (durationUs / 1e6));
      }
    } finally {
      await emulator.close();
    }
  }
  await Deno.remove(`${ctx.dir}/token.txt`).catch(() => {});
  ctx.log(`  throughput done`);

  const start = summarize(startMs)!;
  const rate = summarize(rates)!;
  const wrkRate = summarize(wrkRates);
  const firstToken = summarize(firstTokenMs)!;
  const rows: Row[] = [
    {
      id: "emulator.delete_throughput",
      label: `DELETE throughput, bench's generator (a Deno process, ${c.throughputClients} ` +
        `concurrent clients, ${c.throughputDeletes} DELETEs)`,
      value: { unit: "req/s", summary: rate },
    },
    wrkRate
      ? {
        id: "emulator.delete_throughput_wrk",
        label: `DELETE throughput, ${wrk} (2 threads, 32 connections, ${c.wrkSeconds} s)`,
        value: { unit: "req/s", summary: wrkRate },
        ...(wrkNote ? { status: wrkNote } : {}),
      }
      : {
        id: "emulator.delete_throughput_wrk",
        label: "DELETE throughput, wrk",
        status: "not measured: wrk is not installed (apt-get install wrk)",
      },
    {
      id: "emulator.first_token",
      label: "`deno run cli.ts emulator --output json`, spawn to the first token issued",
      timeMs: firstToken,
    },
    {
      id: "emulator.start",
      label: "startEmulator() in-process, bench tenant (not a goal)",
      timeMs: start,
    },
  ];
  const best = Math.max(rate.median, wrkRate?.median ?? 0);
  const rateGoal: Goal = {
    id: "emulator_throughput",
    goal: "emulator at least 10,000 DELETE per second (generator on the same machine)",
    measured: `bench's generator ${rate.median.toFixed(0)} req/s` +
      (wrkRate ? `; wrk ${wrkRate.median.toFixed(0)} req/s` : "; wrk not installed"),
    met: best >= 10_000,
  };
  const startGoal: Goal = {
    id: "emulator_first_token",
    goal: "emulator process start to the first token at most 150 ms",
    measured: `${firstToken.median.toFixed(0)} ms (${firstToken.min.toFixed(0)}–` +
      `${firstToken.max.toFixed(0)}), ${firstToken.n} spawns`,
    met: firstToken.median <= 150,
  };
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
  if (c.profileMisses && !startGoal.met) {
    startGoal.note = `emulator start and first token, in one process: ${
      profileLine(
        await profileChild(denoScript("tools/emulator_start.ts", { GC_STARTS: "1" }), ROOT),
      )
    }`;
  }
  return {
    section: {
      id: "emulator",
      title: "5. The emulator",
      reps: c.emulatorSpawns,
      method: `${c.throughputReps} throughput repetition(s); ${c.emulatorSpawns} process ` +
        `spawns; ${c.emulatorStarts} in-process starts`,
      rows,
      notes: [
        `Throughput: a fresh in-process emulator per repetition; the bench's generator is a ` +
        "separate Deno process (its start-up not timed) sending DELETEs with a valid token, every " +
        `answer checked to be 204 (${JSON.stringify(statuses)}). wrk runs against the same ` +
        "emulator after it, each request deleting the next seeded participant (a Lua script); " +
        "the rate counts 204s only.",
        "First token: the emulator as a user starts it (`deno run cli.ts emulator --state FILE " +
        "--output json`), timed from spawn until a token request (client secret) answered 200; " +
        `one untimed spawn first. Its state file: the bench tenant. The scripts live in ${
          BENCH.slice(ROOT.length + 1)
        }/tools.`,
      ],
    },
    goals: [rateGoal, startGoal],
    process: { firstTokenMs, idleRssMiB },
  };
}
