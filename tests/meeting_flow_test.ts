/**
 * The real job through the library, against the emulator's meetings: from a join link and a
 * person to a removal, with the app leaving every time. The client and the emulator share one
 * fake clock, so joins, lobbies and keep-alives move without waiting.
 */

import assert from "node:assert/strict";
import { CallEndedError, GraphcallError, GraphError } from "../lib/errors.ts";
import { connect, type ConnectOptions } from "../lib/graph/connect.ts";
import { PersonNotFoundError } from "../lib/graph/remove_from_meeting.ts";
import { listenForNotifications } from "../lib/graph/notification_listener.ts";
import type { Emulator } from "../lib/emulator/mod.ts";
import { M, startMeetingWorld } from "./support/meeting_world.ts";
import type { FakeClock } from "./support/graph_fixtures.ts";

const CONTEXT = encodeURIComponent(JSON.stringify({ Tid: M.tenantId, Oid: M.organizer }));
const LONG = `https://teams.microsoft.com/l/meetup-join/${
  encodeURIComponent(M.threadId)
}/0?context=${CONTEXT}`;
const SHORT = `https://teams.microsoft.com/meet/${M.joinMeetingId}?p=${M.passcode}`;
const LOBBY = `https://teams.microsoft.com/l/meetup-join/${
  encodeURIComponent(M.lobbyThreadId)
}/0?context=${CONTEXT}`;

function client(
  world: { emulator: Emulator; clock: FakeClock },
  clientId: string = M.botA,
  extra: ConnectOptions = {},
) {
  return connect({
    tenantId: M.tenantId,
    clientId,
    clientSecret: M.secret,
    emulatorUrl: world.emulator.graphUrl,
    now: world.clock.now,
    sleep: world.clock.sleep,
    env: {},
    ...extra,
  });
}

/** The app's calls the emulator still holds as live (not terminated). */
function liveCalls(emulator: Emulator, appId = M.botA): string[] {
  const state = emulator.state.snapshot() as {
    tenants: { calls: { id: string; appId?: string; state: string }[] }[];
  };
  return state.tenants.flatMap((t) => t.calls)
    .filter((c) => c.appId?.toLowerCase() === appId && c.state !== "terminated")
    .map((c) => c.id);
}

function attendeeIds(emulator: Emulator, meeting = "allhands"): string[] {
  const state = emulator.state.snapshot() as {
    tenants: { meetings: { id: string; attendees: { id: string }[] }[] }[];
  };
  return state.tenants[0]!.meetings.find((m) => m.id === meeting)!.attendees.map((a) => a.id);
}

Deno.test("a long link and a UPN: the person is removed from the meeting and the app leaves", async () => {
  await using world = await startMeetingWorld();
  const graph = await client(world);
  const r = await graph.removeFromMeeting(LONG, ["adele@contoso.onmicrosoft.com"]);
  assert.equal(r.removed, 1);
  assert.equal(r.left, true);
  assert.equal(r.people[0]!.outcome, "removed");
  assert.equal(r.people[0]!.userId, M.adele);
  assert.deepEqual(r.people[0]!.participants.map((p) => p.id), [M.adeleParticipant]);
  assert.equal(r.rosterSize, 3);
  assert.ok(!attendeeIds(world.emulator).includes(M.adeleParticipant));
  assert.deepEqual(liveCalls(world.emulator), []);
});

Deno.test("a short link with the tenant given, and a phone number", async () => {
  await using world = await startMeetingWorld();
  const graph = await client(world);
  const r = await graph.removeFromMeeting(SHORT, [{ phone: "+14255550100" }], {
    tenantId: M.tenantId,
  });
  assert.equal(r.removed, 1);
  assert.deepEqual(r.people[0]!.participants.map((p) => p.id), [M.phoneParticipant]);
  assert.deepEqual(liveCalls(world.emulator), []);
});

Deno.test("one person on two devices: every match is removed", async () => {
  await using world = await startMeetingWorld();
  const second = world.emulator.addAttendee(M.tenantId, "allhands", { user: M.adele });
  const graph = await client(world);
  const r = await graph.removeFromMeeting(LONG, [M.adele]);
  assert.equal(r.removed, 2);
  assert.deepEqual(
    r.people[0]!.participants.map((p) => p.id).sort(),
    [M.adeleParticipant, second].sort(),
  );
});

Deno.test("a display name that matches two people is refused unless all matches are allowed", async () => {
  await using world = await startMeetingWorld();
  world.emulator.addAttendee(M.tenantId, "allhands", {
    identity: { guest: { id: "c0ffee00-0000-4000-8000-000000000009", displayName: "visitor" } },
  });
  const graph = await client(world);
  await assert.rejects(graph.removeFromMeeting(LONG, [{ displayName: "Visitor" }]), (e) => {
    assert.ok(e instanceof GraphcallError);
    assert.equal(e.code, "ambiguous");
    assert.match(e.message, /matches 2 people/);
    assert.ok(e.remediation);
    return true;
  });
  assert.equal(attendeeIds(world.emulator).length, 4, "nobody was removed");
  assert.deepEqual(liveCalls(world.emulator), []);
  const r = await graph.removeFromMeeting(LONG, [{ displayName: "Visitor" }], {
    allMatches: true,
  });
  assert.equal(r.removed, 2);
});

Deno.test("a person not in the meeting: a typed not-found that counts the meeting, and the app left", async () => {
  await using world = await startMeetingWorld();
  const graph = await client(world);
  await assert.rejects(graph.removeFromMeeting(LONG, ["olga@contoso.onmicrosoft.com"]), (e) => {
    assert.ok(e instanceof PersonNotFoundError);
    assert.equal(e.code, "not_found");
    assert.match(e.message, /3 people are in it besides the app/);
    assert.equal(e.result.left, true);
    return true;
  });
  assert.deepEqual(liveCalls(world.emulator), []);
});

Deno.test("the app itself is never a match, even by its own display name", async () => {
  await using world = await startMeetingWorld();
  const graph = await client(world);
  await assert.rejects(
    graph.removeFromMeeting(LONG, [{ displayName: "Meeting bot A" }]),
    PersonNotFoundError,
  );
});

Deno.test("a lobby: the wait is reported, the app is admitted and does the job", async () => {
  await using world = await startMeetingWorld();
  const graph = await client(world);
  const seen: string[] = [];
  let admitted = false;
  const r = await graph.removeFromMeeting(LOBBY, [M.adele], {
    onProgress: (p) => {
      seen.push(p.type);
      if (p.type === "lobby" && !admitted) {
        admitted = true;
        world.emulator.admit(M.tenantId, p.callId);
      }
    },
  });
  assert.ok(seen.includes("lobby"), seen.join(","));
  assert.equal(seen.at(-1), "established");
  assert.equal(r.removed, 1);
  assert.deepEqual(liveCalls(world.emulator), []);
});

Deno.test("a lobby nobody answers: not admitted, a fix, and the app left", async () => {
  await using world = await startMeetingWorld({ lobbyTimeoutMs: 3_600_000 });
  const graph = await client(world);
  await assert.rejects(
    graph.removeFromMeeting(LOBBY, [M.adele], { lobbyTimeoutMs: 5000 }),
    (e) => {
      assert.ok(e instanceof CallEndedError);
      assert.equal(e.code, "not_admitted");
      assert.equal(e.exitCode, 8);
      assert.match(e.remediation ?? "", /admit/);
      return true;
    },
  );
  assert.deepEqual(liveCalls(world.emulator), []);
});

Deno.test("the service's own lobby timeout ends the call: polling says not admitted", async () => {
  await using world = await startMeetingWorld({ lobbyTimeoutMs: 2000 });
  const graph = await client(world);
  await assert.rejects(graph.joinMeeting(LOBBY, { lobbyTimeoutMs: 60_000 }), (e) => {
    assert.ok(e instanceof CallEndedError);
    assert.equal(e.code, "not_admitted");
    assert.match(e.message, /lobby/);
    return true;
  });
  assert.deepEqual(liveCalls(world.emulator), []);
});

Deno.test("a meeting of another tenant: Graph's 7505 comes back with the meeting's tenant in the fix", async () => {
  await using world = await startMeetingWorld();
  const graph = await client(world);
  const other = "11111111-2222-4333-8444-555555555555";
  const link = LONG.replace(encodeURIComponent(M.tenantId), encodeURIComponent(other));
  await assert.rejects(graph.joinMeeting(link), (e) => {
    assert.ok(e instanceof GraphError);
    assert.equal(e.status, 403);
    assert.equal(e.graphCode, "7505");
    assert.match(e.remediation ?? "", new RegExp(other));
    return true;
  });
  assert.deepEqual(liveCalls(world.emulator), []);
});

Deno.test("a UPN without User.Read.All: refused with the permission, before any join", async () => {
  await using world = await startMeetingWorld();
  const graph = await client(world, M.botB);
  world.emulator.clearRequests();
  await assert.rejects(graph.removeFromMeeting(LONG, ["adele@contoso.onmicrosoft.com"]), (e) => {
    assert.ok(e instanceof GraphError);
    assert.equal(e.code, "permission_missing");
    assert.match(e.message, /User\.Read\.All/);
    assert.match(e.remediation ?? "", /adminconsent/);
    return true;
  });
  assert.equal(
    world.emulator.requests.filter((r) => r.path.endsWith("/communications/calls")).length,
    0,
  );
  // an object id needs no lookup: the same app can do the job with it
  const r = await graph.removeFromMeeting(LONG, [M.adele]);
  assert.equal(r.removed, 1);
});

Deno.test("a dry run sends nothing and returns every request it would send", async () => {
  await using world = await startMeetingWorld();
  const graph = await client(world);
  world.emulator.clearRequests();
  const run = await graph.removeFromMeeting(LONG, ["adele@contoso.onmicrosoft.com"], {
    dryRun: true,
  });
  assert.equal(world.emulator.requests.length, 0);
  assert.deepEqual(run.requests.map((r) => `${r.method} ${new URL(r.url).pathname}`), [
    "GET /v1.0/users/adele@contoso.onmicrosoft.com",
    "POST /v1.0/communications/calls",
    "GET /v1.0/communications/calls/%7BcallId%7D",
    "GET /v1.0/communications/calls/%7BcallId%7D/participants",
    "DELETE /v1.0/communications/calls/%7BcallId%7D/participants/%7BparticipantId%7D",
    "DELETE /v1.0/communications/calls/%7BcallId%7D",
  ]);
  const join = run.requests[1]!.body as Record<string, Record<string, unknown>>;
  assert.equal(join.chatInfo!.threadId, M.threadId);
  assert.equal(join.tenantId as unknown as string, M.tenantId);
  assert.equal(run.requests[1]!.headers.authorization, "Bearer [REDACTED]");
});

Deno.test("an abort while the app waits in the lobby leaves no call behind", async () => {
  await using world = await startMeetingWorld({ lobbyTimeoutMs: 3_600_000 });
  const graph = await client(world);
  const controller = new AbortController();
  await assert.rejects(
    graph.removeFromMeeting(LOBBY, [M.adele], {
      signal: controller.signal,
      onProgress: (p) => p.type === "lobby" && controller.abort(),
    }),
    (e) => e instanceof GraphcallError && e.code === "aborted",
  );
  assert.deepEqual(liveCalls(world.emulator), []);
});

Deno.test("a handle that stays in the call sends keep-alives on the pipeline's clock", async () => {
  await using world = await startMeetingWorld();
  const graph = await client(world);
  const call = await graph.joinMeeting(LONG, { keepAliveIntervalMs: 60_000 });
  world.emulator.clearRequests();
  // the keep-alive loop sleeps on the fake clock: each turn of the event loop moves it a minute
  for (let i = 0; i < 20 && world.emulator.requests.length < 2; i++) {
    await new Promise((r) => setTimeout(r, 5));
  }
  const keepAlives = world.emulator.requests.filter((r) => r.path.endsWith("/keepAlive"));
  assert.ok(keepAlives.length >= 2, `${keepAlives.length} keep-alives`);
  assert.ok(keepAlives.every((r) => r.status === 200));
  const got = await call.get();
  assert.equal(got.call.state, "established");
  const left = await call.hangUp();
  assert.equal(left.alreadyEnded, false);
  assert.deepEqual(liveCalls(world.emulator), []);
  const again = await call.hangUp();
  assert.equal(again.alreadyEnded, true);
});

Deno.test("find never returns the app, and a roster read by another app shows the removal", async () => {
  await using world = await startMeetingWorld();
  const a = await client(world);
  const b = await client(world, M.botB);
  const callA = await a.joinMeeting(LONG, { keepAliveIntervalMs: 0 });
  const callB = await b.joinMeeting(LONG, { keepAliveIntervalMs: 0 });
  try {
    assert.deepEqual(await callA.find({ displayName: "Meeting bot A" }), []);
    const adele = await callA.find({ user: M.adele });
    assert.deepEqual(adele.map((p) => p.id), [M.adeleParticipant]);
    await callA.remove(M.adeleParticipant);
    assert.deepEqual(await callB.find({ user: M.adele }), []);
  } finally {
    await callA.hangUp();
    await callB.hangUp();
  }
});

Deno.test("with a listener, the join is established by the signed notification", async () => {
  await using world = await startMeetingWorld({ joinDelayMs: 0 });
  const listener = await listenForNotifications({
    appId: M.botA,
    keys: world.emulator.notificationJwksUrl,
    now: world.clock.now,
  });
  try {
    const graph = await client(world, M.botA, { callbackUri: listener.url });
    const call = await graph.joinMeeting(LONG, { notifications: listener, keepAliveIntervalMs: 0 });
    await call.hangUp();
    for (let i = 0; i < 50 && listener.accepted === 0; i++) {
      await new Promise((r) => setTimeout(r, 10));
    }
    assert.ok(listener.accepted > 0, "notifications arrived and were accepted");
    assert.equal(listener.rejected, 0);
    const forged = await fetch(listener.url, {
      method: "POST",
      headers: { authorization: "Bearer a.b.c", "content-type": "application/json" },
      body: "{}",
    });
    await forged.body?.cancel();
    assert.equal(forged.status, 401);
    assert.equal(listener.rejected, 1);
  } finally {
    await listener.close();
  }
});

Deno.test("against Graph (not loopback), a join needs an HTTPS callback URI; nothing is sent without one", async () => {
  const sent: string[] = [];
  const graph = await connect({
    tenantId: M.tenantId,
    clientId: M.botA,
    accessToken: [
      btoa(JSON.stringify({ alg: "RS256" })),
      btoa(JSON.stringify({
        aud: "https://graph.microsoft.com",
        tid: M.tenantId,
        appid: M.botA,
        exp: Math.floor(Date.now() / 1000) + 3600,
      })),
      "c2ln",
    ].join(".").replace(/=/g, ""),
    env: {},
    fetch: (input) => {
      sent.push(String(input));
      return Promise.resolve(new Response(null, { status: 500 }));
    },
  });
  await assert.rejects(graph.joinMeeting(LONG), (e) => {
    assert.ok(e instanceof GraphcallError);
    assert.equal(e.code, "invalid_input");
    assert.match(e.message, /callback URI/);
    assert.match(e.message, /GRAPHCALL_CALLBACK_URI/);
    return true;
  });
  await assert.rejects(
    graph.joinMeeting(LONG, { callbackUri: "http://bot.contoso.com/callback" }),
    /only to an https:\/\/ URL/,
  );
  assert.deepEqual(sent, []);
});
