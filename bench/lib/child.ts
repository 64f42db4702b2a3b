/**
 * Runs one child process, timing it from spawn to exit and sampling its peak resident set size
 * (VmHWM in /proc/PID/status, of the process and its descendants) while it runs.
 */

import { childEnv } from "../../tests/support/child_env.ts";

/** What to run. */
export interface ChildSpec {
  /** Executable (a path or a name on PATH). */
  cmd: string;
  /** Arguments. */
  args: string[];
  /** Extra environment; the child gets only a few basics plus these. */
  env?: Record<string, string>;
  /** Working directory. */
  cwd?: string;
}

/** One finished run. */
export interface ChildRun {
  /** Wall time from spawn to exit, ms. */
  ms: number;
  /** Peak RSS seen, MiB (a lower bound: sampled); undefined where /proc is unavailable. */
  peakRssMiB: number | undefined;
  /** Exit code. */
  code: number;
  /** Standard output. */
  stdout: string;
  /** Standard error. */
  stderr: string;
}

/** How often VmHWM is sampled, ms. */
export const RSS_SAMPLE_MS = 4;

const PROC_OK = (() => {
  try {
    Deno.statSync("/proc/self/status");
    return true;
  } catch {
    return false;
  }
})();

function vmHwmKiB(pid: number): number | undefined {
  try {
    const m = /VmHWM:\s+(\d+)\s+kB/.exec(Deno.readTextFileSync(`/proc/${pid}/status`));
    return m ? Number(m[1]) : undefined;
  } catch {
    return undefined;
  }
}

function childrenOf(pid: number): number[] {
  try {
    return Deno.readTextFileSync(`/proc/${pid}/task/${pid}/children`).trim().split(/\s+/)
      .filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

/** The largest VmHWM of a process and its descendants (KiB). */
function treePeakKiB(root: number): number | undefined {
  let peak: number | undefined;
  const stack = [root];
  let guard = 0;
  while (stack.length > 0 && guard++ < 64) {
    const pid = stack.pop()!;
    const hwm = vmHwmKiB(pid);
    if (hwm !== undefined) peak = Math.max(peak ?? 0, hwm);
    stack.push(...childrenOf(pid));
  }
  return peak;
}

/**
 * The environment a child needs to find its tools and caches and to reach the package registry
 * (TLS trust, proxies with loopback excluded); no secrets.
 */
export function baseEnv(): Record<string, string> {
  const out: Record<string, string> = { NO_COLOR: "1", ...childEnv() };
  const lang = Deno.env.get("LANG");
  if (lang) out.LANG = lang;
  return out;
}

/** Runs the child to completion. */
export async function runChild(spec: ChildSpec): Promise<ChildRun> {
  const command = new Deno.Command(spec.cmd, {
    args: spec.args,
    env: { ...baseEnv(), ...spec.env },
    clearEnv: true,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
    ...(spec.cwd ? { cwd: spec.cwd } : {}),
  });
  const t0 = performance.now();
  const child = command.spawn();
  let peakKiB: number | undefined;
  const sample = () => {
    const v = treePeakKiB(child.pid);
    if (v !== undefined) peakKiB = Math.max(peakKiB ?? 0, v);
  };
  let timer: ReturnType<typeof setInterval> | undefined;
  if (PROC_OK) {
    sample();
    timer = setInterval(sample, RSS_SAMPLE_MS);
  }
  const out = await child.output();
  const ms = performance.now() - t0;
  if (timer !== undefined) clearInterval(timer);
  const dec = new TextDecoder();
  return {
    ms,
    peakRssMiB: peakKiB === undefined ? undefined : peakKiB / 1024,
    code: out.code,
    stdout: dec.decode(out.stdout),
    stderr: dec.decode(out.stderr),
  };
}

/** Runs the child and throws, with its output, unless it exits 0 and `check` accepts it. */
export async function runChildChecked(
  label: string,
  spec: ChildSpec,
  check: (run: ChildRun) => string | undefined = () => undefined,
): Promise<ChildRun> {
  const run = await runChild(spec);
  const problem = run.code !== 0 ? `exit code ${run.code}` : check(run);
  if (problem) {
    throw new Error(
      `${label}: ${problem}\n--- stdout ---\n${run.stdout.slice(0, 2000)}\n--- stderr ---\n${
        run.stderr.slice(0, 2000)
      }`,
    );
  }
  return run;
}
