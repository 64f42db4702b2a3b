import assert from "node:assert/strict";
import {
  callState,
  graph,
  join,
  joinByMeetingId,
  joinByOrganizer,
  M,
  rosterIds,
  secretToken,
  startMeetingWorld,
} from "./support/meeting_world.ts";

async function errorOf(r: Response): Promise<{ status: number; code: string; message: string }> {
  const body = await r.json();
  assert.ok(body.error?.innerError?.["request-id"], "Graph's envelope has a request-id");
  return { status: r.status, code: body.error.code, message: body.error.message };
}

Deno.test("an app joins a meeting by organizer and thread: 201, Location, a call establishing, then established on the emulator's clock", async () => {
  await using w = await startMeetingWorld();
  const token = await secretToken(w.emulator, M.botA);
  const r = await graph(w.emulator, "POST", "/communications/calls", token, joinByOrganizer());
  assert.equal(r.status, 201);
  const call = await r.json();
  assert.equal(
    r.headers.get("location"),
    `${w.emulator.graphUrl}/v1.0/communications/calls/${call.id}`,
  );
  assert.equal(call.state, "establishing");
  assert.match(call.id, /^[0-9a-f-]{36}$/);
  assert.match(call.myParticipantId, /^[0-9a-f-]{36}$/);
  assert.equal(call.tenantId, M.tenantId);
  assert.equal(call.callbackUri, "https://bot.contoso.com/callback");
  assert.equal(call.chatInfo.threadId, M.threadId);
  assert.equal(call.chatInfo.replyChainMessageId, null);
  assert.equal(call.meetingInfo.organizer.user.id, M.organizer);
  assert.equal(call.source.identity.application.id, M.botA);
  assert.equal(call.source.identity.application.displayName, "Meeting bot A");
  assert.match(call["@odata.context"], /\$metadata#communications\/calls\/\$entity$/);
  // The join delay (100 ms here) passes on the emulator's clock, not the wall clock.
  assert.equal(await callState(w.emulator, token, call.id), "establishing");
  w.clock.advance(99);
  assert.equal(await callState(w.emulator, token, call.id), "establishing");
  w.clock.advance(1);
  assert.equal(await callState(w.emulator, token, call.id), "established");
});

Deno.test("an app joins by meeting id and passcode, and the call names the meeting's thread", async () => {
  await using w = await startMeetingWorld();
  const token = await secretToken(w.emulator, M.botA);
  const call = await join(w.emulator, token, joinByMeetingId());
  assert.equal(call.state, "establishing");
  const got = await (await graph(w.emulator, "GET", `/communications/calls/${call.id}`, token))
    .json();
  assert.deepEqual(
    { threadId: got.chatInfo.threadId, messageId: got.chatInfo.messageId },
    { threadId: M.threadId, messageId: "0" },
  );
  assert.equal(got.meetingInfo.joinMeetingId, M.joinMeetingId);
});

Deno.test("a wrong or missing passcode is refused with 403 and an unknown meeting with 404", async () => {
  await using w = await startMeetingWorld();
  const token = await secretToken(w.emulator, M.botA);
  for (const passcode of ["not-the-passcode", null]) {
    const r = await graph(
      w.emulator,
      "POST",
      "/communications/calls",
      token,
      joinByMeetingId(passcode),
    );
    const e = await errorOf(r);
    assert.equal(e.status, 403, String(passcode));
    assert.match(e.message, /passcode/);
  }
  const unknownThread = await graph(
    w.emulator,
    "POST",
    "/communications/calls",
    token,
    joinByOrganizer({}, "19:meeting_bm90LWEtbWVldGluZw@thread.v2"),
  );
  assert.equal((await errorOf(unknownThread)).status, 404);
  // The right thread with another organizer is not that meeting either.
  const body = joinByOrganizer();
  (body.meetingInfo as { organizer: { user: { id: string } } }).organizer.user.id = M.adele;
  const wrongOrganizer = await graph(w.emulator, "POST", "/communications/calls", token, body);
  assert.equal((await errorOf(wrongOrganizer)).status, 404);
  // Nothing joined.
  assert.equal(w.emulator.state.tenant(M.tenantId)!.calls.size, 0);
});

Deno.test("a tenantId other than the token's is 403 with code 7505", async () => {
  await using w = await startMeetingWorld();
  const token = await secretToken(w.emulator, M.botA);
  const r = await graph(
    w.emulator,
    "POST",
    "/communications/calls",
    token,
    joinByOrganizer({ tenantId: "b1c2d3e4-f5a6-4b7c-8d9e-0f1a2b3c4d5e" }),
  );
  const e = await errorOf(r);
  assert.deepEqual(e, {
    status: 403,
    code: "7505",
    message: "Request authorization tenant mismatch.",
  });
});

Deno.test("joins Graph refuses are refused: no mediaConfig, app-hosted media without Calls.AccessMedia.All, a plain-http callback off loopback, no join role, no meetingInfo", async () => {
  await using w = await startMeetingWorld();
  const token = await secretToken(w.emulator, M.botA);
  const post = (body: Record<string, unknown>, t = token) =>
    graph(w.emulator, "POST", "/communications/calls", t, body);
  const noMedia = joinByOrganizer();
  delete noMedia.mediaConfig;
  let e = await errorOf(await post(noMedia));
  assert.equal(e.status, 400);
  assert.match(e.message, /mediaConfig/);
  const appHosted = joinByOrganizer({
    mediaConfig: { "@odata.type": "#microsoft.graph.appHostedMediaConfig", blob: "<config>" },
  });
  e = await errorOf(await post(appHosted));
  assert.equal(e.status, 403);
  assert.match(e.message, /Calls\.AccessMedia\.All/);
  // The media bot holds Calls.AccessMedia.All.
  const media = await secretToken(w.emulator, M.mediaBot);
  assert.equal((await join(w.emulator, media, appHosted)).state, "establishing");
  e = await errorOf(await post(joinByOrganizer({ callbackUri: "http://bot.contoso.com/cb" })));
  assert.equal(e.status, 400);
  assert.match(e.message, /HTTPS/);
  assert.equal(
    (await join(w.emulator, token, joinByOrganizer({ callbackUri: "http://127.0.0.1:9/cb" })))
      .state,
    "establishing",
  );
  const noRoles = await secretToken(w.emulator, M.noRoles);
  e = await errorOf(await post(joinByOrganizer(), noRoles));
  assert.equal(e.status, 403);
  assert.match(e.message, /Calls\.JoinGroupCall\.All/);
  const noInfo = joinByOrganizer();
  delete noInfo.meetingInfo;
  e = await errorOf(await post(noInfo));
  assert.equal(e.status, 400);
  assert.match(e.message, /meetingInfo/);
  const notJson = await fetch(`${w.emulator.graphUrl}/v1.0/communications/calls`, {
    method: "POST",
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body: "{",
  });
  assert.equal((await errorOf(notJson)).status, 400);
});

Deno.test("another app gets 404 on the call and its participants, and an unknown call id is 404, not 400", async () => {
  await using w = await startMeetingWorld();
  const a = await secretToken(w.emulator, M.botA);
  const b = await secretToken(w.emulator, M.botB);
  const call = await join(w.emulator, a, joinByOrganizer());
  w.clock.advance(100);
  const paths: [string, string][] = [
    ["GET", `/communications/calls/${call.id}`],
    ["DELETE", `/communications/calls/${call.id}`],
    ["POST", `/communications/calls/${call.id}/keepAlive`],
    ["GET", `/communications/calls/${call.id}/participants`],
    ["GET", `/communications/calls/${call.id}/participants/${M.adeleParticipant}`],
    ["DELETE", `/communications/calls/${call.id}/participants/${M.adeleParticipant}`],
  ];
  for (const [method, path] of paths) {
    const e = await errorOf(await graph(w.emulator, method, path, b));
    assert.equal(e.status, 404, `${method} ${path}`);
    assert.equal(e.message, "Call not found.");
  }
  for (const id of ["no-such-call", crypto.randomUUID()]) {
    const e = await errorOf(
      await graph(w.emulator, "GET", `/communications/calls/${id}/participants`, a),
    );
    assert.equal(e.status, 404);
  }
  // The owner still sees everything: nothing was removed or ended by the other app.
  assert.equal(await callState(w.emulator, a, call.id), "established");
  assert.ok((await rosterIds(w.emulator, a, call.id)).includes(M.adeleParticipant));
});

Deno.test("once established, the roster is the meeting's attendees plus the app itself, whose id is myParticipantId", async () => {
  await using w = await startMeetingWorld();
  const token = await secretToken(w.emulator, M.botA);
  const call = await join(w.emulator, token, joinByOrganizer());
  // Before it is established the call sees only itself (not yet in the meeting: nothing).
  assert.deepEqual(await rosterIds(w.emulator, token, call.id), []);
  w.clock.advance(100);
  const r = await graph(w.emulator, "GET", `/communications/calls/${call.id}/participants`, token);
  const list = (await r.json()).value;
  assert.deepEqual(
    list.map((p: { id: string }) => p.id).sort(),
    [M.adeleParticipant, M.phoneParticipant, M.guestParticipant, call.myParticipantId].sort(),
  );
  const me = list.find((p: { id: string }) => p.id === call.myParticipantId);
  assert.deepEqual(me.info.identity.application, { id: M.botA, displayName: "Meeting bot A" });
  assert.equal(me.isInLobby, false);
  const adele = list.find((p: { id: string }) => p.id === M.adeleParticipant);
  assert.equal(adele.info.identity.user.id, M.adele);
  assert.equal(adele.info.identity.user.displayName, "Adele Vance");
  const phone = list.find((p: { id: string }) => p.id === M.phoneParticipant);
  assert.equal(phone.info.identity.phone.id, "+14255550100");
});

Deno.test("one app may join the same meeting twice: two calls, two participants of its own", async () => {
  await using w = await startMeetingWorld();
  const token = await secretToken(w.emulator, M.botA);
  const first = await join(w.emulator, token, joinByOrganizer());
  const second = await join(w.emulator, token, joinByMeetingId());
  assert.notEqual(first.id, second.id);
  assert.notEqual(first.myParticipantId, second.myParticipantId);
  w.clock.advance(100);
  const roster = await rosterIds(w.emulator, token, first.id);
  assert.ok(roster.includes(first.myParticipantId) && roster.includes(second.myParticipantId));
  // Hanging up one leaves the other in the meeting.
  await (await graph(w.emulator, "DELETE", `/communications/calls/${first.id}`, token)).body
    ?.cancel();
  assert.equal(await callState(w.emulator, token, second.id), "established");
  assert.ok(!(await rosterIds(w.emulator, token, second.id)).includes(first.myParticipantId));
});

Deno.test("a participant removed through one app's call is gone from a second app's call", async () => {
  await using w = await startMeetingWorld();
  const a = await secretToken(w.emulator, M.botA);
  const b = await secretToken(w.emulator, M.botB);
  const callA = await join(w.emulator, a, joinByOrganizer());
  const callB = await join(w.emulator, b, joinByMeetingId());
  w.clock.advance(100);
  // Each app sees the attendees and both app legs.
  const before = await rosterIds(w.emulator, b, callB.id);
  assert.ok(before.includes(M.adeleParticipant));
  assert.ok(before.includes(callA.myParticipantId) && before.includes(callB.myParticipantId));
  const del = await graph(
    w.emulator,
    "DELETE",
    `/communications/calls/${callA.id}/participants/${M.adeleParticipant}`,
    a,
  );
  assert.equal(del.status, 204);
  assert.equal(await del.text(), "");
  assert.ok(!(await rosterIds(w.emulator, b, callB.id)).includes(M.adeleParticipant));
  assert.ok(!(await rosterIds(w.emulator, a, callA.id)).includes(M.adeleParticipant));
  const again = await graph(
    w.emulator,
    "DELETE",
    `/communications/calls/${callB.id}/participants/${M.adeleParticipant}`,
    b,
  );
  assert.equal((await errorOf(again)).status, 404);
});

Deno.test("removing another app's leg ends that app's call (200/5300); the remover's call goes on", async () => {
  await using w = await startMeetingWorld();
  const a = await secretToken(w.emulator, M.botA);
  const b = await secretToken(w.emulator, M.botB);
  const callA = await join(w.emulator, a, joinByOrganizer());
  const callB = await join(w.emulator, b, joinByOrganizer());
  w.clock.advance(100);
  const del = await graph(
    w.emulator,
    "DELETE",
    `/communications/calls/${callA.id}/participants/${callB.myParticipantId}`,
    a,
  );
  assert.equal(del.status, 204);
  assert.equal(await callState(w.emulator, b, callB.id), 404);
  const ended = w.emulator.state.snapshot().tenants[0]!.calls!.find((c) => c.id === callB.id)!;
  assert.deepEqual((ended as { resultInfo?: unknown }).resultInfo, {
    code: 200,
    subcode: 5300,
    message: "Participant was removed from the conversation by another participant.",
  });
  assert.equal(await callState(w.emulator, a, callA.id), "established");
});

Deno.test("hanging up ends only that app's leg: its call is 404 after, the meeting and the other call go on", async () => {
  await using w = await startMeetingWorld();
  const a = await secretToken(w.emulator, M.botA);
  const b = await secretToken(w.emulator, M.botB);
  const callA = await join(w.emulator, a, joinByOrganizer());
  const callB = await join(w.emulator, b, joinByOrganizer());
  w.clock.advance(100);
  const hangUp = await graph(w.emulator, "DELETE", `/communications/calls/${callA.id}`, a);
  assert.equal(hangUp.status, 204);
  assert.equal(await hangUp.text(), "");
  for (
    const [method, path] of [
      ["GET", `/communications/calls/${callA.id}`],
      ["GET", `/communications/calls/${callA.id}/participants`],
      ["POST", `/communications/calls/${callA.id}/keepAlive`],
      ["DELETE", `/communications/calls/${callA.id}`],
    ]
  ) {
    assert.equal((await errorOf(await graph(w.emulator, method!, path!, a))).status, 404, path);
  }
  assert.equal(await callState(w.emulator, b, callB.id), "established");
  const rosterB = await rosterIds(w.emulator, b, callB.id);
  assert.ok(rosterB.includes(M.adeleParticipant), "the meeting goes on");
  assert.ok(!rosterB.includes(callA.myParticipantId), "the app that hung up left the meeting");
  assert.ok(rosterB.includes(callB.myParticipantId));
  // The admin API shows the ended call and the meeting still there.
  const t = w.emulator.state.snapshot().tenants[0]!;
  assert.equal(t.calls!.find((c) => c.id === callA.id)!.state, "terminated");
  assert.equal(t.calls!.find((c) => c.id === callB.id)!.state, "established");
});

Deno.test("in a lobby meeting the app waits, isInLobby, until admitted through the admin API, then is established", async () => {
  await using w = await startMeetingWorld();
  const token = await secretToken(w.emulator, M.botA);
  const call = await join(w.emulator, token, joinByOrganizer({}, M.lobbyThreadId));
  w.clock.advance(60_000);
  assert.equal(await callState(w.emulator, token, call.id), "establishing");
  const own = await (await graph(
    w.emulator,
    "GET",
    `/communications/calls/${call.id}/participants`,
    token,
  )).json();
  assert.deepEqual(own.value.map((p: { id: string; isInLobby: boolean }) => [p.id, p.isInLobby]), [
    [call.myParticipantId, true],
  ]);
  const admit = await fetch(
    `${w.emulator.adminUrl}/tenants/${M.tenantId}/calls/${call.id}/admit`,
    { method: "POST" },
  );
  assert.equal(admit.status, 204);
  await admit.body?.cancel();
  assert.equal(await callState(w.emulator, token, call.id), "established");
  const roster = await (await graph(
    w.emulator,
    "GET",
    `/communications/calls/${call.id}/participants`,
    token,
  )).json();
  const me = roster.value.find((p: { id: string }) => p.id === call.myParticipantId);
  assert.equal(me.isInLobby, false);
  assert.equal(roster.value.length, 2);
  // Admitting again is refused: it no longer waits.
  const twice = await fetch(
    `${w.emulator.adminUrl}/tenants/${M.tenantId}/calls/${call.id}/admit`,
    { method: "POST" },
  );
  assert.equal(twice.status, 409);
  await twice.body?.cancel();
});

Deno.test("unadmitted, the lobby timeout ends the call with 200/5855", async () => {
  await using w = await startMeetingWorld({ lobbyTimeoutMs: 30_000 });
  const token = await secretToken(w.emulator, M.botA);
  const call = await join(w.emulator, token, joinByOrganizer({}, M.lobbyThreadId));
  w.clock.advance(29_999);
  assert.equal(await callState(w.emulator, token, call.id), "establishing");
  w.clock.advance(1);
  // The admin API's tick applies what is due; the call is gone for Graph.
  const tick = await fetch(`${w.emulator.adminUrl}/tick`, { method: "POST" });
  assert.equal(tick.status, 204);
  await tick.body?.cancel();
  const state = await (await fetch(`${w.emulator.adminUrl}/state`)).json();
  const ended = state.tenants[0].calls.find((c: { id: string }) => c.id === call.id);
  assert.equal(ended.state, "terminated");
  assert.deepEqual(ended.resultInfo, {
    code: 200,
    subcode: 5855,
    message:
      "Participant waiting in lobby was removed from the conversation after lobby inactivity timeout.",
  });
  assert.equal(await callState(w.emulator, token, call.id), 404);
});

Deno.test("keepAlive answers 200 and keeps a call; without one for the keep-alive timeout it ends (408/8537)", async () => {
  await using w = await startMeetingWorld({ keepAliveTimeoutMs: 45 * 60_000 });
  const token = await secretToken(w.emulator, M.botA);
  const call = await join(w.emulator, token, joinByOrganizer());
  w.clock.advance(100);
  for (let i = 0; i < 3; i++) {
    w.clock.advance(30 * 60_000);
    const r = await graph(w.emulator, "POST", `/communications/calls/${call.id}/keepAlive`, token);
    assert.equal(r.status, 200);
    await r.body?.cancel();
  }
  assert.equal(await callState(w.emulator, token, call.id), "established");
  w.clock.advance(45 * 60_000 - 1);
  assert.equal(await callState(w.emulator, token, call.id), "established");
  w.clock.advance(1);
  assert.equal(await callState(w.emulator, token, call.id), 404);
  const ended = w.emulator.state.snapshot().tenants[0]!.calls!.find((c) => c.id === call.id)!;
  assert.deepEqual((ended as { resultInfo?: { code: number; subcode: number } }).resultInfo, {
    code: 408,
    subcode: 8537,
    message: "Keep Alive timeout, cleaned up inactive call.",
  });
});

Deno.test("an attendee added through the admin API mid-meeting appears in every call's roster", async () => {
  await using w = await startMeetingWorld();
  const a = await secretToken(w.emulator, M.botA);
  const b = await secretToken(w.emulator, M.botB);
  const callA = await join(w.emulator, a, joinByOrganizer());
  const callB = await join(w.emulator, b, joinByOrganizer());
  w.clock.advance(100);
  const r = await fetch(
    `${w.emulator.adminUrl}/tenants/${M.tenantId}/meetings/allhands/attendees`,
    {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ user: M.organizer }),
    },
  );
  assert.equal(r.status, 201);
  const { participantId } = await r.json();
  for (const [token, id] of [[a, callA.id], [b, callB.id]] as const) {
    const list = await (await graph(
      w.emulator,
      "GET",
      `/communications/calls/${id}/participants/${participantId}`,
      token,
    )).json();
    assert.equal(list.info.identity.user.id, M.organizer);
    assert.equal(list.info.identity.user.displayName, "Olga Organizer");
  }
});

Deno.test("the admin state shows meetings with their derived join links, and calls with appId, state and meetingId", async () => {
  await using w = await startMeetingWorld();
  const token = await secretToken(w.emulator, M.botA);
  const call = await join(w.emulator, token, joinByOrganizer());
  const state = await (await fetch(`${w.emulator.adminUrl}/state`)).json();
  const meeting = state.tenants[0].meetings.find((m: { id: string }) => m.id === "allhands");
  assert.equal(
    meeting.joinWebUrl,
    `https://teams.microsoft.com/l/meetup-join/${encodeURIComponent(M.threadId)}/0?context=${
      encodeURIComponent(JSON.stringify({ Tid: M.tenantId, Oid: M.organizer }))
    }`,
  );
  assert.equal(
    meeting.shortJoinUrl,
    `https://teams.microsoft.com/meet/${M.joinMeetingId}?p=${M.passcode}`,
  );
  // The long link decodes to the thread and the context the join body carries.
  const decoded = decodeURIComponent(meeting.joinWebUrl);
  assert.ok(decoded.includes(`/meetup-join/${M.threadId}/0?context={"Tid":"${M.tenantId}"`));
  const c = state.tenants[0].calls.find((x: { id: string }) => x.id === call.id);
  assert.deepEqual(
    { appId: c.appId, state: c.state, meetingId: c.meetingId },
    { appId: M.botA, state: "establishing", meetingId: "allhands" },
  );
  // A meeting without threadId or joinMeetingId gets stable derived ones.
  const lobby = state.tenants[0].meetings.find((m: { id: string }) => m.id === "lobbyroom");
  assert.equal(lobby.shortJoinUrl, "https://teams.microsoft.com/meet/9988776655443");
});

Deno.test("a seeded call tied to a meeting is its app's established leg and sees the meeting's roster", async () => {
  await using w = await startMeetingWorld({
    tenant: {
      calls: [{
        id: "seeded-leg",
        appId: M.botB,
        meetingId: "allhands",
        myParticipantId: "b0b0b0b0-0000-4000-8000-000000000000",
      }],
    },
  });
  const b = await secretToken(w.emulator, M.botB);
  assert.equal(await callState(w.emulator, b, "seeded-leg"), "established");
  assert.deepEqual(
    (await rosterIds(w.emulator, b, "seeded-leg")).sort(),
    [
      M.adeleParticipant,
      M.phoneParticipant,
      M.guestParticipant,
      "b0b0b0b0-0000-4000-8000-000000000000",
    ].sort(),
  );
  // Seeded legs do not time out.
  w.clock.advance(24 * 3600_000);
  assert.equal(await callState(w.emulator, b, "seeded-leg"), "established");
});
