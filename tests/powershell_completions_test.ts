/**
 * `graphcall completions pwsh`, loaded in real PowerShell 7 as the help says
 * (`graphcall completions pwsh | Out-String | Invoke-Expression`) and asked with TabExpansion2,
 * PowerShell's own completion entry point (what the Tab key calls).
 */

import assert from "node:assert/strict";
import { runCli } from "./support/run_cli.ts";
import {
  graphcallShim,
  HAS_PWSH,
  notePwshSkipped,
  psLiteral,
  type PwshReply,
  PwshSession,
} from "./support/pwsh.ts";

notePwshSkipped(import.meta.url);

let session: PwshSession | undefined;

async function pwsh(): Promise<PwshSession> {
  if (session) return session;
  const shim = await graphcallShim();
  session = PwshSession.start();
  const loaded = await session.run(`
    $env:PATH = ${psLiteral(shim)} + [System.IO.Path]::PathSeparator + $env:PATH
    graphcall completions pwsh | Out-String | Invoke-Expression
    $LASTEXITCODE
  `);
  assert.equal(loaded.ok, true, loaded.error ?? "");
  assert.deepEqual(loaded.values, [0]);
  assert.deepEqual(loaded.messages, [], "loading printed nothing and raised no error");
  return session;
}

// One pwsh process serves the whole file, so it outlives each test: the sanitizers would count it.
const test = (name: string, fn: () => Promise<void>) =>
  Deno.test({ name, ignore: !HAS_PWSH, sanitizeResources: false, sanitizeOps: false, fn });

/** What Tab offers for `line`, with the cursor at `cursor` (default: the end). */
async function complete(lines: { line: string; cursor?: number }[]): Promise<string[][]> {
  const reply: PwshReply = await (await pwsh()).run(`
    $cases = [System.Collections.Generic.List[object]]::new()
    ${
    lines.map((l) => `$cases.Add(@(${psLiteral(l.line)}, ${l.cursor ?? l.line.length}))`).join("\n")
  }
    foreach ($case in $cases) {
        $result = TabExpansion2 -inputScript $case[0] -cursorColumn $case[1]
        ,@($result.CompletionMatches | ForEach-Object CompletionText)
    }
  `);
  assert.equal(reply.ok, true, reply.error ?? "");
  assert.deepEqual(reply.messages, []);
  return reply.values as string[][];
}

/** The words to offer after each command path, read from the bash script (the same table). */
async function table(): Promise<Map<string, string[]>> {
  const run = await runCli(["completions", "bash"]);
  assert.equal(run.code, 0, run.stderr);
  const out = new Map<string, string[]>();
  for (const [, path, words] of run.stdout.matchAll(/^ {4}"([^"]*)"\) echo "([^"]*)" ;;$/gm)) {
    out.set(path!, words!.split(" ").filter(Boolean));
  }
  assert.ok(out.size > 10, "the bash script has its table");
  return out;
}

test("Tab after every command path offers exactly its subcommands and flags", async () => {
  const words = await table();
  const paths = [...words.keys()];
  const offered = await complete(
    paths.map((p) => ({ line: `graphcall ${p} `.replace(/ +$/, " ") })),
  );
  paths.forEach((path, i) => {
    assert.deepEqual([...offered[i]!].sort(), [...words.get(path)!].sort(), `graphcall ${path}`);
  });
  assert.ok(words.get("")!.includes("Set-CsApplicationMeetingConfiguration"));
});

test("Tab completes command and flag prefixes, PowerShell names in any case, and parameters", async () => {
  const cases: [string, string[]][] = [
    ["graphcall part", ["participant"]],
    ["graphcall participant re", ["remove"]],
    ["graphcall participant remove --c", ["--call", "--concurrency", "--confirm"]],
    ["graphcall --output json participant remove --call c1 --p", [
      "--participant",
      "--participant-url",
      "--pass-thru",
    ]],
    ["graphcall tenant setup --app-", ["--app-id", "--app-only-admin"]],
    ["graphcall remove-mgcomm", [
      "Remove-MgCommunicationCallParticipant",
      "Remove-MgCommunicationCall",
    ]],
    ["graphcall new-mgcomm", ["New-MgCommunicationCall"]],
    ["graphcall Set-Cs", ["Set-CsApplicationMeetingConfiguration"]],
    ["graphcall Remove-MgCommunicationCallParticipant -Ca", ["-CallId"]],
    ["graphcall Remove-MgCommunicationCallParticipant -CallId c1 -P", [
      "-ParticipantId",
      "-PassThru",
    ]],
    ["graphcall Set-CsApplicationMeetingConfiguration -A", ["-AllowRemoveParticipantAppIds"]],
    ["graphcall Remove-MgCommunicationCall -CallId c1 -P", ["-PassThru"]],
    ["graphcall New-MgCommunicationCall -B", ["-BodyParameter"]],
  ];
  const offered = await complete(cases.map(([line]) => ({ line })));
  cases.forEach(([line, expected], i) => assert.deepEqual(offered[i], expected, line));
});

test("PowerShell parameters graphcall refuses are not offered", async () => {
  const [get] = await complete([{
    line: "graphcall Get-MgCommunicationCallParticipant -CallId c1 -",
  }]);
  for (const name of ["-All", "-Top", "-Filter", "-Property", "-ParticipantId", "-Verbose"]) {
    assert.ok(get!.includes(name), name);
  }
  for (const name of ["-Search", "-Skip", "-ExpandProperty", "-ErrorAction", "-Proxy"]) {
    assert.ok(!get!.includes(name), name);
  }
  const [join] = await complete([{ line: "graphcall New-MgCommunicationCall -" }]);
  for (const name of ["-BodyParameter", "-WhatIf", "-Confirm", "-Verbose"]) {
    assert.ok(join!.includes(name), name);
  }
  for (const name of ["-MeetingInfo", "-ChatInfo", "-TenantId", "-CallbackUri", "-Headers"]) {
    assert.ok(!join!.includes(name), name);
  }
});

test("Tab in the middle of a line completes the word under the cursor", async () => {
  const line = "graphcall participant re --call c1";
  const [offered] = await complete([{ line, cursor: "graphcall participant re".length }]);
  assert.deepEqual(offered, ["remove"]);
});

test("a typed word with wildcard characters is matched as text and raises no error", async () => {
  const reply = await (await pwsh()).run(`
    $Error.Clear()
    $found = TabExpansion2 -inputScript 'graphcall part[' -cursorColumn 15
    [pscustomobject]@{ found = $found.CompletionMatches.Count; errors = $Error.Count }
  `);
  assert.deepEqual(reply.values, [{ found: 0, errors: 0 }]);
});

test("the PowerShell session of this file ends", async () => {
  await session?.close();
  session = undefined;
});
