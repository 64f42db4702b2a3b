/**
 * The credential path must not load the heavy packages (certificate creation, its metadata
 * polyfill, the PFX parser), nor `node:crypto` (about 20 ms to start), until one is used: read
 * `deno info --json` and follow only static imports (a literal `import()` is listed with
 * `isDynamic: true`).
 */

import assert from "node:assert/strict";

const ROOT = new URL("..", import.meta.url);
const HEAVY = [/^@peculiar\//, /^reflect-metadata$/, /^node-forge$/];

interface Dependency {
  specifier: string;
  code?: { specifier: string };
  isDynamic?: boolean;
  npmPackage?: string;
}
interface ModuleInfo {
  specifier: string;
  dependencies?: Dependency[];
  npmPackage?: string;
}
interface Info {
  roots: string[];
  modules: ModuleInfo[];
  redirects: Record<string, string>;
  npmPackages: Record<string, { name: string; dependencies: string[] }>;
}

/** What a module reaches: statically only, or with dynamic imports too. */
interface Reached {
  /** Module specifiers (files, `node:` built-ins, npm entry points). */
  modules: Set<string>;
  /** npm package names, with their own dependencies. */
  packages: Set<string>;
}

async function reached(file: string, withDynamic = false): Promise<Reached> {
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
  const packages = new Set<string>();
  const addPackage = (id: string) => {
    const pkg = info.npmPackages[id];
    if (!pkg || packages.has(pkg.name)) return;
    packages.add(pkg.name);
    for (const dep of pkg.dependencies) addPackage(dep);
  };
  const queue = [...info.roots];
  while (queue.length > 0) {
    const specifier = queue.pop()!;
    const resolved = info.redirects[specifier] ?? specifier;
    if (seen.has(resolved)) continue;
    seen.add(resolved);
    const module = modules.get(resolved);
    if (module?.npmPackage) addPackage(module.npmPackage);
    for (const dep of module?.dependencies ?? []) {
      if (!dep.code || (dep.isDynamic && !withDynamic)) continue;
      if (dep.npmPackage) addPackage(dep.npmPackage);
      queue.push(dep.code.specifier);
    }
  }
  return { modules: seen, packages };
}

async function reachedPackages(file: string, withDynamic = false): Promise<Set<string>> {
  return (await reached(file, withDynamic)).packages;
}

function heavy(packages: Set<string>): string[] {
  return [...packages].filter((name) => HEAVY.some((re) => re.test(name)));
}

Deno.test("importing the credential path loads no certificate-creation library, no PFX parser and no node:crypto", async () => {
  const { modules, packages } = await reached("lib/auth/resolve_credential.ts");
  // The walk does read npm packages: with the lazy imports followed, it finds jose (loaded with
  // the first certificate assertion) on the same path.
  const lazily = await reachedPackages("lib/auth/resolve_credential.ts", true);
  assert.ok(lazily.has("jose"), `the walk found jose: ${[...lazily]}`);
  assert.ok(!packages.has("jose"), "jose is loaded with the first assertion, not at import");
  assert.deepEqual(heavy(packages), []);
  assert.ok(!modules.has("node:crypto"), "node:crypto is imported when a certificate is loaded");
  assert.ok((await reached("lib/auth/certificate.ts", true)).modules.has("node:crypto"));
  assert.deepEqual(heavy(await reachedPackages("lib/auth/create_certificate.ts")), []);
});

Deno.test("the heavy packages are still reachable through their lazy imports", async () => {
  const pfx = heavy(await reachedPackages("lib/auth/pkcs12.ts", true));
  assert.deepEqual(pfx, ["node-forge"]);
  const creation = heavy(await reachedPackages("lib/auth/create_certificate.ts", true));
  assert.ok(creation.includes("reflect-metadata"), creation.join());
  assert.ok(creation.some((name) => name.startsWith("@peculiar/")), creation.join());
});
