/**
 * `deno task compile`: builds the graphcall binaries into `dist/`, one per target, with the
 * permissions from scripts/permissions.ts baked in and only the reachable npm packages embedded.
 *
 * ```sh
 * deno task compile                                   # all five targets
 * deno task compile --target x86_64-unknown-linux-gnu # one target (repeatable)
 * deno task compile --out-dir build
 * ```
 *
 * `deno compile` appends the program to a runtime-only `denort` binary that it downloads from
 * dl.deno.land for each target (or reads from `DENORT_BIN`, with no target check). Offline, set
 * `DENORT_BIN` to a denort of the same Deno version for this machine: the script then builds only
 * the host target, because that file would be used for every target.
 *
 * @module
 */

import { PERMISSION_FLAGS } from "./permissions.ts";

/** Every target we ship, in one place (docs.deno.com `deno compile`, supported targets). */
export const TARGETS = Object.freeze(
  [
    "x86_64-unknown-linux-gnu",
    "aarch64-unknown-linux-gnu",
    "x86_64-apple-darwin",
    "aarch64-apple-darwin",
    "x86_64-pc-windows-msvc",
  ] as const,
);

/** One of {@link TARGETS}. */
export type Target = typeof TARGETS[number];

/** The program compiled. */
export const ENTRY = "cli.ts";

/**
 * Files or modules that must be embedded although no static import reaches them. Empty: the only
 * dynamic import in lib/ (`import("../main.ts")` in lib/cli/commands/demo.ts) is a string
 * literal, which `deno compile` follows. tests/distribution_compile_test.ts fails when a computed
 * `import()` appears, so this list cannot silently fall behind.
 */
export const INCLUDES: readonly string[] = Object.freeze([]);

/** Whether a string is a shipped target. */
export function isTarget(value: string): value is Target {
  return (TARGETS as readonly string[]).includes(value);
}

/** The binary's file name for a target: `graphcall-<target>`, with `.exe` on Windows. */
export function binaryName(target: Target): string {
  return `graphcall-${target}${target.includes("windows") ? ".exe" : ""}`;
}

/** The arguments after `deno` that compile one target into `outDir`. */
export function compileArgs(target: Target, outDir = "dist"): string[] {
  return [
    "compile",
    "--frozen",
    "--exclude-unused-npm",
    ...PERMISSION_FLAGS,
    ...INCLUDES.flatMap((path) => ["--include", path]),
    "--target",
    target,
    "--output",
    `${outDir}/${binaryName(target)}`,
    ENTRY,
  ];
}

/** What to build, and why when it is not everything. */
export interface Plan {
  targets: Target[];
  outDir: string;
  note?: string;
}

/**
 * Reads the script's arguments and environment into a plan.
 *
 * @throws {Error} for an unknown target or flag, with the list of valid ones.
 */
export function plan(
  args: readonly string[],
  env: { denortBin?: string | undefined; hostTarget: string },
): Plan {
  const asked: Target[] = [];
  let outDir = "dist";
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    const [flag, inline] = arg.includes("=") ? arg.split("=", 2) as [string, string] : [arg];
    const value = () => {
      const v = inline ?? args[++i];
      if (!v) throw new Error(`${flag} needs a value`);
      return v;
    };
    if (flag === "--target") {
      const t = value();
      if (!isTarget(t)) throw new Error(`unknown target "${t}"; one of: ${TARGETS.join(", ")}`);
      if (!asked.includes(t)) asked.push(t);
    } else if (flag === "--out-dir") {
      outDir = value().replace(/\/+$/, "");
    } else {
      throw new Error(`unknown argument "${arg}"; use --target TARGET (repeatable), --out-dir DIR`);
    }
  }
  if (asked.length > 0) return { targets: asked, outDir };
  if (env.denortBin) {
    if (!isTarget(env.hostTarget)) {
      throw new Error(
        `DENORT_BIN is set but this host (${env.hostTarget}) is not a shipped target`,
      );
    }
    return {
      targets: [env.hostTarget],
      outDir,
      note:
        `DENORT_BIN is set: building only the host target ${env.hostTarget} (that runtime is used as is for any target)`,
    };
  }
  return { targets: [...TARGETS], outDir };
}

async function main(args: readonly string[]): Promise<number> {
  let p: Plan;
  try {
    p = plan(args, { denortBin: Deno.env.get("DENORT_BIN"), hostTarget: Deno.build.target });
  } catch (e) {
    console.error(`compile: ${(e as Error).message}`);
    return 2;
  }
  if (p.note) console.error(`compile: ${p.note}`);
  await Deno.mkdir(p.outDir, { recursive: true });
  for (const target of p.targets) {
    const args = compileArgs(target, p.outDir);
    console.error(`compile: deno ${args.join(" ")}`);
    const { code } = await new Deno.Command(Deno.execPath(), { args }).spawn().status;
    if (code !== 0) {
      console.error(
        `compile: ${target} failed (exit ${code}). deno compile downloads the denort runtime ` +
          `from dl.deno.land; offline, set DENORT_BIN to a denort ${Deno.version.deno} ` +
          `for this machine and build the host target only.`,
      );
      return code;
    }
  }
  console.error(`compile: built ${p.targets.map(binaryName).join(", ")} in ${p.outDir}/`);
  return 0;
}

if (import.meta.main) Deno.exit(await main(Deno.args));
