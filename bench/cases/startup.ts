/**
 * 2. Start-up: `graphcall participant remove --help` (the command parser's path) against an empty
 * Deno script, with `--version`, `--help`, the official Node.js stack's imports and `node -e 0`
 * beside them.
 */

import { VERSION } from "../../lib/version.ts";
import { runChildChecked } from "../lib/child.ts";
import { type BenchContext, graphcallCli, nodeScript, sampleOf } from "../lib/context.ts";
import { ROOT } from "../lib/fixture.ts";
import { interleave } from "../lib/interleave.ts";
import { profileChild, profileLine } from "../lib/profile.ts";
import { rowOf } from "../lib/rows.ts";
import type { Goal, Section } from "../lib/types.ts";

/** Runs the start-up benchmark. */
export async function benchStartup(ctx: BenchContext): Promise<{ section: Section; goal: Goal }> {
  const empty = `${ctx.dir}/empty.ts`;
  await Deno.writeTextFile(empty, "");
  const specs = {
    version: graphcallCli(["--version"]),
    help: graphcallCli(["--help"]),
    commandHelp: graphcallCli(["participant", "remove", "--help"]),
    official: nodeScript("startup.mjs"),
    node: { cmd: "node", args: ["-e", "0"], cwd: ROOT },
    deno: { cmd: Deno.execPath(), args: ["run", "--quiet", empty], cwd: ROOT },
  };
  const samples = await interleave(ctx.config.startupReps, [
    {
      id: "version",
      run: async () =>
        sampleOf(
          await runChildChecked(
            "graphcall --version",
            specs.version,
            (r) => r.stdout.includes(VERSION) ? undefined : "did not print the version",
          ),
        ),
    },
    {
      id: "help",
      run: async () =>
        sampleOf(
          await runChildChecked(
            "graphcall --help",
            specs.help,
            (r) => r.stdout.includes("participant") ? undefined : "help lists no commands",
          ),
        ),
    },
    {
      id: "commandHelp",
      run: async () =>
        sampleOf(
          await runChildChecked(
            "graphcall participant remove --help",
            specs.commandHelp,
            (r) => r.stdout.includes("--participant") ? undefined : "no command help",
          ),
        ),
    },
    {
      id: "official",
      run: async () => sampleOf(await runChildChecked("node startup.mjs", specs.official)),
    },
    { id: "node", run: async () => sampleOf(await runChildChecked("node -e 0", specs.node)) },
    { id: "deno", run: async () => sampleOf(await runChildChecked("deno run empty", specs.deno)) },
  ], { log: ctx.log });
  const anchor = { label: "empty script", samples: samples.get("deno")! };
  const rows = [
    rowOf("startup.deno_floor", "floor: deno run of an empty script (anchor)", anchor.samples),
    rowOf(
      "startup.graphcall_command_help",
      "graphcall participant remove --help (deno run cli.ts)",
      samples.get("commandHelp")!,
      { anchor },
    ),
    rowOf("startup.graphcall_version", "graphcall --version", samples.get("version")!, { anchor }),
    rowOf("startup.graphcall_help", "graphcall --help", samples.get("help")!, { anchor }),
    rowOf(
      "startup.official",
      "Node.js: import @azure/msal-node + @microsoft/microsoft-graph-client",
      samples.get("official")!,
      { anchor },
    ),
    rowOf("startup.node_floor", "node -e 0", samples.get("node")!, { anchor }),
  ];
  const r = rows[1]!.ratio!;
  const goal: Goal = {
    id: "command_help",
    goal: "`participant remove --help` at most 2× an empty Deno script",
    measured: `${r.median.toFixed(2)}× (${r.min.toFixed(2)}–${r.max.toFixed(2)}); ` +
      `${rows[1]!.timeMs!.median.toFixed(0)} vs ${rows[0]!.timeMs!.median.toFixed(0)} ms`,
    met: r.median <= 2,
  };
  if (!goal.met && ctx.config.profileMisses) {
    const p = await profileChild(specs.commandHelp, ROOT);
    goal.note = `graphcall participant remove --help: ${profileLine(p)}.`;
  }
  return {
    section: {
      id: "startup",
      title: "2. Start-up",
      reps: ctx.config.startupReps,
      rows,
      notes: [
        "graphcall runs as `deno run cli.ts` (a compiled binary is not available on this machine; " +
        "it would skip deno run's module loading: compare with the floor row `deno run` of an " +
        "empty file, the runtime's share).",
        "Time is from spawn to exit, measured by the parent process.",
        "`--version` and `--help` are answered in cli.ts without loading the command parser. " +
        "`participant remove --help` goes through the parser, as every real command does (see " +
        "3. One removal). They run in the repository, so its deno.json applies (dynamic imports " +
        "loaded lazily; see bench/PERFORMANCE.md).",
      ],
    },
    goal,
  };
}
