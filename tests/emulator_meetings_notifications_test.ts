import assert from "node:assert/strict";
import { createLocalJWKSet, decodeJwt, jwtVerify } from "npm:jose@^6.2";
import {
  callState,
  graph,
  join,
  joinByOrganizer,
  M,
  secretToken,
  startMeetingWorld,
} from "./support/meeting_world.ts";

interface Received {
  authorization: string | null;
  body: {
    "@odata.type": string;
    value: {
      changeType: string;
      resourceUrl: string;
      resource: string;
      resourceData: Record<string, unknown> | Record<string, unknown>[];
    }[];
  };
}

/** A bot's callback endpoint on loopback that records what it receives. */
function callbackServer(
  answer: (n: number) => Response | Promise<Response> = () => new Response(null, { status: 202 }),
) {
  const received: Received[] = [];
  const waiters: { count: number; resolve: () => void }[] = [];
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (req) => {
    received.push({ authorization: req.headers.get("authorization"), body: await req.json() });
    for (const w of waiters.splice(0)) {
      if (received.length >= w.count) w.resolve();
      else waiters.push(w);
    }
    return await answer(received.length);
  });
  return {
    url: `http://127.0.0.1:${server.addr.port}/api/calls`,
    received,
    /** Resolves when `count` notifications have arrived (bounded by the test runner). */
    until(count: number): Promise<void> {
      if (received.length >= count) return Promise.resolve();
      const { promise, resolve } = Promise.withResolvers<void>();
      waiters.push({ count, resolve });
      return promise;
    },
    [Symbol.asyncDispose]: () => server.shutdown(),
  };
}

function items(received: Received[]) {
  return received.flatMap((r) =>
    r.body.value.map((v) => ({
      changeType: v.changeType,
      resourceUrl: v.resourceUrl,
      state: Array.isArray(v.resourceData) ? undefined : v.resourceData.state,
      resourceData: v.resourceData,
    }))
  );
}

Deno.test("notifications reach the callback in order, each with a JWT that verifies against notificationJwksUrl", async () => {
  await using bot = callbackServer();
  await using w = await startMeetingWorld();
  const token = await secretToken(w.emulator, M.botA);
  const call = await join(w.emulator, token, joinByOrganizer({ callbackUri: bot.url }));
  w.clock.advance(100);
  assert.equal(await callState(w.emulator, token, call.id), "established");
  const del = await graph(
    w.emulator,
    "DELETE",
    `/communications/calls/${call.id}/participants/${M.adeleParticipant}`,
    token,
  );
  assert.equal(del.status, 204);
  const hangUp = await graph(w.emulator, "DELETE", `/communications/calls/${call.id}`, token);
  assert.equal(hangUp.status, 204);
  await w.emulator.notificationsIdle();

  const seen = items(bot.received);
  const callUrl = `/communications/calls/${call.id}`;
  assert.deepEqual(seen.map((s) => [s.changeType, s.resourceUrl, s.state]), [
    ["updated", callUrl, "establishing"],
    ["updated", callUrl, "established"],
    ["updated", `${callUrl}/participants`, undefined],
    ["updated", `${callUrl}/participants`, undefined],
    ["updated", callUrl, "terminating"],
    ["deleted", callUrl, "terminated"],
  ]);
  assert.equal(bot.received[0]!.body["@odata.type"], "#microsoft.graph.commsNotifications");
  assert.equal(bot.received[0]!.body.value[0]!.resource, `/app/calls/${call.id}`);
  // The first roster is the attendees plus the app; the second lacks the removed attendee.
  const rosters = seen.filter((s) => s.resourceUrl.endsWith("/participants"))
    .map((s) => (s.resourceData as { id: string }[]).map((p) => p.id).sort());
  assert.deepEqual(
    rosters[0],
    [
      M.adeleParticipant,
      M.phoneParticipant,
      M.guestParticipant,
      call.myParticipantId,
    ].sort(),
  );
  assert.ok(!rosters[1]!.includes(M.adeleParticipant));
  const last = seen.at(-1)!.resourceData as { resultInfo: unknown };
  assert.deepEqual(last.resultInfo, {
    code: 200,
    subcode: 5001,
    message: "The conversation has ended.",
  });

  // Every POST carries a bearer JWT signed with the key at notificationJwksUrl.
  const jwks = createLocalJWKSet(await (await fetch(w.emulator.notificationJwksUrl)).json());
  for (const r of bot.received) {
    const jwt = /^Bearer (\S+)$/.exec(r.authorization ?? "")?.[1];
    assert.ok(jwt, "Authorization: Bearer <JWT>");
    const { payload, protectedHeader } = await jwtVerify(jwt, jwks, {
      issuer: "https://api.botframework.com",
      audience: M.botA,
      currentDate: new Date(w.clock.now()),
      algorithms: ["RS256"],
    });
    assert.equal(payload.tid, M.tenantId);
    assert.ok(typeof payload.exp === "number" && typeof payload.nbf === "number");
    assert.equal(protectedHeader.alg, "RS256");
  }
  // A token for another app, or signed by another key, would not verify.
  const first = /^Bearer (\S+)$/.exec(bot.received[0]!.authorization!)![1]!;
  await assert.rejects(
    jwtVerify(first, jwks, { audience: M.botB, currentDate: new Date(w.clock.now()) }),
  );
  const entraKeys = createLocalJWKSet(
    await (await fetch(`${w.emulator.authorityUrl}/${M.tenantId}/discovery/v2.0/keys`)).json(),
  );
  await assert.rejects(jwtVerify(first, entraKeys, { currentDate: new Date(w.clock.now()) }));

  // The admin API shows the deliveries, without any token.
  const deliveries = await (await fetch(`${w.emulator.adminUrl}/notifications`)).json();
  assert.equal(deliveries.length, 6);
  assert.ok(deliveries.every((d: { status: string }) => d.status === "delivered"));
  assert.equal(deliveries[0].callbackUri, bot.url);
  assert.equal(deliveries[0].responseStatus, 202);
  const text = JSON.stringify(deliveries);
  assert.ok(!text.includes(first) && !/eyJ[\w-]+\.eyJ/.test(text), "no JWT in the delivery log");
});

Deno.test("a dead or hanging callback never blocks Graph; deliveries are retried a bounded number of times and the call goes on", async () => {
  const { promise: release, resolve: letGo } = Promise.withResolvers<void>();
  await using hanging = callbackServer(async () => {
    await release;
    return new Response(null, { status: 200 });
  });
  await using w = await startMeetingWorld();
  w.emulator.setSettings({ notificationRetries: 2, notificationTimeoutMs: 200 });
  const token = await secretToken(w.emulator, M.botA);
  const t0 = performance.now();
  const call = await join(w.emulator, token, joinByOrganizer({ callbackUri: hanging.url }));
  const joinMs = performance.now() - t0;
  assert.equal(call.state, "establishing");
  assert.ok(joinMs < 200, `the join answered while its notification was pending (${joinMs} ms)`);
  assert.equal(w.emulator.deliveries[0]!.status, "pending");
  await w.emulator.notificationsIdle();
  const [first] = w.emulator.deliveries;
  assert.equal(first!.status, "failed");
  assert.equal(first!.attempts, 3);
  assert.equal(first!.error, "timeout");
  // By default ("ignore") the call goes on.
  w.clock.advance(100);
  assert.equal(await callState(w.emulator, token, call.id), "established");
  letGo();
  // A refused connection fails the same bounded way.
  const closed = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const deadUrl = `http://127.0.0.1:${(closed.addr as Deno.NetAddr).port}/cb`;
  closed.close();
  const other = await join(w.emulator, token, joinByOrganizer({ callbackUri: deadUrl }));
  await w.emulator.notificationsIdle();
  const dead = w.emulator.deliveries.find((d) => d.callId === other.id)!;
  assert.deepEqual([dead.status, dead.attempts, dead.error], ["failed", 3, "connection"]);
});

Deno.test("with callbackFailure terminate, a call whose notifications all fail ends", async () => {
  await using w = await startMeetingWorld({ callbackFailure: "terminate" });
  w.emulator.setSettings({ notificationRetries: 1 });
  const token = await secretToken(w.emulator, M.botA);
  const closed = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const deadUrl = `http://127.0.0.1:${(closed.addr as Deno.NetAddr).port}/cb`;
  closed.close();
  const call = await join(w.emulator, token, joinByOrganizer({ callbackUri: deadUrl }));
  await w.emulator.notificationsIdle();
  assert.equal(await callState(w.emulator, token, call.id), 404);
  const snap = w.emulator.state.snapshot().tenants[0]!.calls.find((c) => c.id === call.id)!;
  assert.equal(snap.state, "terminated");
  assert.equal(snap.resultInfo?.code, 500);
  assert.equal(snap.resultInfo?.subcode, 7117);
});

Deno.test("with the real clock a call becomes established and says so to its callback without any request", async () => {
  await using bot = callbackServer();
  await using w = await startMeetingWorld({ clock: undefined, joinDelayMs: 30 });
  const token = await secretToken(w.emulator, M.botA);
  const call = await join(w.emulator, token, joinByOrganizer({ callbackUri: bot.url }));
  // establishing, established, roster: sent by the emulator's own wake-up timer.
  await bot.until(3);
  const seen = items(bot.received);
  assert.deepEqual(seen.slice(0, 2).map((s) => s.state), ["establishing", "established"]);
  assert.ok(seen[2]!.resourceUrl.endsWith("/participants"));
  assert.equal(
    decodeJwt(/^Bearer (\S+)$/.exec(bot.received[0]!.authorization!)![1]!).aud,
    M.botA,
  );
  assert.equal(await callState(w.emulator, token, call.id), "established");
});

Deno.test("an invitation's finished operation is notified with the CSDL status, after the roster", async () => {
  await using bot = callbackServer();
  await using w = await startMeetingWorld();
  const token = await secretToken(w.emulator, M.botA);
  const call = await join(w.emulator, token, joinByOrganizer({ callbackUri: bot.url }));
  w.clock.advance(100);
  const r = await graph(
    w.emulator,
    "POST",
    `/communications/calls/${call.id}/participants/invite`,
    token,
    {
      participants: [{
        identity: { user: { id: M.organizer, identityProvider: "AAD" } },
        participantId: "0aa0aa0a-0000-4000-8000-000000000001",
      }],
      clientContext: "invite-olga",
    },
  );
  assert.equal(r.status, 200);
  const op = await r.json();
  assert.equal(op.status, "Running");
  w.clock.advance(1000);
  assert.equal(await callState(w.emulator, token, call.id), "established");
  await w.emulator.notificationsIdle();
  const seen = items(bot.received);
  const opItem = seen.find((s) => s.resourceUrl.endsWith(`/operations/${op.id}`))!;
  assert.equal(opItem.changeType, "deleted");
  assert.equal((opItem.resourceData as { status: string }).status, "Completed");
  const rosters = seen.filter((s) => s.resourceUrl.endsWith("/participants"));
  const lastRoster = (rosters.at(-1)!.resourceData as { id: string }[]).map((p) => p.id);
  assert.ok(lastRoster.includes("0aa0aa0a-0000-4000-8000-000000000001"));
});
