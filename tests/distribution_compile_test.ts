/**
 * `deno task compile` without compiling: its targets, output names, flags and inclusion list are
 * checked here, because `deno compile` needs a runtime download our machines cannot make. Where
 * a runtime is available (DENORT_BIN set) the host binary is also built and smoke-tested.
 */

import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { join, relative } from "node:path";
import {
  binaryName,
  compileArgs,
  ENTRY,
  INCLUDES,
  isTarget,
  plan,
  TARGETS,
} from "../scripts/compile.ts";
import { PERMISSION_FLAGS } from "../scripts/permissions.ts";
import { runtimeAvailable, SKIP_MESSAGE, smokeBinary } from "../scripts/smoke_binary.ts";

const ROOT = fileURLToPath(new URL("..", import.meta.url));

Deno.test("the five documented targets are built, each into its own file, .exe only on Windows", () => {
  assert.deepEqual([...TARGETS], [
    "x86_64-unknown-linux-gnu",
    "aarch64-unknown-linux-gnu",
    "x86_64-apple-darwin",
    "aarch64-apple-darwin",
    "x86_64-pc-windows-msvc",
  ]);
  const names = TARGETS.map(binaryName);
  assert.equal(new Set(names).size, TARGETS.length);
  assert.deepEqual(names.filter((n) => n.endsWith(".exe")), [
    "graphcall-x86_64-pc-windows-msvc.exe",
  ]);
  for (const n of names) assert.match(n, /^graphcall-[a-z0-9_-]+(\.exe)?$/);
});

Deno.test("compile arguments carry the target, output, permissions, --exclude-unused-npm and the entry", () => {
  for (const target of TARGETS) {
    const args = compileArgs(target, "out");
    assert.equal(args[0], "compile");
    assert.equal(args.at(-1), ENTRY);
    assert.equal(args[args.indexOf("--target") + 1], target);
    assert.equal(args[args.indexOf("--output") + 1], `out/${binaryName(target)}`);
    assert.ok(args.includes("--exclude-unused-npm"));
    assert.ok(args.includes("--frozen"));
    for (const flag of PERMISSION_FLAGS) assert.ok(args.includes(flag), flag);
    assert.ok(!args.some((a) => a === "-A" || a === "--allow-all" || a.startsWith("--allow-run")));
    assert.ok(!args.some((a) => a.startsWith("--env-file")), "would embed the file's variables");
    assert.equal(args.filter((a) => a === "--include").length, INCLUDES.length);
  }
  assert.equal(
    compileArgs(
      "x86_64-pc-windows-msvc",
    )[compileArgs("x86_64-pc-windows-msvc").indexOf("--output") + 1],
    "dist/graphcall-x86_64-pc-windows-msvc.exe",
  );
});

Deno.test("deno compile on this Deno accepts every flag the script passes", async () => {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["compile", "--help"],
    stdout: "piped",
  }).output();
  const help = new TextDecoder().decode(out.stdout);
  const flags = new Set(
    compileArgs("x86_64-unknown-linux-gnu").filter((a) => a.startsWith("--")).map((a) =>
      a.split("=")[0]!
    ),
  );
  for (const flag of flags) assert.match(help, new RegExp(`${flag}\\b`), flag);
});

Deno.test("the plan builds everything by default, only asked targets with --target, and refuses unknown ones", () => {
  const host = "x86_64-unknown-linux-gnu";
  assert.deepEqual(plan([], { hostTarget: host }), { targets: [...TARGETS], outDir: "dist" });
  assert.deepEqual(
    plan(
      ["--target", "aarch64-apple-darwin", "--target=x86_64-pc-windows-msvc", "--out-dir", "b/"],
      { hostTarget: host },
    ),
    { targets: ["aarch64-apple-darwin", "x86_64-pc-windows-msvc"], outDir: "b" },
  );
  assert.throws(
    () => plan(["--target", "riscv64"], { hostTarget: host }),
    /unknown target "riscv64"; one of: x86_64/,
  );
  assert.throws(() => plan(["--target"], { hostTarget: host }), /--target needs a value/);
  assert.throws(() => plan(["--release"], { hostTarget: host }), /unknown argument/);
});

Deno.test("with DENORT_BIN set only the host target is built, and the plan says why", () => {
  const p = plan([], { denortBin: "/opt/denort", hostTarget: "aarch64-apple-darwin" });
  assert.deepEqual(p.targets, ["aarch64-apple-darwin"]);
  assert.match(
    p.note ?? "",
    /DENORT_BIN is set: building only the host target aarch64-apple-darwin/,
  );
  assert.throws(
    () => plan([], { denortBin: "/x", hostTarget: "riscv64gc-unknown-linux-gnu" }),
    /not a shipped target/,
  );
  assert.ok(isTarget("x86_64-apple-darwin") && !isTarget("aarch64-pc-windows-msvc"));
});

Deno.test("every dynamic import in the shipped code is a relative string literal deno compile can follow", async () => {
  const found: string[] = [];
  async function walk(dir: string) {
    for await (const e of Deno.readDir(dir)) {
      const path = join(dir, e.name);
      if (e.isDirectory) await walk(path);
      else if (e.name.endsWith(".ts")) {
        const text = await Deno.readTextFile(path);
        for (const m of text.matchAll(/\bimport\s*\(\s*([^)]*)\)/g)) {
          const arg = m[1]!.trim();
          const literal = /^["']([^"'`$]+)["']$/.exec(arg);
          const rel = relative(ROOT, path);
          if (!literal) {
            if (!INCLUDES.some((inc) => rel.startsWith(inc))) found.push(`${rel}: import(${arg})`);
            continue;
          }
          const target = literal[1]!;
          if (target.startsWith(".")) {
            const stat = await Deno.stat(join(dir, target)).catch(() => null);
            if (!stat?.isFile) found.push(`${rel}: import("${target}") does not exist`);
          }
        }
      }
    }
  }
  await walk(join(ROOT, "lib"));
  for (const f of ["cli.ts", "mod.ts"]) {
    const text = await Deno.readTextFile(join(ROOT, f));
    if (/\bimport\s*\(\s*[^"'\s]/.test(text)) found.push(`${f}: computed import()`);
  }
  assert.deepEqual(found, [], "add these to INCLUDES in scripts/compile.ts or make them literal");
});

Deno.test("the compile check runs only where a runtime is available", () => {
  const env = (vars: Record<string, string>) => (n: string) => vars[n];
  assert.equal(runtimeAvailable(env({})), false);
  assert.equal(runtimeAvailable(env({ DENORT_BIN: "/opt/denort" })), true);
  assert.equal(runtimeAvailable(env({ GITHUB_ACTIONS: "true" })), true);
  assert.equal(runtimeAvailable(env({ GITHUB_ACTIONS: "false" })), false);
  assert.equal(SKIP_MESSAGE, "compile check skipped: no denort runtime (set DENORT_BIN)");
});

// The compiled binary's smoke test needs a denort runtime. Only DENORT_BIN turns it on inside the
// test suite (ci.yml stays compile-free); release.yml runs `deno task smoke` on the built binary.
const denortBin = Deno.env.get("DENORT_BIN");
if (!denortBin) console.log(SKIP_MESSAGE);

Deno.test({
  name:
    "the compiled host binary passes the smoke test (--version, --help, --what-if, a real removal)",
  ignore: !denortBin || !isTarget(Deno.build.target),
  fn: async () => {
    const target = Deno.build.target;
    assert.ok(isTarget(target));
    const dir = await Deno.makeTempDir({ prefix: "graphcall-compile-" });
    try {
      const out = await new Deno.Command(Deno.execPath(), {
        args: compileArgs(target, dir),
        cwd: ROOT,
        stdout: "piped",
        stderr: "piped",
      }).output();
      assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
      const steps = await smokeBinary(join(dir, binaryName(target)));
      assert.deepEqual(steps.filter((s) => !s.ok), []);
      assert.equal(steps.length, 4);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});
