/**
 * Every PowerShell example in README.md and docs/ runs here, in real PowerShell 7, or is marked
 * `<!-- not runnable: REASON -->` on the line before it (blank lines between are fine). A runnable
 * one is marked `<!-- runs in tests/powershell_docs_test.ts: NAME -->`, NAME being one of the
 * runners below; an unmarked block, an unknown runner or an unused runner fails the first test,
 * so new examples are run or honestly marked.
 */

import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { startEmulator } from "../lib/emulator/mod.ts";
import { appCertificate, IDS } from "./support/tenant.ts";
import {
  graphcallShim,
  HAS_PWSH,
  notePwshSkipped,
  psLiteral,
  type PwshReply,
  PwshSession,
} from "./support/pwsh.ts";

notePwshSkipped(import.meta.url);

const ROOT = new URL("../", import.meta.url);
const TEAMS = fileURLToPath(new URL("./fixtures/microsoft_teams", import.meta.url));
const MARKER =
  /^\s*<!-- (?:not runnable: (?<reason>.+?)|runs in tests\/powershell_docs_test\.ts: (?<runner>[\w-]+)) -->\s*$/;

/** A PowerShell code block of a Markdown file. */
interface Block {
  file: string;
  line: number;
  code: string;
  reason?: string;
  runner?: string;
}

async function markdownFiles(): Promise<string[]> {
  const docs: string[] = [];
  for await (const entry of Deno.readDir(new URL("docs/", ROOT))) {
    if (entry.isFile && entry.name.endsWith(".md")) docs.push(`docs/${entry.name}`);
  }
  return ["README.md", ...docs.sort()];
}

/** The ```powershell, ```pwsh and ```ps1 blocks of a Markdown text, with their markers. */
export function powershellBlocks(file: string, text: string): Block[] {
  const lines = text.split("\n");
  const blocks: Block[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^(\s*)```\s*([\w-]*)/.exec(lines[i]!);
    if (!open) continue;
    const indent = open[1]!.length;
    let end = i + 1;
    while (end < lines.length && !/^\s*```\s*$/.test(lines[end]!)) end++;
    if (/^(powershell|pwsh|ps1)$/i.test(open[2]!)) {
      let before = i - 1;
      while (before >= 0 && lines[before]!.trim() === "") before--;
      const marker = before >= 0 ? MARKER.exec(lines[before]!)?.groups : undefined;
      blocks.push({
        file,
        line: i + 1,
        code: lines.slice(i + 1, end).map((l) => l.slice(indent)).join("\n"),
        ...(marker?.reason ? { reason: marker.reason } : {}),
        ...(marker?.runner ? { runner: marker.runner } : {}),
      });
    }
    i = end;
  }
  return blocks;
}

async function allBlocks(): Promise<Block[]> {
  const out: Block[] = [];
  for (const file of await markdownFiles()) {
    out.push(...powershellBlocks(file, await Deno.readTextFile(new URL(file, ROOT))));
  }
  return out;
}

let session: PwshSession | undefined;
let shim: string | undefined;

async function pwsh(): Promise<PwshSession> {
  if (session) return session;
  shim = await graphcallShim();
  session = PwshSession.start();
  return session;
}

function succeeded(reply: PwshReply): void {
  const shown = [...reply.messages, reply.error ?? ""].join("\n");
  assert.equal(reply.ok, true, shown);
  assert.equal(reply.exitCode, 0, shown);
  assert.deepEqual(reply.messages.filter((m) => m.startsWith("error: ")), [], shown);
}

/** Runs a block's code in the shared session, after `prelude` and in `cwd`; cleans up after. */
async function runBlock(code: string, prelude = "", cwd?: string): Promise<PwshReply> {
  const ps = await pwsh();
  return await ps.run(`
    $env:PATH = ${psLiteral(shim!)} + [System.IO.Path]::PathSeparator + $env:PATH
    ${cwd ? `Push-Location -LiteralPath ${psLiteral(cwd)}` : ""}
    try {
        ${prelude}
        ${code}
    } finally {
        ${cwd ? "Pop-Location" : ""}
        foreach ($name in 'GRAPHCALL_EMULATOR_URL', 'AZURE_TENANT_ID', 'AZURE_CLIENT_ID', 'AZURE_CLIENT_CERTIFICATE_PATH', 'GRAPHCALL_TEAMS_STATE') {
            Remove-Item -LiteralPath "env:$name" -ErrorAction SilentlyContinue
        }
    }
  `);
}

async function block(runner: string): Promise<Block> {
  const found = (await allBlocks()).filter((b) => b.runner === runner);
  assert.equal(found.length, 1, `one block runs as ${runner}`);
  return found[0]!;
}

/** The runners, by the name a block's marker gives. */
const RUNNERS: Record<string, { title: string; run: (b: Block) => Promise<void> }> = {
  "emulator-rest": {
    title: "the REST example removes the participant from an in-process emulator seeded with " +
      "the page's own state file",
    run: async (b) => {
      const doc = await Deno.readTextFile(new URL("docs/emulator.md", ROOT));
      const json = [...doc.matchAll(/```json\n([\s\S]*?)```/g)].map((m) => m[1]!)
        .find((t) => t.includes('"$schema"'));
      assert.ok(json, "docs/emulator.md has its smallest state file");
      const dir = await Deno.makeTempDir({ prefix: "graphcall-docs-" });
      await Deno.writeTextFile(`${dir}/tenant.json`, json);
      await Deno.writeTextFile(`${dir}/app.crt`, (await appCertificate()).certificatePem);
      await using emulator = await startEmulator({ state: `${dir}/tenant.json` });
      const info = JSON.stringify({
        graphUrl: emulator.graphUrl,
        authorityUrl: emulator.authorityUrl,
      });
      succeeded(await runBlock(b.code, `$info = ${psLiteral(info)} | ConvertFrom-Json`));
      const call = emulator.state.tenant(IDS.tenantId)!.calls.get(IDS.callId)!;
      assert.equal(call.participants.has(IDS.adele), false, "Adele was removed");
      assert.deepEqual(
        emulator.requests.map((r) => `${r.method} ${r.status}`),
        ["POST 200", "DELETE 204"],
      );
    },
  },
  "teams-policy": {
    title: "the Teams policy commands allow the app in the stand-in MicrosoftTeams module",
    run: async (b) => {
      const dir = await Deno.makeTempDir({ prefix: "graphcall-docs-" });
      const state = `${dir}/state.json`;
      await Deno.writeTextFile(
        state,
        JSON.stringify({
          environment: "",
          tenantId: IDS.tenantId,
          domains: [IDS.domain],
          allowRemoveParticipantAppIds: [],
          calls: [],
        }),
      );
      // CLIENT_ID is the reader's own app id, as the page says.
      const code = b.code.replaceAll("CLIENT_ID", IDS.clientId);
      succeeded(
        await runBlock(
          code,
          `$env:GRAPHCALL_TEAMS_STATE = ${psLiteral(state)}
           $env:PSModulePath = ${
            psLiteral(TEAMS)
          } + [System.IO.Path]::PathSeparator + (Join-Path $PSHOME 'Modules')
           Remove-Module -Name MicrosoftTeams -Force -ErrorAction SilentlyContinue`,
        ),
      );
      const after = JSON.parse(await Deno.readTextFile(state));
      assert.deepEqual(after.allowRemoveParticipantAppIds, [IDS.clientId]);
      assert.deepEqual(after.calls.map((c: { cmdlet: string }) => c.cmdlet), [
        "Connect-MicrosoftTeams",
        "Set-CsApplicationMeetingConfiguration",
      ]);
    },
  },
  "admin-remove-by-name": {
    title: "the admin example finds Adele with the CLI's JSON and removes her by her " +
      "PowerShell name",
    run: async (b) => {
      const dir = await Deno.makeTempDir({ prefix: "graphcall-docs-" });
      await Deno.mkdir(`${dir}/examples`);
      await Deno.copyFile(
        new URL("examples/emulator-tenant.json", ROOT),
        `${dir}/examples/emulator-tenant.json`,
      );
      const cert = await appCertificate();
      await Deno.writeTextFile(`${dir}/examples/app.crt`, cert.certificatePem);
      await Deno.writeTextFile(
        `${dir}/examples/app.pem`,
        cert.privateKeyPem + cert.certificatePem,
        { mode: 0o600 },
      );
      await using emulator = await startEmulator({
        state: `${dir}/examples/emulator-tenant.json`,
      });
      // The quick start's emulator listens on 8080; this one on a free port.
      assert.ok(b.code.includes("http://127.0.0.1:8080"));
      const code = b.code.replaceAll("http://127.0.0.1:8080", emulator.graphUrl);
      succeeded(await runBlock(code, "", dir));
      const call = emulator.state.tenant(IDS.tenantId)!.calls.get(IDS.callId)!;
      assert.equal(call.participants.has(IDS.adele), false, "Adele was removed");
      assert.ok(call.participants.size > 0, "the others stay");
      assert.deepEqual(
        emulator.requests.filter((r) => r.method === "DELETE").map((r) => r.status),
        [204],
      );
    },
  },
};

Deno.test("every PowerShell block in README.md and docs/ runs in a test or says why it cannot", async () => {
  const blocks = await allBlocks();
  assert.ok(blocks.length >= Object.keys(RUNNERS).length);
  for (const b of blocks) {
    const where = `${b.file}:${b.line}`;
    assert.ok(
      b.reason !== undefined || b.runner !== undefined,
      `${where}: run this PowerShell block in tests/powershell_docs_test.ts and mark it ` +
        "<!-- runs in tests/powershell_docs_test.ts: NAME -->, or mark it <!-- not runnable: REASON -->",
    );
    if (b.reason !== undefined) assert.ok(b.reason.trim().length >= 10, `${where}: give a reason`);
    if (b.runner !== undefined) assert.ok(b.runner in RUNNERS, `${where}: no runner ${b.runner}`);
  }
  for (const name of Object.keys(RUNNERS)) {
    assert.equal(
      blocks.filter((b) => b.runner === name).length,
      1,
      `runner ${name} runs one block`,
    );
  }
});

Deno.test("the block reader finds marked, unmarked and indented blocks", () => {
  const text = [
    "<!-- not runnable: it needs a real tenant -->",
    "",
    "```powershell",
    "Get-Thing",
    "```",
    "1. step",
    "   <!-- runs in tests/powershell_docs_test.ts: some-runner -->",
    "   ```pwsh",
    "   Get-Other -X 1",
    "   ```",
    "```sh",
    "echo not powershell",
    "```",
    "```ps1",
    "Get-Unmarked",
    "```",
  ].join("\n");
  assert.deepEqual(powershellBlocks("x.md", text), [
    { file: "x.md", line: 3, code: "Get-Thing", reason: "it needs a real tenant" },
    { file: "x.md", line: 8, code: "Get-Other -X 1", runner: "some-runner" },
    { file: "x.md", line: 14, code: "Get-Unmarked" },
  ]);
});

// One pwsh process serves the whole file, so it outlives each test: the sanitizers would count it.
for (const [name, { title, run }] of Object.entries(RUNNERS)) {
  Deno.test({
    name: `${name}: ${title}`,
    ignore: !HAS_PWSH,
    sanitizeResources: false,
    sanitizeOps: false,
    fn: async () => await run(await block(name)),
  });
}

Deno.test({
  name: "the PowerShell session of this file ends",
  ignore: !HAS_PWSH,
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    await session?.close();
    session = undefined;
  },
});
