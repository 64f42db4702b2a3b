/**
 * The CLI's start path, read from the module graph Deno builds (`deno info --json`, static imports
 * only; a literal `import()` is listed with `isDynamic: true` and runs only when reached): the
 * parser, the help and the command tree load no npm package and no `node:` module, and no
 * command's code; a removal's command module loads its library code only when it runs.
 */

import assert from "node:assert/strict";

const ROOT = new URL("..", import.meta.url);

interface Info {
  roots: string[];
  modules: {
    specifier: string;
    dependencies?: { code?: { specifier: string }; isDynamic?: boolean }[];
  }[];
  redirects: Record<string, string>;
}

/** Every module a file reaches through static imports. */
async function staticGraph(file: string): Promise<string[]> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["info", "--json", file],
    cwd: ROOT,
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.ok(out.success, new TextDecoder().decode(out.stderr));
  const info = JSON.parse(new TextDecoder().decode(out.stdout)) as Info;
  const modules = new Map(info.modules.map((m) => [m.specifier, m]));
  const seen = new Set<string>();
  const queue = [...info.roots];
  while (queue.length > 0) {
    const specifier = queue.pop()!;
    const resolved = info.redirects[specifier] ?? specifier;
    if (seen.has(resolved)) continue;
    seen.add(resolved);
    for (const dep of modules.get(resolved)?.dependencies ?? []) {
      if (dep.code && !dep.isDynamic) queue.push(dep.code.specifier);
    }
  }
  return [...seen];
}

function outside(modules: string[]): string[] {
  return modules.filter((m) => !m.startsWith("file:"));
}

function local(modules: string[]): string[] {
  const root = ROOT.href;
  return modules.filter((m) => m.startsWith(root)).map((m) => m.slice(root.length));
}

Deno.test("cli.ts, the parser, the help and the command tree load no npm package and no node: module", async () => {
  for (const file of ["cli.ts", "lib/cli/main.ts"]) {
    const graph = await staticGraph(file);
    assert.deepEqual(outside(graph), [], file);
    assert.ok(graph.length > 1 || file === "cli.ts", `${file}: the walk found its imports`);
  }
  const main = local(await staticGraph("lib/cli/main.ts"));
  assert.ok(main.includes("lib/cli/command_tree.ts") && main.includes("lib/cli/parse_argv.ts"));
  assert.deepEqual(main.filter((f) => f.startsWith("lib/cli/commands/")), [], "no command code");
  assert.deepEqual(
    main.filter((f) =>
      /^lib\/(graph|auth|emulator|tenant)\//.test(f) && f !== "lib/auth/host_url.ts"
    ),
    [],
    "no library code beyond the host check of the global flags",
  );
});

Deno.test("a removal's command module loads the library (credentials, HTTP) only when it connects", async () => {
  const remove = await staticGraph("lib/cli/commands/participant_remove.ts");
  assert.deepEqual(outside(remove), []);
  const files = local(remove);
  assert.ok(files.includes("lib/cli/targets.ts"), files.join());
  assert.deepEqual(files.filter((f) => /^lib\/(auth|emulator)\//.test(f)), []);
  // The removal path reaches the library (credentials, HTTP) and no parser; jose comes with the
  // first certificate assertion (lib/auth/client_assertion.ts), not with the module.
  const connection = await staticGraph("lib/graph/connect.ts");
  assert.ok(local(connection).includes("lib/graph/graph_http.ts"), "the HTTP pipeline");
  assert.ok(local(connection).includes("lib/auth/resolve_credential.ts"), "the credentials");
  assert.ok(!connection.some((m) => /commander/.test(m)));
});
