/** 4. Token requests made by 100 concurrent operations on a cold cache. */

import { runChildChecked } from "../lib/child.ts";
import { type BenchContext, childEnv, denoScript, nodeScript, sampleOf } from "../lib/context.ts";
import { seedCalls, tokensIssued } from "../lib/fixture.ts";
import { interleave, type Sample } from "../lib/interleave.ts";
import { rowOf } from "../lib/rows.ts";
import type { Goal, Section } from "../lib/types.ts";

/** Runs the token benchmark. */
export async function benchTokens(ctx: BenchContext): Promise<{ section: Section; goal: Goal }> {
  const ops = ctx.config.tokenOps;
  const [call] = seedCalls(ctx.emulator, 1, 1);
  const env = childEnv(ctx, { GC_OPS: String(ops), GC_CALL_ID: call!.callId });

  async function counted(label: string, spec: ReturnType<typeof nodeScript>): Promise<Sample> {
    const before = tokensIssued(ctx.emulator);
    const run = await runChildChecked(label, spec);
    return sampleOf(run, tokensIssued(ctx.emulator) - before);
  }

  const samples = await interleave(ctx.config.tokenReps, [
    {
      id: "graphcall",
      run: () => counted("graphcall tokens", denoScript("graphcall/tokens_concurrent.ts", env)),
    },
    {
      id: "official",
      run: () => counted("msal-node tokens", nodeScript("tokens_concurrent.mjs", env)),
    },
  ], { log: ctx.log });
  const anchor = { label: "msal-node", samples: samples.get("official")! };
  const g = samples.get("graphcall")!;
  const rows = [
    rowOf(
      "tokens.official",
      `msal-node: ${ops} concurrent acquireTokenByClientCredential (anchor)`,
      anchor.samples,
      { valueUnit: "token requests" },
    ),
    rowOf("tokens.graphcall", `graphcall: ${ops} concurrent participant listings`, g, {
      anchor,
      ratioOn: "value",
      valueUnit: "token requests",
    }),
  ];
  const counts = g.map((s) => s.value ?? NaN);
  return {
    section: {
      id: "tokens",
      title: `6. Token requests made by ${ops} concurrent operations on a cold cache`,
      reps: ctx.config.tokenReps,
      rows,
      notes: [
        "Counted by the emulator (`emulator.tokenRequests`), per process; each process starts " +
        "with a cold cache. Time is the whole process; the ratio is of token requests.",
      ],
    },
    goal: {
      id: "tokens",
      goal: `exactly 1 token request for ${ops} concurrent operations`,
      measured: `graphcall ${[...new Set(counts)].join("/")}; msal-node ${
        [...new Set(anchor.samples.map((s) => s.value))].join("/")
      }`,
      met: counts.every((n) => n === 1),
    },
  };
}
