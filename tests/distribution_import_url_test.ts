/**
 * Import by URL: the repository is served read-only over loopback HTTP, and a script in a folder
 * with no deno.json imports mod.ts from that URL and removes a participant from an emulator.
 * This proves the library has no bare specifiers (no import map is needed) and reads no file
 * relative to the repository.
 */

import assert from "node:assert/strict";
import { join, relative, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { inherited } from "./support/run_cli.ts";

const ROOT = fileURLToPath(new URL("..", import.meta.url));

/** The repository's tracked files (git ls-files), or every .ts/.json file when git is absent. */
async function trackedFiles(): Promise<Set<string>> {
  try {
    const out = await new Deno.Command("git", {
      args: ["ls-files", "-z"],
      cwd: ROOT,
      stdout: "piped",
      stderr: "null",
    }).output();
    if (out.success) {
      const names = new TextDecoder().decode(out.stdout).split("\0").filter(Boolean);
      if (names.length > 0) return new Set(names);
    }
  } catch {
    // no git: fall back to walking the tree
  }
  const files = new Set<string>();
  async function walk(dir: string) {
    for await (const entry of Deno.readDir(dir)) {
      if (entry.name.startsWith(".") || ["dist", "node_modules"].includes(entry.name)) continue;
      const path = join(dir, entry.name);
      if (entry.isDirectory) await walk(path);
      else if (/\.(ts|json)$/.test(entry.name)) {
        files.add(relative(ROOT, path).split(sep).join("/"));
      }
    }
  }
  await walk(ROOT);
  return files;
}

const SCRIPT = (base: string) => `
import { connect, createCertificate } from "${base}/mod.ts";
import { startEmulator } from "${base}/lib/emulator/mod.ts";

const tenantId = "72f988bf-86f1-41af-91ab-2d7cd011db47";
const clientId = "0b5e8a21-6c4f-4d2e-9a57-3f1c2d8e7b60";
const callId = "112f7296-5fa4-42ca-bae8-6a692b15d4b8";
const adele = "a7ebfb2d-871e-419c-87af-27290b22e8db";
const megan = "2c8d5c7e-3c0b-4b57-9f5e-9f0e2a7d1b44";

const cert = await createCertificate({ subject: "CN=import by url", keySize: 2048 });
const emulator = await startEmulator({
  state: {
    tenants: [{
      id: tenantId,
      cloud: "Global",
      allowRemoveParticipantAppIds: [clientId],
      apps: [{
        clientId,
        roles: ["Calls.JoinGroupCall.All", "Calls.Initiate.All"],
        certificates: [{ pem: cert.certificatePem }],
      }],
      calls: [{
        id: callId,
        appId: clientId,
        participants: [
          { id: adele, identity: { user: { id: "u1", displayName: "Adele Vance" } } },
          { id: megan, identity: { user: { id: "u2", displayName: "Megan Bowen" } } },
        ],
      }],
    }],
  },
});
try {
  const graph = await connect({
    tenantId,
    clientId,
    certificate: { pem: cert.certificatePem + cert.privateKeyPem },
    graphUrl: emulator.graphUrl,
    authorityUrl: emulator.authorityUrl,
    env: {},
  });
  const call = graph.call(callId);
  const removed = await call.remove(adele);
  const left = [];
  for await (const p of call.participants()) left.push(p.id);
  console.log(JSON.stringify({ status: removed.status, participantId: removed.participantId, left }));
} finally {
  await emulator.close();
}
`;

Deno.test("mod.ts imported by URL into a folder without deno.json removes a participant from an emulator", async () => {
  const tracked = await trackedFiles();
  assert.ok(tracked.has("mod.ts"), "mod.ts is not tracked");
  const served: { path: string; status: number }[] = [];
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (req) => {
    const path = decodeURIComponent(new URL(req.url).pathname).replace(/^\/+/, "");
    if (req.method !== "GET" || !tracked.has(path) || path.split("/").includes("..")) {
      served.push({ path, status: 404 });
      return new Response("not found", { status: 404 });
    }
    served.push({ path, status: 200 });
    const type = path.endsWith(".ts") ? "application/typescript" : "application/json";
    return new Response(await Deno.readFile(join(ROOT, path)), {
      headers: { "content-type": type },
    });
  });
  const base = `http://127.0.0.1:${server.addr.port}`;
  const dir = await Deno.makeTempDir({ prefix: "graphcall-url-import-" });
  try {
    await Deno.writeTextFile(join(dir, "script.ts"), SCRIPT(base));
    const env = { NO_COLOR: "1", ...inherited() };
    const out = await new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "--quiet",
        "--no-config",
        "--no-lock",
        `--allow-import=127.0.0.1:${server.addr.port}`,
        "--allow-net=127.0.0.1",
        // Reads and writes only inside the temp folder: a read relative to the repository
        // would fail with NotCapable here.
        `--allow-read=${dir}`,
        `--allow-write=${dir}`,
        "--allow-env",
        "script.ts",
      ],
      cwd: dir,
      env,
      clearEnv: true,
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).output();
    const stdout = new TextDecoder().decode(out.stdout);
    const stderr = new TextDecoder().decode(out.stderr);
    assert.equal(out.code, 0, stderr);
    const result = JSON.parse(stdout.trim().split("\n").at(-1)!);
    assert.equal(result.status, 204);
    assert.equal(result.participantId, "a7ebfb2d-871e-419c-87af-27290b22e8db");
    assert.deepEqual(result.left, ["2c8d5c7e-3c0b-4b57-9f5e-9f0e2a7d1b44"]);
    assert.ok(served.some((s) => s.path === "mod.ts" && s.status === 200));
    assert.deepEqual(
      served.filter((s) => s.status !== 200),
      [],
      "a module asked for a file the repository does not serve",
    );
    assert.ok(served.every((s) => s.path.endsWith(".ts")), "only TypeScript modules were fetched");
  } finally {
    await server.shutdown();
    await Deno.remove(dir, { recursive: true });
  }
});
