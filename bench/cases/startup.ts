/** 1. Start-up: graphcall --version and --help against the official Node.js stack and floors. */

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
  const anchor = { label: "official", samples: samples.get("official")! };
  const rows = [
    rowOf(
      "startup.official",
      "Node.js: import @azure/msal-node + @microsoft/microsoft-graph-client (anchor)",
      anchor.samples,
    ),
    rowOf("startup.graphcall_version", "graphcall --version", samples.get("version")!, { anchor }),
    rowOf("startup.graphcall_help", "graphcall --help", samples.get("help")!, { anchor }),
    rowOf(
      "startup.graphcall_command_help",
      "graphcall participant remove --help (through the command parser; not a goal row)",
      samples.get("commandHelp")!,
      { anchor },
    ),
    rowOf("startup.node_floor", "floor: node -e 0", samples.get("node")!, { anchor }),
    rowOf("startup.deno_floor", "floor: deno run (empty file)", samples.get("deno")!, { anchor }),
  ];
  const worst = Math.max(rows[1]!.ratio?.median ?? Infinity, rows[2]!.ratio?.median ?? Infinity);
  const goal: Goal = {
    id: "startup",
    goal: "start-up at most 1/4 of the official stack's",
    measured: `--version ${rows[1]!.ratio?.median.toFixed(2)}×, --help ${
      rows[2]!.ratio?.median.toFixed(2)
    }× (median paired ratio)`,
    met: worst <= 0.25,
  };
  if (!goal.met && ctx.config.profileMisses) {
    const p = await profileChild(specs.help, ROOT);
    goal.note = `graphcall --help: ${profileLine(p)}. The floor row "deno run (empty file)" ` +
      "is the runtime's own share, which no code change removes.";
  }
  return {
    section: {
      id: "startup",
      title: "1. Start-up",
      reps: ctx.config.startupReps,
      rows,
      notes: [
        "graphcall runs as `deno run cli.ts` (a compiled binary is not available on this machine; " +
        "it would skip deno run's module loading: compare with the floor row `deno run` of an " +
        "empty file, the runtime's share).",
        "Time is from spawn to exit, measured by the parent process.",
        "`--version` and `--help` are answered in cli.ts without loading the command parser " +
        "(the root help is generated from the command tree by `deno task gen-help`, and a test " +
        "keeps it current). Every other command loads the parser (commander) and the Node.js " +
        "compatibility modules it imports: the `participant remove --help` row shows that cost, " +
        "which a real command pays too (see 2. One removal).",
      ],
    },
    goal,
  };
}
