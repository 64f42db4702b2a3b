/**
 * graphcall's benchmarks, side by side with the official Node.js stack (issue 9):
 * `deno task bench` (full mode, the published table) or `deno task bench --quick` /
 * `GRAPHCALL_BENCH_MODE=quick` (a smoke run). Writes bench/results/latest.md and latest.json.
 * Everything runs against one local emulator on loopback. See bench/README.md.
 *
 * @module
 */

import { VERSION } from "../lib/version.ts";
import { benchBulk } from "./cases/bulk.ts";
import { benchEmulator } from "./cases/emulator.ts";
import { benchRemoveOne } from "./cases/remove_one.ts";
import { benchStartup } from "./cases/startup.ts";
import { benchTokens } from "./cases/tokens.ts";
import { RSS_SAMPLE_MS } from "./lib/child.ts";
import type { BenchContext } from "./lib/context.ts";
import {
  assertOnlyExpectedRoutes,
  BENCH,
  makeCredential,
  startBenchEmulator,
} from "./lib/fixture.ts";
import { configFor } from "./lib/mode.ts";
import { ensureNodeStack, installedVersions, nodeVersion } from "./lib/node_stack.ts";
import { writeReport } from "./lib/report.ts";
import { summarize } from "./lib/stats.ts";
import type { BenchResult, Goal, Row, Section } from "./lib/types.ts";

function log(line: string): void {
  console.error(line);
}

function readOr(path: string, fallback = "?"): string {
  try {
    return Deno.readTextFileSync(path);
  } catch {
    return fallback;
  }
}

async function toolVersion(cmd: string, args: string[]): Promise<string> {
  try {
    const out = await new Deno.Command(cmd, { args, stdout: "piped", stderr: "null" }).output();
    return new TextDecoder().decode(out.stdout).split("\n")[0]!.trim();
  } catch {
    return "missing";
  }
}

async function machine(): Promise<Record<string, string>> {
  const cpu = /model name\s*:\s*(.*)/.exec(readOr("/proc/cpuinfo", ""))?.[1] ?? Deno.build.arch;
  const memKiB = Number(/MemTotal:\s+(\d+)/.exec(readOr("/proc/meminfo", ""))?.[1] ?? NaN);
  const versions = await installedVersions();
  return {
    cpu: `${cpu}, ${navigator.hardwareConcurrency} logical cores`,
    memory: Number.isFinite(memKiB) ? `${(memKiB / 1024 / 1024).toFixed(1)} GiB` : "?",
    os: `${Deno.build.os} ${Deno.osRelease()} (${Deno.build.target})`,
    "load average at start": readOr("/proc/loadavg").split(" ").slice(0, 3).join(" "),
    graphcall: `${VERSION} (deno run cli.ts)`,
    deno: Deno.version.deno,
    node: (await nodeVersion()) ?? "missing",
    "@azure/msal-node": versions["@azure/msal-node"]!,
    "@azure/msal-common": versions["@azure/msal-common"]!,
    "@microsoft/microsoft-graph-client": versions["@microsoft/microsoft-graph-client"]!,
    curl: await toolVersion("curl", ["--version"]),
  };
}

/** Item 6: every process's peak RSS in one table, with the ratio to its section's anchor. */
function rssSection(sections: readonly Section[]): Section {
  const rows: Row[] = [];
  for (const s of sections) {
    const anchor = s.rows[0]!;
    for (const r of s.rows) {
      if (!r.rssMiB) continue;
      const row: Row = {
        id: `rss.${r.id}`,
        label: `${s.title.replace(/^\d+\. /, "")}: ${r.label}`,
      };
      row.rssMiB = r.rssMiB;
      if (r.rssSource) row.rssSource = r.rssSource;
      if (r !== anchor && anchor.rssMiB) {
        const ratio = summarize([r.rssMiB.median / anchor.rssMiB.median]);
        if (ratio) {
          row.ratio = ratio;
          row.anchor = "the section's anchor";
        }
      }
      rows.push(row);
    }
  }
  return {
    id: "rss",
    title: "6. Peak RSS of each process above",
    reps: 0,
    method: "Collected from the sections above",
    rows,
    notes: [
      `Child processes: VmHWM from /proc/PID/status (the process and its descendants), sampled ` +
      `every ${RSS_SAMPLE_MS} ms while it runs, so a lower bound for very short processes. ` +
      "The emulator row is the bench process's Deno.memoryUsage().rss. Ratios here are of medians.",
    ],
  };
}

async function main(): Promise<number> {
  const config = configFor(Deno.args, (n) => Deno.env.get(n));
  if (Deno.args.includes("--profile") || Deno.env.get("GRAPHCALL_BENCH_PROFILE") === "1") {
    config.profileMisses = true;
  }
  const t0 = performance.now();
  const startedAt = new Date().toISOString();
  log(`graphcall bench: ${config.mode} mode`);
  if (!(await nodeVersion())) {
    throw new Error("node is not installed; the bench compares against Node.js");
  }
  await ensureNodeStack(log);
  const dir = await Deno.makeTempDir({ prefix: "graphcall-bench-" });
  const cred = await makeCredential(dir);
  const emulator = await startBenchEmulator(cred);
  const ctx: BenchContext = { config, dir, cred, emulator, log };
  const sections: Section[] = [];
  const goals: Goal[] = [];
  try {
    log("1. start-up");
    const startup = await benchStartup(ctx);
    sections.push(startup.section);
    goals.push(startup.goal);
    log("2. one removal");
    const remove = await benchRemoveOne(ctx);
    sections.push(remove.section);
    goals.push(remove.goal);
    log("3. bulk");
    const bulk = await benchBulk(ctx);
    sections.push(bulk.section);
    goals.push(bulk.goal);
    log("4. tokens");
    const tokens = await benchTokens(ctx);
    sections.push(tokens.section);
    goals.push(tokens.goal);
    assertOnlyExpectedRoutes(emulator);
    log("5. emulator");
    const emu = await benchEmulator(ctx);
    sections.push(emu.section);
    goals.push(...emu.goals);
    sections.push(rssSection(sections));
  } finally {
    await emulator.close();
    await Deno.remove(dir, { recursive: true });
  }
  const result: BenchResult = {
    mode: config.mode,
    startedAt,
    durationS: (performance.now() - t0) / 1000,
    machine: await machine(),
    sections,
    goals,
    notes: [
      "All traffic is loopback: graphcall runs with --allow-net=127.0.0.1; the Node.js scripts " +
      "load a guard that exits on any non-loopback fetch, and msal-node gets its authority and " +
      "cloud-discovery metadata inline, so it never looks up login.microsoftonline.com; the " +
      "emulator's request log is checked for unexpected routes.",
      "msal-node accepts only an https:// authority; the emulator in this build serves HTTP, so " +
      "the authority is named https:// with inline metadata whose token endpoint is the " +
      "emulator's http:// URL. Both stacks therefore use plain HTTP on loopback. The Graph " +
      "client's AuthenticationHandler only decorates https:// hosts, so the Node scripts put an " +
      "equivalent bearer middleware in front of the client's default chain.",
      "Ratios are per repetition (rep i of a row over rep i of its anchor, the contenders " +
      "interleaved), then summarised.",
    ],
  };
  const files = await writeReport(`${BENCH}/results`, result);
  log(`wrote ${files.join(", ")} in ${result.durationS.toFixed(0)} s`);
  return 0;
}

if (import.meta.main) {
  Deno.exit(await main());
}
