/**
 * 4. Bulk: N participants over M calls: graphcall's bulk removal against a sequential loop with
 * the official client; then graphcall under the emulator's rate limit R against the true floor
 * (N − R)/R (the emulator's bucket holds one second's worth, so the first R pass at once), with
 * the client's learned pacing (the default) and with Retry-After waits only.
 */

import { connect } from "../../mod.ts";
import { runChildChecked } from "../lib/child.ts";
import { type BenchContext, childEnv, denoScript, nodeScript, sampleOf } from "../lib/context.ts";
import { IDS, remaining, ROOT, seedCalls, writeWork } from "../lib/fixture.ts";
import { interleave, type Sample } from "../lib/interleave.ts";
import { profileChild, profileLine } from "../lib/profile.ts";
import { rowOf } from "../lib/rows.ts";
import { ratiosTo } from "../lib/stats.ts";
import type { Goal, Section } from "../lib/types.ts";

/**
 * Whether the emulator enforces its throttle: with 5 requests per second allowed, 20 requests
 * at once must meet some 429s.
 */
async function throttleEnforced(ctx: BenchContext): Promise<boolean> {
  const [call] = seedCalls(ctx.emulator, 1, 1);
  const client = await connect({
    tenantId: IDS.tenantId,
    clientId: IDS.clientId,
    certificate: { path: ctx.cred.pemPath },
    authorityUrl: ctx.emulator.authorityUrl,
    graphUrl: ctx.emulator.graphUrl,
  });
  const { token } = await client.credential.getToken();
  ctx.emulator.setThrottle(5);
  try {
    const statuses = await Promise.all(Array.from({ length: 20 }, async () => {
      const r = await fetch(
        `${ctx.emulator.graphUrl}/v1.0/communications/calls/${call!.callId}/participants`,
        { headers: { authorization: `Bearer ${token}` } },
      );
      await r.body?.cancel();
      return r.status;
    }));
    return statuses.includes(429);
  } finally {
    ctx.emulator.setThrottle(null);
  }
}

/** Runs the bulk benchmarks. */
export async function benchBulk(ctx: BenchContext): Promise<{ section: Section; goal: Goal }> {
  const c = ctx.config;

  async function bulkRun(
    who: "graphcall" | "official",
    participants: number,
    pacing: "learned" | "retry-after" = "learned",
  ): Promise<Sample> {
    const seeded = seedCalls(ctx.emulator, c.bulkCalls, participants);
    const work = await writeWork(ctx.dir, `work-${who}`, seeded);
    const env = childEnv(ctx, {
      GC_WORK_FILE: work,
      GC_CONCURRENCY: String(c.bulkConcurrency),
      GC_PACING: pacing,
    });
    const spec = who === "graphcall"
      ? denoScript("graphcall/bulk.ts", env)
      : nodeScript("bulk_sequential.mjs", env);
    const run = await runChildChecked(`bulk ${who}`, spec, () => {
      const left = remaining(ctx.emulator, seeded);
      return left === 0 ? undefined : `${left} participants still in their calls`;
    });
    if (who === "graphcall") {
      const out = JSON.parse(run.stdout.trim().split("\n").pop()!) as { workMs: number };
      return sampleOf(run, out.workMs);
    }
    return sampleOf(run);
  }

  ctx.log(`  ${c.bulkParticipants} participants over ${c.bulkCalls} calls, no rate limit`);
  const samples = await interleave(c.bulkReps, [
    { id: "graphcall", run: () => bulkRun("graphcall", c.bulkParticipants) },
    { id: "official", run: () => bulkRun("official", c.bulkParticipants) },
  ], { log: ctx.log });
  const anchor = { label: "official", samples: samples.get("official")! };
  const viaLabel = `graphcall removeMany (concurrency ${c.bulkConcurrency})`;
  const rows = [
    rowOf(
      "bulk.official",
      "Node.js: sequential loop with the Graph client (anchor)",
      anchor.samples,
    ),
    rowOf("bulk.graphcall", viaLabel, samples.get("graphcall")!, { anchor }),
  ];

  const floorMs = ((c.rateLimitedParticipants - c.rateLimit) / c.rateLimit) * 1000;
  const limitedLabel = `graphcall under the rate limit of ${c.rateLimit}/s, ` +
    `${c.rateLimitedParticipants} participants, learned pacing (the default)`;
  const retryAfterLabel = `the same with pacing "retry-after" (the server's waits only)`;
  let goal: Goal;
  if (await throttleEnforced(ctx)) {
    ctx.log(`  under a rate limit of ${c.rateLimit}/s (floor ${(floorMs / 1000).toFixed(1)} s)`);
    ctx.emulator.setThrottle(c.rateLimit);
    let limited: Map<string, Sample[]> | undefined;
    let failure = "";
    try {
      // The floor assumes a full bucket at the start: the run before may have emptied it, so
      // wait (untimed) the second it takes to refill.
      const refilled = () => new Promise((r) => setTimeout(r, 1100));
      limited = await interleave(c.rateLimitedReps, [
        {
          id: "graphcall",
          run: async () => {
            await refilled();
            return await bulkRun("graphcall", c.rateLimitedParticipants);
          },
        },
        {
          id: "retryAfter",
          run: async () => {
            await refilled();
            return await bulkRun("graphcall", c.rateLimitedParticipants, "retry-after");
          },
        },
      ], { warmup: false, log: ctx.log });
    } catch (e) {
      // A failed run must not sink the whole table: the row says what happened.
      failure = String(e instanceof Error ? e.message : e).split("\n").slice(0, 3).join(" ");
      ctx.log(`  rate-limited run failed: ${failure}`);
    } finally {
      ctx.emulator.setThrottle(null);
    }
    // Against the floor, the removal work alone counts: process start-up is not rate-limited.
    const floorLabel = `the floor (${c.rateLimitedParticipants} − ${c.rateLimit})/${c.rateLimit} s`;
    const limitedRow = (id: string, label: string, key: string) => {
      const s = (limited?.get(key) ?? []).map((x) => ({ ...x, ms: x.value ?? x.ms }));
      const row = rowOf(id, label, s, { ...(failure ? { status: `failed: ${failure}` } : {}) });
      const ratio = ratiosTo(s.map((x) => x.ms), floorMs);
      if (ratio) {
        row.ratio = ratio;
        row.anchor = floorLabel;
      }
      rows.push(row);
      return ratio;
    };
    const ratio = limitedRow("bulk.rate_limited", limitedLabel, "graphcall");
    const old = limitedRow("bulk.rate_limited_retry_after", retryAfterLabel, "retryAfter");
    goal = {
      id: "bulk_rate_limited",
      goal:
        `bulk of ${c.rateLimitedParticipants} under a rate limit at most 1.05× the floor (N − R)/R`,
      measured: failure
        ? `failed: ${failure}`
        : `${ratio?.median.toFixed(3)}× (${ratio?.min.toFixed(3)}–${ratio?.max.toFixed(3)}) of ` +
          `${(floorMs / 1000).toFixed(1)} s; Retry-After waits only: ` +
          `${old?.median.toFixed(3)}× (${old?.min.toFixed(3)}–${old?.max.toFixed(3)})`,
      met: (ratio?.median ?? Infinity) <= 1.05,
    };
    if (!goal.met && !failure && c.profileMisses) {
      ctx.emulator.setThrottle(c.rateLimit);
      try {
        const seeded = seedCalls(ctx.emulator, c.bulkCalls, c.rateLimitedParticipants);
        const work = await writeWork(ctx.dir, "work-profile", seeded);
        const p = await profileChild(
          denoScript(
            "graphcall/bulk.ts",
            childEnv(ctx, { GC_WORK_FILE: work, GC_CONCURRENCY: String(c.bulkConcurrency) }),
          ),
          ROOT,
        );
        goal.note = `${profileLine(p)}. (Idle time waiting for Retry-After shows as "(idle)".)`;
      } finally {
        ctx.emulator.setThrottle(null);
      }
    }
  } else {
    rows.push({
      id: "bulk.rate_limited",
      label: limitedLabel,
      status: "not measured: emulator throttle missing",
    });
    goal = {
      id: "bulk_rate_limited",
      goal:
        `bulk of ${c.rateLimitedParticipants} under a rate limit at most 1.05× the floor (N − R)/R`,
      measured: "—",
      met: null,
      note:
        "not measured: the emulator does not enforce `throttle` yet (20 requests at 5/s met no 429).",
    };
  }
  return {
    section: {
      id: "bulk",
      title: `4. Bulk: ${c.bulkParticipants} participants over ${c.bulkCalls} calls`,
      reps: c.bulkReps,
      rows,
      notes: [
        "Time is the whole process, start to exit; the bench checks every participant is gone.",
        "graphcall uses `call(id).removeMany(ids, { concurrency })` for each call.",
        "The rate-limited rows are timed inside the process, from the first removal to the last " +
        "(token request included, process start-up excluded), against the true floor (N − R)/R: " +
        "the emulator's bucket holds one second's worth, so the first R pass at once. The " +
        "throttle is probed first (20 requests at 5/s must meet a 429), else the rows say " +
        "not measured. The two pacings run interleaved, each after an untimed second that " +
        "refills the bucket the run before emptied.",
      ],
    },
    goal,
  };
}
