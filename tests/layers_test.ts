/**
 * The house's layer rules, read from the module graph Deno itself builds (`deno info --json`,
 * static imports only; a lazy `import()` is how a heavy part is kept off a path, so it does not
 * count as an edge):
 * - the ground (lib/*.ts) imports no room; lib/emulator imports nothing from lib/auth, lib/graph,
 *   lib/tenant, lib/cli; lib/auth nothing from lib/graph, lib/tenant, lib/cli; lib/graph nothing
 *   from lib/tenant, lib/cli; lib/tenant nothing from lib/cli;
 * - mod.ts reaches no lib/emulator file and none of the heavy packages (certificate creation,
 *   PFX parsing, the command parser);
 * - no import cycles.
 */

import assert from "node:assert/strict";
import { relative } from "node:path";
import { fileURLToPath as fromFileUrl, pathToFileURL } from "node:url";

const ROOT = fromFileUrl(new URL("../", import.meta.url));

interface InfoModule {
  specifier: string;
  dependencies?: {
    specifier: string;
    isDynamic?: boolean;
    code?: { specifier?: string };
    type?: { specifier?: string };
  }[];
}

interface Graph {
  /** Static edges between this repository's files (relative paths). */
  edges: Map<string, Set<string>>;
  /** Every static specifier each file imports, resolved (npm: and file:). */
  imports: Map<string, Set<string>>;
}

async function listLib(dir = `${ROOT}lib`): Promise<string[]> {
  const out: string[] = [];
  for await (const entry of Deno.readDir(dir)) {
    const path = `${dir}/${entry.name}`;
    if (entry.isDirectory) out.push(...await listLib(path));
    else if (entry.name.endsWith(".ts")) out.push(path);
  }
  return out;
}

function rel(specifier: string): string | undefined {
  if (!specifier.startsWith("file://")) return undefined;
  const path = relative(ROOT, fromFileUrl(specifier)).split("\\").join("/");
  return path.startsWith("..") ? undefined : path;
}

async function moduleGraph(root: string): Promise<Graph> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["info", "--json", "--config", `${ROOT}deno.json`, root],
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
  const info = JSON.parse(new TextDecoder().decode(out.stdout)) as { modules: InfoModule[] };
  const edges = new Map<string, Set<string>>();
  const imports = new Map<string, Set<string>>();
  for (const m of info.modules) {
    const from = rel(m.specifier);
    if (!from) continue;
    for (const d of m.dependencies ?? []) {
      if (d.isDynamic) continue;
      const target = d.code?.specifier ?? d.type?.specifier ?? d.specifier;
      if (!imports.has(from)) imports.set(from, new Set());
      imports.get(from)!.add(target);
      const to = rel(target);
      if (!to) continue;
      if (!edges.has(from)) edges.set(from, new Set());
      edges.get(from)!.add(to);
    }
  }
  return { edges, imports };
}

/** The whole library, every file a root of one graph. */
async function libraryGraph(): Promise<Graph> {
  const dir = await Deno.makeTempDir();
  try {
    const files = [...await listLib(), `${ROOT}mod.ts`, `${ROOT}cli.ts`];
    const root = `${dir}/all.ts`;
    await Deno.writeTextFile(
      root,
      files.map((f) => `import ${JSON.stringify(pathToFileURL(f).href)};`).join("\n") + "\n",
    );
    return await moduleGraph(root);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

function room(path: string): string {
  const m = /^lib\/([^/]+)\//.exec(path);
  return m ? m[1]! : path.startsWith("lib/") ? "ground" : path;
}

const FORBIDDEN: Record<string, readonly string[]> = {
  ground: ["auth", "graph", "tenant", "cli", "emulator"],
  emulator: ["auth", "graph", "tenant", "cli"],
  auth: ["graph", "tenant", "cli", "emulator"],
  graph: ["tenant", "cli", "emulator"],
  tenant: ["cli", "emulator"],
};

const HEAVY = [
  /^npm:\/?@peculiar\//,
  /^npm:\/?node-forge/,
  /^npm:\/?reflect-metadata/,
  /^npm:\/?(@commander-js\/|commander)/,
];

const graph = await libraryGraph();

Deno.test("no room imports a room above it or beside it (static imports)", () => {
  const broken: string[] = [];
  for (const [from, targets] of graph.edges) {
    const forbidden = FORBIDDEN[room(from)] ?? [];
    for (const to of targets) {
      if (forbidden.includes(room(to))) broken.push(`${from} -> ${to}`);
    }
  }
  assert.deepEqual(broken, []);
});

Deno.test("the library has no import cycles", () => {
  const cycles: string[] = [];
  const state = new Map<string, "open" | "done">();
  const stack: string[] = [];
  const visit = (node: string) => {
    state.set(node, "open");
    stack.push(node);
    for (const next of graph.edges.get(node) ?? []) {
      if (state.get(next) === "open") {
        cycles.push([...stack.slice(stack.indexOf(next)), next].join(" -> "));
      } else if (!state.has(next)) visit(next);
    }
    stack.pop();
    state.set(node, "done");
  };
  for (const node of graph.edges.keys()) if (!state.has(node)) visit(node);
  assert.deepEqual(cycles, []);
});

Deno.test("mod.ts reaches no emulator file and no heavy package until one is used", () => {
  const reached = new Set<string>();
  const todo = ["mod.ts"];
  while (todo.length > 0) {
    const file = todo.pop()!;
    if (reached.has(file)) continue;
    reached.add(file);
    todo.push(...graph.edges.get(file) ?? []);
  }
  assert.deepEqual([...reached].filter((f) => f.startsWith("lib/emulator/")), []);
  const heavy = [...reached].flatMap((f) =>
    [...graph.imports.get(f) ?? []].filter((s) => HEAVY.some((h) => h.test(s))).map((s) =>
      `${f} -> ${s}`
    )
  );
  assert.deepEqual(heavy, []);
  // the rules are read from a real graph: the front door does reach the library
  assert.ok(reached.has("lib/graph/connect.ts") && reached.has("lib/errors.ts"));
});

Deno.test("mod.ts exports at most 30 values", async () => {
  const mod = await import("../mod.ts");
  const values = Object.keys(mod);
  assert.ok(values.length <= 30, `${values.length} values: ${values.join(", ")}`);
  for (
    const internal of [
      "GraphHttp",
      "toGraphError",
      "errorCodeForStatus",
      "parseRetryAfter",
      "realSleep",
      "checkId",
      "TokenCache",
      "startEmulator",
    ]
  ) {
    assert.ok(!values.includes(internal), `${internal} is exported`);
  }
});
