/**
 * 7. The meeting flow end to end on the emulator, with its join delay J: from process start to
 * exit, graphcall (the CLI's `meeting remove` when this build has it, else a script over the
 * library's `removeFromMeeting`) polling the call, the same with notifications (a loopback
 * listener), and the same steps written with the Graph JS client.
 */

import { type ChildSpec, runChildChecked } from "../lib/child.ts";
import {
  type BenchContext,
  childEnv,
  denoScript,
  graphcallCli,
  nodeScript,
  sampleOf,
} from "../lib/context.ts";
import { IDS, inMeeting, MEETING, meetingJoinUrl, rejoinPerson } from "../lib/fixture.ts";
import { interleave, type Sample } from "../lib/interleave.ts";
import { profileChild, profileLine } from "../lib/profile.ts";
import { rowOf } from "../lib/rows.ts";
import { ROOT } from "../lib/fixture.ts";
import type { Goal, Section } from "../lib/types.ts";

/** How the graphcall side runs: the CLI command, or a script over the library. */
export type MeetingDriver = "cli" | "library";

/**
 * The CLI when `graphcall meeting remove --help` answers (and GRAPHCALL_BENCH_MEETING does not say
 * otherwise), else the library.
 */
export async function meetingDriver(ctx: BenchContext): Promise<MeetingDriver> {
  const asked = Deno.env.get("GRAPHCALL_BENCH_MEETING");
  if (asked === "cli" || asked === "library") return asked;
  try {
    await runChildChecked(
      "meeting remove --help",
      graphcallCli(["meeting", "remove", "--help"]),
      (r) => r.stdout.includes("--join-url") ? undefined : "no --join-url",
    );
    return "cli";
  } catch {
    ctx.log("  `graphcall meeting remove` is not in this build: the library is measured");
    return "library";
  }
}

/** A loopback port free a moment ago (for `--listen`). */
function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr as Deno.NetAddr;
  listener.close();
  return port;
}

/** Runs the meeting-removal benchmark. */
export async function benchMeetingRemove(
  ctx: BenchContext,
  sinkUrl: string,
): Promise<{ section: Section; goals: Goal[] }> {
  const j = ctx.config.joinDelayMs;
  const driver = await meetingDriver(ctx);
  const joinUrl = meetingJoinUrl();
  const env = childEnv(ctx, {
    GC_JOIN_URL: joinUrl,
    GC_PERSON: MEETING.personUpn,
    GC_CALLBACK_URI: sinkUrl,
  });
  const cliAuth = [
    "--emulator",
    ctx.emulator.graphUrl,
    "--tenant",
    IDS.tenantId,
    "--client-id",
    IDS.clientId,
    "--certificate",
    ctx.cred.pemPath,
  ];
  const specs: Record<string, ChildSpec> = {
    polling: driver === "cli"
      ? graphcallCli([
        ...cliAuth,
        "meeting",
        "remove",
        "--join-url",
        joinUrl,
        "--user",
        MEETING.personUpn,
        "--callback-uri",
        sinkUrl,
      ])
      : denoScript("graphcall/meeting_remove.ts", env),
    notifications: driver === "cli"
      ? graphcallCli([
        ...cliAuth,
        "meeting",
        "remove",
        "--join-url",
        joinUrl,
        "--user",
        MEETING.personUpn,
        "--listen",
        `127.0.0.1:${freePort()}`,
        "--notification-keys",
        ctx.emulator.notificationJwksUrl,
      ])
      : denoScript("graphcall/meeting_remove.ts", {
        ...env,
        GC_NOTIFICATION_JWKS: ctx.emulator.notificationJwksUrl,
      }),
    official: nodeScript("meeting_remove.mjs", env),
  };

  /** Puts the person in the meeting, runs the child, checks they are gone. */
  async function once(label: string, spec: ChildSpec): Promise<Sample> {
    const participantId = rejoinPerson(ctx.emulator);
    const run = await runChildChecked(label, spec, () => {
      return inMeeting(ctx.emulator, participantId) ? "the person is still in the meeting" : "";
    });
    return sampleOf(run);
  }

  const samples = await interleave(ctx.config.meetingReps, [
    { id: "polling", run: () => once("graphcall meeting (polling)", specs.polling!) },
    {
      id: "notifications",
      run: () => once("graphcall meeting (notifications)", specs.notifications!),
    },
    { id: "official", run: () => once("node meeting_remove.mjs", specs.official!) },
  ], { log: ctx.log });
  const how = driver === "cli"
    ? "graphcall meeting remove (the CLI, deno run cli.ts)"
    : "graphcall removeFromMeeting (a deno run script over the library)";
  const howListen = driver === "cli"
    ? "graphcall meeting remove --listen (the CLI, a notification listener)"
    : "graphcall removeFromMeeting with a notification listener (library script)";
  const official = { label: "Graph JS client", samples: samples.get("official")! };
  const rows = [
    rowOf(
      "meeting.official",
      "Node.js: the same steps with msal-node + the Graph JS client, polling every 50 ms",
      official.samples,
    ),
    rowOf("meeting.polling", `${how}, polling`, samples.get("polling")!, { anchor: official }),
    rowOf(
      "meeting.notifications",
      howListen,
      samples.get("notifications")!,
      { anchor: official },
    ),
  ];
  const poll = rows[1]!.timeMs!;
  const notif = rows[2]!.timeMs!;
  const limit = j + 150;
  const pollingGoal: Goal = {
    id: "meeting_polling",
    goal: `meeting removal, polling, process start to exit at most J + 150 ms (J = ${j} ms)`,
    measured: `${poll.median.toFixed(0)} ms (${poll.min.toFixed(0)}–${poll.max.toFixed(0)}) = ` +
      `J + ${(poll.median - j).toFixed(0)} ms; ${driver === "cli" ? "the CLI" : "the library"}`,
    met: poll.median <= limit,
  };
  const notifGoal: Goal = {
    id: "meeting_notifications",
    goal: "meeting removal with notifications: what they save (shown, no goal)",
    measured: `${notif.median.toFixed(0)} ms = J + ${(notif.median - j).toFixed(0)} ms, ` +
      `${(poll.median - notif.median).toFixed(0)} ms less than polling`,
    met: null,
    informational: true,
  };
  if (!pollingGoal.met && ctx.config.profileMisses) {
    rejoinPerson(ctx.emulator);
    pollingGoal.note = profileLine(await profileChild(specs.polling!, ROOT));
  }
  return {
    section: {
      id: "meeting",
      title: `7. Meeting removal end to end, join delay J = ${j} ms`,
      reps: ctx.config.meetingReps,
      rows,
      notes: [
        `The emulator keeps a joined call \`establishing\` for J = ${j} ms (\`joinDelayMs\`). Each ` +
        "run puts the person back in the meeting first (the admin API's addAttendee), then " +
        "times the process from spawn to exit; the bench checks the person is gone.",
        `graphcall measured as: ${how}. Switch with GRAPHCALL_BENCH_MEETING=cli|library.`,
        "Every contender resolves the UPN, joins, waits for `established`, reads the roster, " +
        "removes and hangs up. Polling contenders give the bench's loopback sink as callback URI.",
      ],
    },
    goals: [pollingGoal, notifGoal],
  };
}

/** 8. The guard: from a rejoin to the removal, polling every second vs notifications. */
export async function benchGuard(
  ctx: BenchContext,
  sinkUrl: string,
): Promise<{ section: Section; goal: Goal }> {
  const env = childEnv(ctx, {
    GC_JOIN_URL: meetingJoinUrl(),
    GC_PERSON: MEETING.personUpn,
    GC_CALLBACK_URI: sinkUrl,
    GC_POLL_MS: "1000",
  });
  const modes = {
    polling: denoScript("graphcall/meeting_guard.ts", env),
    notifications: denoScript("graphcall/meeting_guard.ts", {
      ...env,
      GC_NOTIFICATION_JWKS: ctx.emulator.notificationJwksUrl,
    }),
  };
  const results: Record<string, number[]> = {};
  for (const [mode, spec] of Object.entries(modes)) {
    results[mode] = await guardRun(ctx, spec, ctx.config.guardRejoins);
    ctx.log(`  guard ${mode}: ${results[mode]!.length} rejoins`);
  }
  const row = (id: string, label: string, ms: number[]) =>
    rowOf(id, label, ms.map((m) => ({ ms: m })));
  const polling = row(
    "guard.polling",
    "graphcall guardMeeting, polling the roster every 1 s",
    results.polling!,
  );
  const notifications = row(
    "guard.notifications",
    "graphcall guardMeeting with roster notifications (a loopback listener)",
    results.notifications!,
  );
  const p = polling.timeMs!;
  const n = notifications.timeMs!;
  return {
    section: {
      id: "guard",
      title: "8. Meeting guard: from a rejoin to the removal",
      reps: ctx.config.guardRejoins,
      method: `${ctx.config.guardRejoins} rejoins per mode, spaced by a random 0.3–1.3 s`,
      rows: [polling, notifications],
      notes: [
        "One guard process per mode stays in the meeting; the bench adds the denied person back " +
        "(addAttendee, in the bench process) and times until the emulator no longer lists them. " +
        "The random spacing spreads the rejoins over the polling period.",
      ],
    },
    goal: {
      id: "guard",
      goal: "guard: rejoin to removal, polling (1 s) vs notifications (shown, no goal)",
      measured: `polling ${p.median.toFixed(0)} ms (${p.min.toFixed(0)}–${p.max.toFixed(0)}); ` +
        `notifications ${n.median.toFixed(0)} ms (${n.min.toFixed(0)}–${n.max.toFixed(0)})`,
      met: null,
      informational: true,
    },
  };
}

/** Starts a guard, waits for it to join, then times `rejoins` rejoins; stops the guard. */
async function guardRun(ctx: BenchContext, spec: ChildSpec, rejoins: number): Promise<number[]> {
  const child = new Deno.Command(spec.cmd, {
    args: spec.args,
    env: { ...(await import("../lib/child.ts")).baseEnv(), ...spec.env },
    clearEnv: true,
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
    cwd: spec.cwd ?? ROOT,
  }).spawn();
  const lines = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let buffered = "";
  const events: string[] = [];
  const pump = (async () => {
    while (true) {
      const { value, done } = await lines.read();
      if (done) return;
      buffered += value;
      const parts = buffered.split("\n");
      buffered = parts.pop()!;
      events.push(...parts);
    }
  })();
  const stderr = new Response(child.stderr).text();
  const out: number[] = [];
  try {
    const deadline = Date.now() + 15_000;
    while (!events.some((e) => e.includes('"joined"'))) {
      if (Date.now() > deadline) throw new Error(`the guard did not join: ${await stderr}`);
      await new Promise((r) => setTimeout(r, 10));
    }
    // The person present at the start is removed first; let that settle.
    await new Promise((r) => setTimeout(r, 1500));
    for (let i = 0; i < rejoins; i++) {
      await new Promise((r) => setTimeout(r, 300 + Math.random() * 1000));
      const t0 = performance.now();
      const id = rejoinPerson(ctx.emulator);
      while (inMeeting(ctx.emulator, id)) {
        if (performance.now() - t0 > 10_000) throw new Error("the guard did not remove the person");
        await new Promise((r) => setTimeout(r, 2));
      }
      out.push(performance.now() - t0);
    }
  } finally {
    await child.stdin.close();
    const status = await Promise.race([
      child.status,
      new Promise<null>((r) => setTimeout(() => r(null), 5000)),
    ]);
    if (status === null) child.kill("SIGKILL");
    await pump.catch(() => {});
    await stderr.catch(() => "");
  }
  return out;
}
