/**
 * The official Node.js stack the benchmarks compare against, installed by the benchmark itself
 * (never by the library or the tests) from bench/node/package.json and its lock file.
 */

import { BENCH } from "./fixture.ts";

/** The bench/node folder. */
export const NODE_DIR = `${BENCH}/node`;

/** The node executable and its version, or undefined when Node.js is not installed. */
export async function nodeVersion(): Promise<string | undefined> {
  try {
    const out = await new Deno.Command("node", { args: ["--version"], stdout: "piped" }).output();
    return out.success ? new TextDecoder().decode(out.stdout).trim() : undefined;
  } catch {
    return undefined;
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.stat(path);
    return true;
  } catch {
    return false;
  }
}

/** The pinned packages (bench/node/package.json) and msal-common, whose versions are reported. */
const PACKAGES = [
  "@azure/msal-node",
  "@azure/msal-common",
  "@microsoft/microsoft-graph-client",
  "@azure/identity",
  "@microsoft/teams.graph",
  "@microsoft/teams.graph-endpoints",
];

/** Installs the pinned packages with `npm ci` when one of them is missing. */
export async function ensureNodeStack(log: (line: string) => void): Promise<void> {
  const installed = await Promise.all(
    PACKAGES.map((name) => exists(`${NODE_DIR}/node_modules/${name}/package.json`)),
  );
  if (installed.every(Boolean)) return;
  log("installing the official Node.js stack (npm ci --prefix bench/node) ...");
  const out = await new Deno.Command("npm", {
    args: ["ci", "--prefix", NODE_DIR, "--no-audit", "--no-fund", "--loglevel=error"],
    stdout: "inherit",
    stderr: "inherit",
  }).output();
  if (!out.success) throw new Error("npm ci in bench/node failed; see the output above");
}

/** The installed versions of the pinned packages, read from their package.json files. */
export async function installedVersions(): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const name of PACKAGES) {
    try {
      const pkg = JSON.parse(
        await Deno.readTextFile(`${NODE_DIR}/node_modules/${name}/package.json`),
      ) as { version?: string };
      out[name] = pkg.version ?? "?";
    } catch {
      out[name] = "missing";
    }
  }
  return out;
}
