/** The two modes: `quick` (a smoke run, under 2 minutes) and `full` (the published table). */

/** How much work each benchmark does. */
export interface BenchConfig {
  /** `quick` or `full`. */
  mode: "quick" | "full";
  /** Repetitions of each start-up contender. */
  startupReps: number;
  /** Repetitions of each one-removal contender. */
  removeReps: number;
  /** Bulk: participants and calls they are spread over. */
  bulkParticipants: number;
  /** Bulk: number of calls. */
  bulkCalls: number;
  /** Bulk: repetitions of each contender. */
  bulkReps: number;
  /** Bulk: graphcall's concurrency. */
  bulkConcurrency: number;
  /** Rate-limited bulk: the emulator's limit, requests per second. */
  rateLimit: number;
  /** Rate-limited bulk: participants (over `bulkCalls` calls). */
  rateLimitedParticipants: number;
  /** Rate-limited bulk: repetitions. */
  rateLimitedReps: number;
  /** Concurrent operations on a cold cache. */
  tokenOps: number;
  /** Repetitions of the token benchmark. */
  tokenReps: number;
  /** Fresh in-process emulator starts. */
  emulatorStarts: number;
  /** DELETEs per throughput repetition. */
  throughputDeletes: number;
  /** Concurrent loopback clients of the throughput test. */
  throughputClients: number;
  /** Throughput repetitions. */
  throughputReps: number;
  /** Repetitions of the import-by-URL contenders. */
  importReps: number;
  /** Spawns of the emulator process timed to its first token. */
  emulatorSpawns: number;
  /** Seconds of each wrk run (when wrk is installed). */
  wrkSeconds: number;
  /** The emulator's join delay J for the meeting benchmarks, ms. */
  joinDelayMs: number;
  /** Repetitions of each meeting contender. */
  meetingReps: number;
  /** Rejoins timed per guard mode. */
  guardRejoins: number;
  /** Seconds of the soak before the emulator's RSS is read again. */
  soakSeconds: number;
  /** Profile graphcall where a goal is missed. */
  profileMisses: boolean;
}

/** The mode from `--quick`/`--full` or `GRAPHCALL_BENCH_MODE` (default: full). */
export function configFor(args: readonly string[], env: (name: string) => string | undefined) {
  const named = args.includes("--quick")
    ? "quick"
    : args.includes("--full")
    ? "full"
    : (env("GRAPHCALL_BENCH_MODE") ?? "full");
  if (named !== "quick" && named !== "full") {
    throw new Error(`GRAPHCALL_BENCH_MODE must be quick or full, not "${named}"`);
  }
  return { ...(named === "quick" ? QUICK : FULL) };
}

/** A smoke run: every benchmark once or a few times, small counts. */
export const QUICK: BenchConfig = Object.freeze({
  mode: "quick",
  startupReps: 3,
  removeReps: 3,
  bulkParticipants: 200,
  bulkCalls: 4,
  bulkReps: 1,
  bulkConcurrency: 16,
  rateLimit: 100,
  rateLimitedParticipants: 200,
  rateLimitedReps: 1,
  tokenOps: 100,
  tokenReps: 2,
  emulatorStarts: 5,
  throughputDeletes: 2_000,
  throughputClients: 16,
  throughputReps: 1,
  importReps: 3,
  emulatorSpawns: 3,
  wrkSeconds: 2,
  joinDelayMs: 500,
  meetingReps: 2,
  guardRejoins: 3,
  soakSeconds: 5,
  profileMisses: false,
});

/** The published table: the counts, repeated. */
export const FULL: BenchConfig = Object.freeze({
  mode: "full",
  startupReps: 20,
  removeReps: 10,
  bulkParticipants: 2_000,
  bulkCalls: 40,
  bulkReps: 3,
  bulkConcurrency: 16,
  rateLimit: 200,
  rateLimitedParticipants: 2_000,
  rateLimitedReps: 3,
  tokenOps: 100,
  tokenReps: 5,
  emulatorStarts: 20,
  throughputDeletes: 20_000,
  throughputClients: 16,
  throughputReps: 3,
  importReps: 15,
  emulatorSpawns: 10,
  wrkSeconds: 3,
  joinDelayMs: 500,
  meetingReps: 8,
  guardRejoins: 10,
  soakSeconds: 60,
  profileMisses: true,
});
