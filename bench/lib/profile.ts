/**
 * Where the time goes: runs a command once under V8's CPU profiler (`--cpu-prof`, which both
 * `deno run` and `node` accept) and sums self time by function and by module.
 */

import { type ChildSpec, runChild } from "./child.ts";

interface CpuProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface CpuProfile {
  nodes: CpuProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

/** The heaviest entries of a profile. */
export interface ProfileSummary {
  /** Total profiled time, ms. */
  totalMs: number;
  /** Self time by module (a file, an npm package, or a V8 bucket such as "(program)"), ms. */
  byModule: { name: string; ms: number }[];
  /** Self time by function, ms. */
  byFunction: { name: string; ms: number }[];
}

/** Shortens a module URL to something readable: `npm:pkg`, `lib/x.ts`, `ext:deno_...`. */
export function moduleName(url: string, root: string): string {
  if (!url) return "(native/V8)";
  const npm = /\/npm\/registry\.npmjs\.org\/((?:@[^/]+\/)?[^/]+)\//.exec(url) ??
    /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url);
  if (npm) return `npm:${npm[1]}`;
  const path = url.replace(/^file:\/\//, "");
  if (path.startsWith(root + "/")) return path.slice(root.length + 1);
  return url.replace(/^(ext:[^/]+).*$/, "$1").replace(/^node:(.*)$/, "node:$1");
}

/** Sums self time per node from a .cpuprofile. */
export function summarizeProfile(profile: CpuProfile, root: string, top = 8): ProfileSummary {
  const byNode = new Map<number, number>();
  for (let i = 0; i < profile.samples.length; i++) {
    const id = profile.samples[i]!;
    byNode.set(id, (byNode.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000);
  }
  // A native function (no URL: an op, a crypto call) is charged to the module that called it.
  const parent = new Map<number, CpuProfileNode>();
  for (const node of profile.nodes) {
    for (const c of node.children ?? []) parent.set(c, node);
  }
  const callerModule = (node: CpuProfileNode): string | undefined => {
    for (let p = parent.get(node.id); p; p = parent.get(p.id)) {
      if (p.callFrame.url) return moduleName(p.callFrame.url, root);
    }
    return undefined;
  };
  const byModule = new Map<string, number>();
  const byFunction = new Map<string, number>();
  for (const node of profile.nodes) {
    const ms = byNode.get(node.id) ?? 0;
    if (ms === 0) continue;
    const f = node.callFrame;
    const name = f.functionName || "(anonymous)";
    const bucket = /^\(.*\)$/.test(name) && !f.url; // (idle), (program), (garbage collector)
    const caller = f.url || bucket ? undefined : callerModule(node);
    const mod = f.url ? moduleName(f.url, root) : bucket ? name : caller ?? name;
    byModule.set(mod, (byModule.get(mod) ?? 0) + ms);
    const fn = f.url
      ? `${name} ${moduleName(f.url, root)}:${f.lineNumber + 1}`
      : caller
      ? `${name} (native, from ${caller})`
      : name;
    byFunction.set(fn, (byFunction.get(fn) ?? 0) + ms);
  }
  const sorted = (m: Map<string, number>) =>
    [...m].map(([name, ms]) => ({ name, ms })).sort((a, b) => b.ms - a.ms).slice(0, top);
  return {
    totalMs: (profile.endTime - profile.startTime) / 1000,
    byModule: sorted(byModule),
    byFunction: sorted(byFunction),
  };
}

/**
 * Runs `spec` with `--cpu-prof` inserted (after `run` for deno, first for node) and returns the
 * summary of the profile it wrote.
 */
export async function profileChild(spec: ChildSpec, root: string): Promise<ProfileSummary> {
  const dir = await Deno.makeTempDir({ prefix: "graphcall-bench-prof-" });
  try {
    const flags = ["--cpu-prof", `--cpu-prof-dir=${dir}`];
    const args = spec.args[0] === "run"
      ? ["run", ...flags, ...spec.args.slice(1)]
      : [...flags, ...spec.args];
    const run = await runChild({ ...spec, args });
    if (run.code !== 0) throw new Error(`profiled run exited ${run.code}: ${run.stderr}`);
    const files = [];
    for await (const e of Deno.readDir(dir)) if (e.name.endsWith(".cpuprofile")) files.push(e.name);
    if (files.length === 0) throw new Error("the profiled run wrote no .cpuprofile");
    const profile = JSON.parse(await Deno.readTextFile(`${dir}/${files[0]}`)) as CpuProfile;
    return summarizeProfile(profile, root);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/** One line for a table note: the top modules by self time. */
export function profileLine(p: ProfileSummary, top = 5): string {
  const mods = p.byModule.slice(0, top).map((m) => `${m.name} ${m.ms.toFixed(0)} ms`).join(", ");
  const fns = p.byFunction.slice(0, 3).map((m) => `${m.name} ${m.ms.toFixed(0)} ms`).join("; ");
  return `CPU profile of one run (${p.totalMs.toFixed(0)} ms profiled; self time, ` +
    `"(idle)" = main thread waiting on I/O, timers or work off the main thread such as key ` +
    `generation): by module ${mods}; top functions ${fns}`;
}
