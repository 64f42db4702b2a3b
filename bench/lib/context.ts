/** What every benchmark gets: the mode, a temp folder, the credential, the emulator, commands. */

import type { Emulator } from "../../lib/emulator/mod.ts";
import type { ChildRun, ChildSpec } from "./child.ts";
import { BENCH, type BenchCredential, CLI, IDS, ROOT } from "./fixture.ts";
import type { BenchConfig } from "./mode.ts";
import type { Sample } from "./interleave.ts";

/** The shared context of a run. */
export interface BenchContext {
  /** Counts and repetitions. */
  config: BenchConfig;
  /** A temp folder, removed at the end. */
  dir: string;
  /** The app's certificate, written to files. */
  cred: BenchCredential;
  /** The emulator all contenders talk to. */
  emulator: Emulator;
  /** Progress on stderr. */
  log: (line: string) => void;
}

/**
 * The permissions graphcall's CLI runs with. Net is limited to loopback, so a graphcall run can
 * reach nothing but the emulator (the issue's `--allow-net` narrowed; it costs nothing).
 */
export const DENO_PERMS = ["--allow-net=127.0.0.1", "--allow-read", "--allow-write", "--allow-env"];

/** `deno run ... cli.ts ARGS`, from the repository root. */
export function graphcallCli(args: string[], env: Record<string, string> = {}): ChildSpec {
  return {
    cmd: Deno.execPath(),
    args: ["run", "--quiet", "--no-prompt", ...DENO_PERMS, CLI, ...args],
    env,
    cwd: ROOT,
  };
}

/** `deno run` of a bench script (bench/graphcall/*.ts, bench/tools/*.ts). */
export function denoScript(path: string, env: Record<string, string> = {}): ChildSpec {
  return {
    cmd: Deno.execPath(),
    args: ["run", "--quiet", "--no-prompt", ...DENO_PERMS, `${BENCH}/${path}`],
    env,
    cwd: ROOT,
  };
}

/** `node bench/node/SCRIPT`. */
export function nodeScript(path: string, env: Record<string, string> = {}): ChildSpec {
  return { cmd: "node", args: [`${BENCH}/node/${path}`], env, cwd: ROOT };
}

/** The environment the children read the emulator and the credential from. */
export function childEnv(ctx: BenchContext, extra: Record<string, string> = {}) {
  return {
    GC_AUTHORITY_URL: ctx.emulator.authorityUrl,
    GC_GRAPH_URL: ctx.emulator.graphUrl,
    GC_TENANT_ID: IDS.tenantId,
    GC_CLIENT_ID: IDS.clientId,
    GC_PEM_PATH: ctx.cred.pemPath,
    GC_KEY_PATH: ctx.cred.keyPath,
    GC_THUMBPRINT_SHA256: ctx.cred.cert.thumbprintSha256,
    ...extra,
  };
}

/** A child run as a sample. */
export function sampleOf(run: ChildRun, value?: number): Sample {
  return { ms: run.ms, rssMiB: run.peakRssMiB, ...(value !== undefined ? { value } : {}) };
}
