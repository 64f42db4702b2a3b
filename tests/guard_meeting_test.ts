/**
 * The meeting guard through the library, on the emulator, with an injected clock and an abort
 * signal: the banned person is removed at once and each time they come back, others are left
 * alone, no participant id is removed twice, and the app hangs up on the way out.
 */

import assert from "node:assert/strict";
import { connect } from "../lib/graph/connect.ts";
import type { GuardEvent } from "../lib/graph/guard_meeting.ts";
import { InvalidInputError } from "../lib/errors.ts";
import type { Emulator } from "../lib/emulator/mod.ts";
import {
  graph as graphRequest,
  join,
  M,
  secretToken,
  startMeetingWorld,
} from "./support/meeting_world.ts";
import type { FakeClock } from "./support/graph_fixtures.ts";

const LINK = `https://teams.microsoft.com/l/meetup-join/${
  encodeURIComponent(M.threadId)
}/0?context=${encodeURIComponent(JSON.stringify({ Tid: M.tenantId, Oid: M.organizer }))}`;

function client(world: { emulator: Emulator; clock: FakeClock }) {
  return connect({
    tenantId: M.tenantId,
    clientId: M.botA,
    clientSecret: M.secret,
    emulatorUrl: world.emulator.graphUrl,
    now: world.clock.now,
    sleep: world.clock.sleep,
    env: {},
  });
}

function deletesPerParticipant(emulator: Emulator): Map<string, number> {
  const counts = new Map<string, number>();
  for (const r of emulator.requests) {
    const m = /\/participants\/([^/]+)$/.exec(r.path);
    if (r.method === "DELETE" && m) counts.set(m[1]!, (counts.get(m[1]!) ?? 0) + 1);
  }
  return counts;
}

function liveCalls(emulator: Emulator): number {
  const state = emulator.state.snapshot() as {
    tenants: { calls: { appId?: string; state: string }[] }[];
  };
  return state.tenants.flatMap((t) => t.calls).filter((c) =>
    c.appId?.toLowerCase() === M.botA && c.state !== "terminated"
  ).length;
}

Deno.test("the guard removes a banned user at once and each time they rejoin, and leaves others alone", async () => {
  await using world = await startMeetingWorld();
  const graph = await client(world);
  const stop = new AbortController();
  const events: GuardEvent[] = [];
  let rejoins = 0;
  let bystander = "";
  const summary = await graph.guardMeeting(LINK, { users: ["adele@contoso.onmicrosoft.com"] }, {
    signal: stop.signal,
    keepAliveIntervalMs: 0, // keep-alives have their own test; here they would move the shared clock
    pollIntervalMs: 1000,
    onEvent: (e) => {
      events.push(e);
      if (e.type !== "removed") return;
      if (rejoins < 2) {
        rejoins++;
        world.emulator.addAttendee(M.tenantId, "allhands", { user: M.adele });
        if (!bystander) {
          bystander = world.emulator.addAttendee(M.tenantId, "allhands", { user: M.organizer });
        }
      } else {
        stop.abort();
      }
    },
  });
  const removed = events.filter((e) => e.type === "removed");
  assert.equal(removed.length, 3, "present at start, then each of two rejoins");
  assert.ok(removed.every((e) => e.type === "removed" && e.who === "Adele Vance"));
  assert.deepEqual(summary.byPerson, { "Adele Vance": 3 });
  assert.equal(events[0]!.type, "joined");
  assert.equal(events.at(-1)!.type, "left");
  // each removal followed its rejoin within one poll interval on the injected clock
  for (let i = 1; i < removed.length; i++) {
    assert.ok(
      removed[i]!.at - removed[i - 1]!.at <= 2000,
      `${removed[i]!.at - removed[i - 1]!.at} ms`,
    );
  }
  const deletes = deletesPerParticipant(world.emulator);
  assert.ok([...deletes.values()].every((n) => n === 1), "no participant id got two DELETEs");
  assert.ok(!deletes.has(bystander), "the organizer was left alone");
  assert.equal(liveCalls(world.emulator), 0, "the app hung up");
});

Deno.test("phone numbers, display-name patterns and anonymous guests are guarded too", async () => {
  await using world = await startMeetingWorld();
  const graph = await client(world);
  const stop = new AbortController();
  const who: string[] = [];
  await graph.guardMeeting(LINK, { phones: ["+14255550100"], displayNames: ["vis*"] }, {
    signal: stop.signal,
    keepAliveIntervalMs: 0, // keep-alives have their own test; here they would move the shared clock
    onEvent: (e) => {
      if (e.type === "removed") who.push(e.rule);
      if (who.length === 2) stop.abort();
    },
  });
  assert.deepEqual(who.sort(), ['display name "vis*"', "phone +14255550100"]);
  const guests = new AbortController();
  const rules: string[] = [];
  world.emulator.addAttendee(M.tenantId, "allhands", {
    identity: { guest: { id: "c0ffee00-0000-4000-8000-00000000000a", displayName: "Someone" } },
  });
  await graph.guardMeeting(LINK, { guests: true }, {
    signal: guests.signal,
    keepAliveIntervalMs: 0,
    onEvent: (e) => {
      if (e.type === "removed") rules.push(e.rule);
      if (e.type === "joined" && rules.length > 0) guests.abort();
      if (rules.length === 1) guests.abort();
    },
  });
  assert.deepEqual(rules, ["anonymous guest"]);
});

Deno.test("the guard's own call ending is reported; with rejoin it joins again", async () => {
  await using world = await startMeetingWorld();
  const graph = await client(world);
  // another bot, in the same meeting, that will remove the guard's own leg
  const tokenB = await secretToken(world.emulator, M.botB);
  const callB = await join(world.emulator, tokenB);
  const stop = new AbortController();
  const types: string[] = [];
  let kicked: Promise<void> | undefined;
  const summary = await graph.guardMeeting(LINK, { users: [M.adele] }, {
    signal: stop.signal,
    keepAliveIntervalMs: 0, // keep-alives have their own test; here they would move the shared clock
    rejoin: true,
    onEvent: (e) => {
      types.push(e.type);
      if (e.type === "removed" && !kicked) {
        const state = world.emulator.state.snapshot() as {
          tenants: { calls: { id: string; myParticipantId?: string }[] }[];
        };
        const mine = state.tenants[0]!.calls.find((c) => c.id === e.callId)!.myParticipantId!;
        kicked = graphRequest(
          world.emulator,
          "DELETE",
          `/communications/calls/${callB.id}/participants/${mine}`,
          tokenB,
        ).then((r) => r.body?.cancel());
      }
      if (e.type === "joined" && types.filter((t) => t === "joined").length === 2) stop.abort();
    },
  });
  await kicked;
  assert.ok(types.includes("callEnded"), types.join(","));
  assert.ok(types.includes("rejoining"), types.join(","));
  assert.equal(summary.callIds.length, 2);
  assert.equal(liveCalls(world.emulator), 0);
});

Deno.test("guard rules are checked before anything is sent; a display name is never implied", async () => {
  await using world = await startMeetingWorld();
  const graph = await client(world);
  world.emulator.clearRequests();
  for (
    const rules of [{}, { phones: ["12345"] }, { users: ["not a user"] }, {
      allowTenants: ["x"],
    }]
  ) {
    await assert.rejects(graph.guardMeeting(LINK, rules), InvalidInputError);
  }
  assert.equal(world.emulator.requests.length, 0);
});

Deno.test("with a listener, a rejoin is removed from the roster notification, without waiting for a poll", async () => {
  await using world = await startMeetingWorld({ clock: Date.now, joinDelayMs: 0 });
  const { listenForNotifications } = await import("../lib/graph/notification_listener.ts");
  const listener = await listenForNotifications({
    appId: M.botA,
    keys: world.emulator.notificationJwksUrl,
  });
  try {
    const graph = await connect({
      tenantId: M.tenantId,
      clientId: M.botA,
      clientSecret: M.secret,
      emulatorUrl: world.emulator.graphUrl,
      callbackUri: listener.url,
      env: {},
    });
    const stop = new AbortController();
    let rejoinedAt = 0;
    let latency = -1;
    let removals = 0;
    await graph.guardMeeting(LINK, { users: [M.adele] }, {
      signal: stop.signal,
      pollIntervalMs: 60_000, // a poll would come far too late: only the notification can do it
      keepAliveIntervalMs: 0,
      notifications: listener,
      rosterNotifications: listener,
      onEvent: (e) => {
        if (e.type !== "removed") return;
        removals++;
        if (removals === 1) {
          rejoinedAt = performance.now();
          world.emulator.addAttendee(M.tenantId, "allhands", { user: M.adele });
        } else {
          latency = performance.now() - rejoinedAt;
          stop.abort();
        }
      },
    });
    assert.equal(removals, 2);
    assert.ok(latency >= 0 && latency < 5000, `removed ${Math.round(latency)} ms after the rejoin`);
    assert.ok(listener.accepted > 0);
  } finally {
    await listener.close();
  }
});
