/**
 * The call cmdlets' PowerShell names through the CLI, in-process against the emulator's meeting
 * world: `New-MgCommunicationCall -BodyParameter FILE` (meeting join --body),
 * `Get-MgCommunicationCall -CallId` (call get) and `Remove-MgCommunicationCall -CallId` (call
 * hang-up), with the parameters graphcall honours and the ones it refuses. How each parameter
 * binds is checked against real PowerShell by tests/powershell_parity_test.ts.
 */

import assert from "node:assert/strict";
import type { Emulator } from "../lib/emulator/mod.ts";
import {
  join as joinPlain,
  joinByMeetingId,
  M,
  secretToken,
  startMeetingWorld,
} from "./support/meeting_world.ts";
import { runMain } from "./support/run_main.ts";

// A joining app is in the call at once: nothing here waits on the emulator's join delay.
function world() {
  return startMeetingWorld({ clock: Date.now, joinDelayMs: 0 });
}

function env(emulator: Emulator): Record<string, string> {
  return {
    GRAPHCALL_EMULATOR_URL: emulator.graphUrl,
    AZURE_TENANT_ID: M.tenantId,
    AZURE_CLIENT_ID: M.botA,
    AZURE_CLIENT_SECRET: M.secret,
  };
}

function liveCalls(emulator: Emulator): string[] {
  const state = emulator.state.snapshot() as {
    tenants: { calls: { id: string; appId?: string; state: string }[] }[];
  };
  return state.tenants.flatMap((t) => t.calls)
    .filter((c) => c.appId && c.state !== "terminated").map((c) => c.id);
}

/** A call the app keeps, as `meeting join --stay` keeps one meanwhile. */
async function keptCall(emulator: Emulator): Promise<string> {
  const call = await joinPlain(emulator, await secretToken(emulator, M.botA));
  return call.id;
}

/** Graph requests the emulator served, as "METHOD path". */
function graphRequests(emulator: Emulator): string[] {
  return emulator.requests.filter((r) => r.path.startsWith("/v1.0/"))
    .map((r) => `${r.method} ${r.path}`);
}

Deno.test("Get-MgCommunicationCall -CallId and Remove-MgCommunicationCall -CallId reach call get and call hang-up", async () => {
  await using w = await world();
  const id = await keptCall(w.emulator);

  const got = await runMain(["Get-MgCommunicationCall", "-CallId", id, "--output", "json"], {
    env: env(w.emulator),
  });
  assert.equal(got.code, 0, got.stderr);
  const doc = JSON.parse(got.stdout);
  assert.equal(doc.command, "call get");
  assert.equal(doc.result.call.id, id);
  assert.equal(doc.result.call.state, "established");

  // Any case and a prefix, as PowerShell binds them.
  const table = await runMain(["get-mgcommunicationcall", "-call", id], { env: env(w.emulator) });
  assert.equal(table.code, 0, table.stderr);
  assert.match(table.stdout, new RegExp(`${id}.*established`));

  const hung = await runMain(["Remove-MgCommunicationCall", "-CallId", id], {
    env: env(w.emulator),
  });
  assert.equal(hung.code, 0, hung.stderr);
  assert.match(hung.stdout, new RegExp(`hung up call ${id}`));
  assert.deepEqual(liveCalls(w.emulator), []);
});

Deno.test("Remove-MgCommunicationCall -PassThru prints true, and -WhatIf sends nothing", async () => {
  await using w = await world();
  const id = await keptCall(w.emulator);
  w.emulator.clearRequests();

  const whatIf = await runMain(["Remove-MgCommunicationCall", "-CallId", id, "-WhatIf"], {
    env: env(w.emulator),
  });
  assert.equal(whatIf.code, 0, whatIf.stderr);
  assert.match(whatIf.stdout, new RegExp(`What if: DELETE .*/communications/calls/${id}`));
  assert.deepEqual(w.emulator.requests, []);
  assert.deepEqual(liveCalls(w.emulator), [id]);

  const passThru = await runMain(["Remove-MgCommunicationCall", "-CallId", id, "-PassThru"], {
    env: env(w.emulator),
  });
  assert.equal(passThru.code, 0, passThru.stderr);
  assert.equal(passThru.stdout, "true\n");
  assert.deepEqual(graphRequests(w.emulator), [`DELETE /v1.0/communications/calls/${id}`]);
  assert.deepEqual(liveCalls(w.emulator), []);
});

Deno.test("Remove-MgCommunicationCall -Confirm asks first: no keeps the call, yes hangs up", async () => {
  await using w = await world();
  const id = await keptCall(w.emulator);
  w.emulator.clearRequests();

  const no = await runMain(["Remove-MgCommunicationCall", "-CallId", id, "-Confirm"], {
    env: env(w.emulator),
    terminal: true,
    answers: ["n"],
  });
  assert.equal(no.code, 0, no.stderr);
  assert.match(no.stdout + no.stderr, /not confirmed; nothing was sent/);
  assert.deepEqual(graphRequests(w.emulator), []);
  assert.deepEqual(liveCalls(w.emulator), [id]);

  // Without a terminal to ask on, -Confirm needs --yes.
  const noTerminal = await runMain(["Remove-MgCommunicationCall", "-CallId", id, "-Confirm"], {
    env: env(w.emulator),
  });
  assert.equal(noTerminal.code, 2);
  assert.match(noTerminal.stderr, /--confirm: there is no terminal to ask on; add --yes/);
  assert.deepEqual(liveCalls(w.emulator), [id]);

  const yes = await runMain(["Remove-MgCommunicationCall", "-CallId", id, "-Confirm"], {
    env: env(w.emulator),
    terminal: true,
    answers: ["y"],
  });
  assert.equal(yes.code, 0, yes.stderr);
  assert.match(yes.stdout, new RegExp(`hung up call ${id}`));
  assert.deepEqual(liveCalls(w.emulator), []);
});

Deno.test("New-MgCommunicationCall -BodyParameter FILE joins with that body, and the app leaves", async () => {
  await using w = await world();
  const dir = await Deno.makeTempDir({ prefix: "graphcall-new-call-" });
  try {
    const file = `${dir}/join.json`;
    await Deno.writeTextFile(file, JSON.stringify(joinByMeetingId()));

    w.emulator.clearRequests();
    const whatIf = await runMain(["New-MgCommunicationCall", "-BodyParameter", file, "-WhatIf"], {
      env: env(w.emulator),
    });
    assert.equal(whatIf.code, 0, whatIf.stderr);
    assert.match(whatIf.stdout, /What if: POST .*\/v1\.0\/communications\/calls/);
    assert.match(whatIf.stdout, new RegExp(M.joinMeetingId));
    assert.deepEqual(w.emulator.requests, []);

    const run = await runMain(
      ["New-MgCommunicationCall", "-BodyParameter:", file, "--output", "json"],
      { env: env(w.emulator) },
    );
    assert.equal(run.code, 0, run.stderr);
    const doc = JSON.parse(run.stdout);
    assert.equal(doc.command, "meeting join");
    assert.match(doc.result.callId, /^[0-9a-f-]{36}$/);
    assert.equal(doc.result.left, true);
    const requests = graphRequests(w.emulator);
    assert.equal(requests[0], "POST /v1.0/communications/calls");
    assert.equal(requests.at(-1), `DELETE /v1.0/communications/calls/${doc.result.callId}`);
    assert.deepEqual(liveCalls(w.emulator), []);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("New-MgCommunicationCall -Confirm answered no joins nothing", async () => {
  await using w = await world();
  const dir = await Deno.makeTempDir({ prefix: "graphcall-new-call-" });
  try {
    const file = `${dir}/join.json`;
    await Deno.writeTextFile(file, JSON.stringify(joinByMeetingId()));
    w.emulator.clearRequests();
    const no = await runMain(["New-MgCommunicationCall", "-BodyParameter", file, "-Confirm"], {
      env: env(w.emulator),
      terminal: true,
      answers: ["n"],
    });
    assert.equal(no.code, 0, no.stderr);
    assert.match(no.stdout + no.stderr, /not confirmed; nothing was sent/);
    assert.deepEqual(w.emulator.requests, []);
    assert.deepEqual(liveCalls(w.emulator), []);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("the call cmdlets refuse what graphcall cannot honour in one line, with the graphcall way, and send nothing", async () => {
  await using w = await world();
  const id = await keptCall(w.emulator);
  w.emulator.clearRequests();
  const refusals: [string[], RegExp][] = [
    [
      ["New-MgCommunicationCall", "-MeetingInfo", "@{joinMeetingId='1'}"],
      /-MeetingInfo: is not supported: give the whole call body with -BodyParameter FILE/,
    ],
    [
      ["New-MgCommunicationCall", "-Tenant", M.tenantId],
      /-TenantId: is not supported: .*graphcall meeting join --join-url URL/,
    ],
    [
      ["New-MgCommunicationCall", "-BodyParameter", "x.json", "-ChatInfo", "@{}"],
      /-ChatInfo: is not supported/,
    ],
    [["New-MgCommunicationCall"], /--join-url: .*or a whole join body with --body FILE/],
    [
      ["Get-MgCommunicationCall", "-CallId", id, "-Property", "state"],
      /-Property: is not supported: graphcall shows the whole call; .*--output json/,
    ],
    [
      ["Get-MgCommunicationCall", "-CallId", id, "-Expand", "participants"],
      /-ExpandProperty: is not supported: .*graphcall participant list --call ID/,
    ],
    [
      ["Get-MgCommunicationCall", "-InputObject", "x"],
      /-InputObject: is not supported: give -CallId/,
    ],
    [["Get-MgCommunicationCall"], /missing mandatory parameter -CallId/],
    [
      ["Remove-MgCommunicationCall", "-CallId", id, "-IfMatch", 'W/"1"'],
      /-IfMatch: is not supported: .*takes no If-Match header/,
    ],
    [
      ["Remove-MgCommunicationCall", "-CallId", id, "-Headers", '@{"X-A"="1"}'],
      /-Headers: is not supported: graphcall sends no extra headers when hanging up/,
    ],
    [
      ["Remove-MgCommunicationCall", "-CallId", id, "-ErrorAction", "Stop"],
      /-ErrorAction: is not supported: graphcall is a separate program/,
    ],
    [
      ["Remove-MgCommunicationCall", "-CallId", id, "-InputObject", "x"],
      /-InputObject: is not supported: give -CallId/,
    ],
  ];
  for (const [argv, message] of refusals) {
    const run = await runMain(argv, { env: env(w.emulator) });
    const shown = argv.join(" ");
    assert.equal(run.code, 2, `${shown}: ${run.stderr}`);
    assert.equal(run.stdout, "", shown);
    assert.equal(run.stderr.trim().split("\n").length, 1, `${shown}: ${run.stderr}`);
    assert.match(run.stderr, message, shown);
  }
  assert.deepEqual(w.emulator.requests, []);
  assert.deepEqual(liveCalls(w.emulator), [id]);
});
