/**
 * 9. Memory: the emulator process's resident set at idle (right after its first token) and
 * before and after the soak (scripts/soak.ts's run: concurrent loopback clients listing, getting,
 * inviting, cancelling, muting and fetching tokens), and the peak RSS of one removal by graphcall
 * and by each Node.js stack (from section 3).
 */

import { mb, runSoak } from "../../tests/support/soak.ts";
import type { BenchContext } from "../lib/context.ts";
import type { EmulatorProcessFigures } from "./emulator.ts";
import { summarize } from "../lib/stats.ts";
import type { Goal, Row, Section } from "../lib/types.ts";

/** Runs the soak and gathers the memory figures. */
export async function benchMemory(
  ctx: BenchContext,
  emulatorProcess: EmulatorProcessFigures | undefined,
  removeSection: Section | undefined,
): Promise<{ section: Section; goal: Goal }> {
  const seconds = ctx.config.soakSeconds;
  ctx.log(`  soak ${seconds} s, 16 clients`);
  const soak = await runSoak({ seconds, clients: 16, warmupSeconds: 3, sampleEverySeconds: 10 });
  const mib = (bytes: number) => bytes / (1024 * 1024);
  const rows: Row[] = [];
  const idle = summarize(emulatorProcess?.idleRssMiB ?? []);
  if (idle) {
    rows.push({
      id: "memory.emulator_idle",
      label: "emulator process at idle (`deno run cli.ts emulator`, after its first token)",
      rssMiB: idle,
      rssSource: "VmRSS",
    });
  }
  rows.push(
    {
      id: "memory.emulator_soak_start",
      label: "emulator process after the soak's 3-s warm-up (after a GC)",
      rssMiB: summarize([mib(soak.rssStart)])!,
      rssSource: "Deno.memoryUsage().rss",
    },
    {
      id: "memory.emulator_soak_end",
      label: `emulator process after the ${seconds}-s soak (after a GC)`,
      rssMiB: summarize([mib(soak.rssEnd)])!,
      rssSource: "Deno.memoryUsage().rss",
      status: `${soak.requests} requests, ${soak.errors} errors`,
    },
  );
  for (const r of removeSection?.rows ?? []) {
    if (!r.rssMiB) continue;
    rows.push({
      id: `memory.${r.id}`,
      label: `one removal, peak: ${r.label.replace(/ \(anchor\)$/, "")}`,
      rssMiB: r.rssMiB,
      rssSource: "VmHWM sampled",
    });
  }
  const g = rows.find((r) => r.id === "memory.remove.graphcall")?.rssMiB;
  const peers = rows.filter((r) => /^memory\.remove\.(official|identity|teams_sdk)$/.test(r.id));
  return {
    section: {
      id: "memory",
      title: "9. Memory",
      reps: 0,
      method: "Collected from the emulator runs, the soak and section 3",
      rows,
      notes: [
        "Emulator at idle: VmRSS from /proc/PID/status of the spawned emulator right after it " +
        "issued its first token (section 5's spawns). Soak: the emulator in a child process " +
        "(tests/support/soak_emulator.ts), its Deno.memoryUsage().rss after a garbage " +
        `collection; ${soak.requests} requests in ${soak.seconds.toFixed(0)} s, ` +
        `${soak.errors} errors; RSS every 10 s: ${soak.rssSamples.map(mb).join(", ")} MB.`,
        "One removal: the peak resident set (VmHWM of the process and its descendants, sampled " +
        "every 4 ms, so a lower bound) of each process of section 3.",
      ],
    },
    goal: {
      id: "memory",
      goal: "memory beside the peers (shown, no goal)",
      measured: `emulator idle ${idle ? idle.median.toFixed(0) : "n/a"} MiB, after the ` +
        `${seconds}-s soak ${mib(soak.rssEnd).toFixed(0)} MiB` +
        (soak.errors ? ` (${soak.errors} soak errors)` : "") +
        `; one removal peak: graphcall ${g ? g.median.toFixed(0) : "n/a"} MiB, ` +
        peers.map((p) =>
          `${p.label.replace(/^one removal, peak: Node\.js: /, "")} ${
            p.rssMiB!.median.toFixed(0)
          } MiB`
        )
          .join(", "),
      met: null,
      informational: true,
    },
  };
}
