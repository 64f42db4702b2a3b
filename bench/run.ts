/**
 * graphcall's benchmarks (issue 17's goals, side by side with the Node.js stacks): `deno task
 * bench` (full mode, the published table) or `deno task bench --quick` / `GRAPHCALL_BENCH_MODE=
 * quick` (a smoke run); `--only=import,startup,...` runs some sections (for working on one; the
 * results then say so and are not the published table). Writes bench/results/latest.md and
 * latest.json. Everything runs against local emulators on loopback. See bench/README.md.
 *
 * @module
 */

import { VERSION } from "../lib/version.ts";
import { benchBulk } from "./cases/bulk.ts";
import { benchEmulator, type EmulatorProcessFigures } from "./cases/emulator.ts";
import { benchImportUrl } from "./cases/import_url.ts";
import { benchGuard, benchMeetingRemove } from "./cases/meeting.ts";
import { benchMemory } from "./cases/memory.ts";
import { benchRemoveOne } from "./cases/remove_one.ts";
import { benchStartup } from "./cases/startup.ts";
import { benchTokens } from "./cases/tokens.ts";
import type { BenchContext } from "./lib/context.ts";
import {
  assertOnlyExpectedRoutes,
  BENCH,
  makeCredential,
  startBenchEmulator,
} from "./lib/fixture.ts";
import { configFor } from "./lib/mode.ts";
import { ensureNodeStack, installedVersions, nodeVersion } from "./lib/node_stack.ts";
import { updateReadmeTable } from "./lib/readme_table.ts";
import { toMarkdown, writeReport } from "./lib/report.ts";
import type { BenchResult, Goal, Section } from "./lib/types.ts";

/** The sections, in table order. */
export const SECTIONS = [
  "import",
  "startup",
  "remove",
  "bulk",
  "emulator",
  "tokens",
  "meeting",
  "guard",
  "memory",
] as const;

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
    "@azure/identity": versions["@azure/identity"]!,
    "@microsoft/teams.graph": versions["@microsoft/teams.graph"]!,
    "@microsoft/teams.graph-endpoints": versions["@microsoft/teams.graph-endpoints"]!,
    curl: await toolVersion("curl", ["--version"]),
    wrk: await toolVersion("wrk", ["-v"]),
  };
}

async function main(): Promise<number> {
  const config = configFor(Deno.args, (n) => Deno.env.get(n));
  const onlyArg = Deno.args.find((a) => a.startsWith("--only="));
  const only = onlyArg ? onlyArg.slice("--only=".length).split(",").filter(Boolean) : undefined;
  const unknown = only?.filter((n) => !(SECTIONS as readonly string[]).includes(n)) ?? [];
  if (unknown.length > 0) {
    throw new Error(`--only: unknown section ${unknown.join(", ")}; use ${SECTIONS.join(", ")}`);
  }
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
  const emulator = await startBenchEmulator(cred, { joinDelayMs: config.joinDelayMs });
  // Where polling contenders tell the emulator to post call notifications: accepted, unread.
  const sink = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (req) => {
    await req.body?.cancel();
    return new Response(null, { status: 202 });
  });
  const sinkUrl = `http://127.0.0.1:${sink.addr.port}/callback`;
  const ctx: BenchContext = { config, dir, cred, emulator, log };
  const sections: Section[] = [];
  const goals: Goal[] = [];
  const want = (name: (typeof SECTIONS)[number]) => !only || only.includes(name);
  let emulatorProcess: EmulatorProcessFigures | undefined;
  try {
    if (want("import")) {
      log("1. import mod.ts by URL");
      const r = await benchImportUrl(ctx);
      sections.push(r.section);
      goals.push(r.goal);
    }
    if (want("startup")) {
      log("2. start-up");
      const r = await benchStartup(ctx);
      sections.push(r.section);
      goals.push(r.goal);
    }
    if (want("remove")) {
      log("3. one removal");
      const r = await benchRemoveOne(ctx);
      sections.push(r.section);
      goals.push(r.goal);
    }
    if (want("bulk")) {
      log("4. bulk");
      const r = await benchBulk(ctx);
      sections.push(r.section);
      goals.push(r.goal);
    }
    if (want("emulator")) {
      log("5. emulator");
      const r = await benchEmulator(ctx);
      sections.push(r.section);
      goals.push(...r.goals);
      emulatorProcess = r.process;
    }
    if (want("tokens")) {
      log("6. tokens");
      const r = await benchTokens(ctx);
      sections.push(r.section);
      goals.push(r.goal);
    }
    if (want("meeting")) {
      log("7. meeting removal");
      const r = await benchMeetingRemove(ctx, sinkUrl);
      sections.push(r.section);
      goals.push(...r.goals);
    }
    if (want("guard")) {
      log("8. meeting guard");
      const r = await benchGuard(ctx, sinkUrl);
      sections.push(r.section);
      goals.push(r.goal);
    }
    assertOnlyExpectedRoutes(emulator);
    if (want("memory")) {
      log("9. memory");
      const r = await benchMemory(
        ctx,
        emulatorProcess,
        sections.find((s) => s.id === "remove_one"),
      );
      sections.push(r.section);
      goals.push(r.goal);
    }
  } finally {
    await sink.shutdown();
    await emulator.close();
    await Deno.remove(dir, { recursive: true });
  }
  const result: BenchResult = {
    mode: config.mode,
    ...(only ? { only } : {}),
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
      "msal-node and Azure Identity accept only an https:// authority; the emulator here serves " +
      "HTTP, so the authority is named https:// with metadata (inline for msal-node, the answer " +
      "to its discovery request for Azure Identity) whose token endpoint is the emulator's " +
      "http:// URL. Every stack therefore uses plain HTTP on loopback. The Graph client's " +
      "AuthenticationHandler only decorates https:// hosts, so the Node scripts put an " +
      "equivalent bearer middleware in front of the client's default chain.",
      "Ratios are per repetition (rep i of a row over rep i of its anchor, the contenders " +
      "interleaved), then summarised. A goal is met when the median ratio (or figure) is " +
      "within it; the min–max beside it shows the spread.",
    ],
  };
  const files = await writeReport(`${BENCH}/results`, result);
  console.log(toMarkdown(result));
  if (config.mode === "full" && !only) {
    if (await updateReadmeTable(`${BENCH}/../README.md`, result)) files.push("README.md's table");
  }
  log(`wrote ${files.join(", ")} in ${result.durationS.toFixed(0)} s`);
  return 0;
}

if (import.meta.main) {
  Deno.exit(await main());
}
