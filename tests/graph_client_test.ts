import assert from "node:assert/strict";
import { GraphcallError, GraphError, InvalidInputError } from "../lib/errors.ts";
import { application, guest, phone, user } from "../lib/graph/identities.ts";
import type { GraphTraceEvent } from "../lib/graph/graph_http.ts";
import { appCertificate, IDS, strangerCertificate, tenantSpec } from "./support/tenant.ts";
import { connectTo, emulatorSuite } from "./support/graph_fixtures.ts";

const step = emulatorSuite("the participants API against the emulator");

const BOB = "5b1f3c3e-8e0a-4a55-9f7c-1c2d3e4f5a6b";
const CAROL = "6c2f4d4f-9f1b-4b66-8a8d-2d3e4f5a6b7c";
const DAN = "7d3a5e5a-0a2c-4c77-9b9e-3e4f5a6b7c8d";
const USERS = [
  { id: IDS.adeleUser, displayName: "Adele Vance" },
  { id: BOB, displayName: "Bob", answer: "accept" as const, answerAfterMs: 1500 },
  { id: CAROL, displayName: "Carol", answer: "decline" as const, answerAfterMs: 3000 },
  { id: DAN, displayName: "Dan", answer: "noAnswer" as const },
];

function roster(s: { emulator: { state: { tenant(id: string): unknown } } }) {
  // deno-lint-ignore no-explicit-any
  return (s.emulator.state.tenant(IDS.tenantId) as any).calls.get(IDS.callId).participants as Map<
    string,
    unknown
  >;
}

step(
  "remove drops a participant and returns the request ids; a first 404 is not_found",
  async (s) => {
    const graph = await connectTo(s.emulator, s.cert, { now: s.clock.now, sleep: s.clock.sleep });
    const r = await graph.call(IDS.callId).remove(IDS.adele);
    assert.equal(r.status, 204);
    assert.equal(r.alreadyRemoved, false);
    assert.match(r.clientRequestId, /^[0-9a-f-]{36}$/);
    assert.match(r.requestId!, /^[0-9a-f-]{36}$/);
    assert.ok(r.date);
    assert.equal(roster(s).has(IDS.adele), false);
    await assert.rejects(graph.call(IDS.callId).remove(IDS.adele), (e: unknown) => {
      assert.ok(e instanceof GraphError);
      assert.equal(e.code, "not_found");
      assert.equal(e.status, 404);
      assert.equal(e.graphCode, "itemNotFound");
      assert.match(e.requestId!, /^[0-9a-f-]{36}$/);
      assert.match(e.clientRequestId!, /^[0-9a-f-]{36}$/);
      assert.ok(e.date);
      return true;
    });
  },
);

step("requests carry a GUID client-request-id, the User-Agent and a redacted trace", async (s) => {
  const events: GraphTraceEvent[] = [];
  const graph = await connectTo(s.emulator, s.cert, { onTrace: (e) => events.push(e) });
  const r = await graph.call(IDS.callId).remove(IDS.adele);
  const request = events.find((e) => e.type === "request")!;
  assert.equal(request.method, "DELETE");
  assert.equal(request.headers!["authorization"], "Bearer [REDACTED]");
  assert.match(request.headers!["user-agent"]!, /^graphcall\/\d+\.\d+\.\d+/);
  assert.equal(request.headers!["client-request-id"], r.clientRequestId);
  const response = events.find((e) => e.type === "response")!;
  assert.equal(response.status, 204);
  assert.equal(response.headers!["client-request-id"], r.clientRequestId);
  const token = (await graph.credential.getToken()).token;
  assert.ok(!JSON.stringify(events).includes(token));
  const logged = s.emulator.requests.at(-1)!;
  assert.equal(logged.clientRequestId, r.clientRequestId);
});

step("path-injection attempts are refused before anything is sent, naming the field", async (s) => {
  const graph = await connectTo(s.emulator, s.cert);
  const before = s.emulator.requests.length;
  for (
    const bad of ["../../users", "a/b", "x?y=1", "x#y", "%2e%2e", "a b", "a\nb", "..", "a\u202eb"]
  ) {
    await assert.rejects(
      graph.call(IDS.callId).remove(bad),
      (e: unknown) => e instanceof InvalidInputError && e.field === "participantId",
      JSON.stringify(bad),
    );
    assert.throws(
      () => graph.call(bad),
      (e: unknown) => e instanceof InvalidInputError && e.field === "callId",
    );
  }
  await assert.rejects(
    graph.call(IDS.callId).invite([user(BOB)], { participantId: "../x" }),
    (e: unknown) => e instanceof InvalidInputError && e.field === "participantId",
  );
  await assert.rejects(
    graph.removeMany([{ callId: IDS.callId, participantId: IDS.adele }, {
      callId: IDS.callId,
      participantId: "a/../b",
    }]),
    (e: unknown) => e instanceof InvalidInputError && e.field === "items[1].participantId",
  );
  assert.equal(s.emulator.requests.length, before);
  assert.equal(roster(s).has(IDS.adele), true);
});

step("dryRun returns the exact request and sends nothing, not even a token request", async (s) => {
  const tokensBefore = s.emulator.tokenRequests.get(IDS.clientId) ?? 0;
  const before = s.emulator.requests.length;
  const graph = await connectTo(s.emulator, s.cert);
  const call = graph.call(IDS.callId);
  const d = await call.remove(IDS.adele, { dryRun: true, ifMatch: 'W/"1"' });
  assert.equal(d.dryRun, true);
  assert.equal(d.request.method, "DELETE");
  assert.equal(
    d.request.url,
    `${s.emulator.graphUrl}/v1.0/communications/calls/${IDS.callId}/participants/${IDS.adele}`,
  );
  assert.equal(d.request.headers.authorization, "Bearer [REDACTED]");
  assert.equal(d.request.headers["if-match"], 'W/"1"');
  const inv = await call.invite([user(BOB)], { dryRun: true, clientContext: "c" });
  assert.equal(inv.request.method, "POST");
  const body = inv.request.body as { participants: { participantId: string }[] };
  assert.match(body.participants[0]!.participantId, /^[0-9a-f-]{36}$/);
  assert.equal((await call.mute(IDS.adele, { dryRun: true })).request.url.endsWith("/mute"), true);
  assert.equal((await call.participant(IDS.adele, { dryRun: true })).request.method, "GET");
  const bulk = await graph.removeMany([{ callId: IDS.callId, participantId: IDS.adele }], {
    dryRun: true,
  });
  assert.equal(bulk.requests.length, 1);
  assert.match((await call.removeAllExcept({ dryRun: true })).request.url, /participants$/);
  assert.equal(s.emulator.requests.length, before);
  assert.equal(s.emulator.tokenRequests.get(IDS.clientId) ?? 0, tokensBefore);
  assert.equal(roster(s).size, 2);
});

step("the China cloud is refused before sending, with the reason", async (s) => {
  const graph = await connectTo(s.emulator, s.cert, { cloud: "China" });
  const before = s.emulator.requests.length;
  for (
    const attempt of [
      () => graph.call(IDS.callId).remove(IDS.adele),
      () => graph.call(IDS.callId).remove(IDS.adele, { dryRun: true }),
      () => graph.call(IDS.callId).invite([user(BOB)]),
      () => graph.removeMany([{ callId: IDS.callId, participantId: IDS.adele }]),
    ]
  ) {
    await assert.rejects(attempt(), (e: unknown) => {
      assert.ok(e instanceof GraphcallError);
      assert.equal(e.code, "not_supported");
      assert.match(e.message, /not available in the China cloud/);
      return true;
    });
  }
  assert.equal(s.emulator.requests.length, before);
});

step(
  "participants() follows @odata.nextLink with $top and $select; participant(id) and mute",
  async (s) => {
    const graph = await connectTo(s.emulator, s.cert);
    const call = graph.call(IDS.callId);
    const all = [];
    for await (const p of call.participants({ top: 1, select: ["isMuted"] })) all.push(p);
    assert.deepEqual(all.map((p) => p.id), [IDS.adele, IDS.megan]);
    assert.deepEqual(Object.keys(all[0]!).sort(), ["id", "isMuted"]);
    const pages = s.emulator.requests.filter((r) =>
      r.method === "GET" && r.path.endsWith("/participants")
    );
    assert.equal(pages.length, 2);
    const one = await call.participant(IDS.adele);
    assert.equal(one.participant.id, IDS.adele);
    assert.ok(one.requestId);
    const m = await call.mute(IDS.adele, { clientContext: "quiet" });
    assert.equal(m.operation.clientContext, "quiet");
    assert.equal((await call.participant(IDS.adele)).participant.isMuted, true);
  },
);

step(
  "invite -> join -> remove, with waitForInvite polling the operation on the injected clock",
  async (s) => {
    await s.reset({ users: USERS });
    const graph = await connectTo(s.emulator, s.cert, { now: s.clock.now, sleep: s.clock.sleep });
    const call = graph.call(IDS.callId);
    const op = await call.invite([user(BOB, { displayName: "Bob" })], { clientContext: "join-1" });
    assert.equal(op.operation.status, "Running");
    assert.equal(op.operation.clientContext, "join-1");
    assert.ok(op.location?.endsWith(`/operations/${op.operationId}`));
    const pid = op.participants[0]!.participantId!;
    assert.match(pid, /^[0-9a-f-]{36}$/);
    const end = await call.waitForInvite(op, { pollIntervalMs: 500 });
    assert.equal(end.status, "completed");
    assert.equal(end.via, "operation");
    assert.deepEqual(s.clock.sleeps, [500, 500, 500]);
    assert.equal((await call.participant(pid)).participant.info?.identity?.user?.id, BOB);
    const removed = await call.remove(pid);
    assert.equal(removed.status, 204);
    assert.equal(roster(s).has(pid), false);
  },
);

step(
  "invite -> remove before joining cancels the invitation; waitForInvite ends failed with resultInfo",
  async (s) => {
    await s.reset({ users: USERS });
    const graph = await connectTo(s.emulator, s.cert, { now: s.clock.now, sleep: s.clock.sleep });
    const call = graph.call(IDS.callId);
    const pid = crypto.randomUUID();
    const op = await call.invite([user(BOB)], { participantId: pid });
    assert.equal(op.participants[0]!.participantId, pid);
    const removed = await call.remove(pid);
    assert.equal(removed.status, 204);
    const end = await call.waitForInvite(op);
    assert.equal(end.status, "failed");
    assert.equal(end.resultInfo?.code, 487);
    s.clock.advance(60_000);
    assert.equal(roster(s).has(pid), false);
    await assert.rejects(
      call.participant(pid),
      (e: unknown) => (e as GraphError).code === "not_found",
    );
  },
);

step("a decline and no answer end waitForInvite with the operation's resultInfo", async (s) => {
  await s.reset({ users: USERS });
  const graph = await connectTo(s.emulator, s.cert, { now: s.clock.now, sleep: s.clock.sleep });
  const call = graph.call(IDS.callId);
  const declined = await call.waitForInvite(await call.invite([user(CAROL)]));
  assert.equal(declined.status, "failed");
  assert.equal(declined.resultInfo?.code, 603);
  assert.match(declined.resultInfo?.message ?? "", /declined/);
  const unanswered = await call.waitForInvite(await call.invite([user(DAN)]));
  assert.equal(unanswered.status, "failed");
  assert.equal(unanswered.resultInfo?.code, 408);
  const short = await call.waitForInvite(await call.invite([user(DAN)]), { timeoutMs: 5000 });
  assert.equal(short.status, "timedOut");
  assert.equal(String(short.operation?.status).toLowerCase(), "running");
});

step("identity builders and raw bodies are checked before sending, naming the field", async (s) => {
  const graph = await connectTo(s.emulator, s.cert);
  const call = graph.call(IDS.callId);
  const before = s.emulator.requests.length;
  assert.throws(() => phone("0123456"), (e: unknown) => (e as InvalidInputError).field === "phone");
  assert.throws(
    () => user("not-a-guid"),
    (e: unknown) => (e as InvalidInputError).field === "user",
  );
  assert.throws(
    () => application("x"),
    (e: unknown) => (e as InvalidInputError).field === "application",
  );
  assert.throws(() => guest("", "g1"), InvalidInputError);
  await assert.rejects(
    call.invite([user(BOB)], { clientContext: "x".repeat(257) }),
    (e: unknown) => (e as InvalidInputError).field === "clientContext",
  );
  await assert.rejects(
    call.invite([user(BOB), user(CAROL)], { participantId: crypto.randomUUID() }),
    (e: unknown) => (e as InvalidInputError).field === "participantId",
  );
  const raws: [unknown, string][] = [
    [{ participants: [] }, "participants"],
    [{ participants: [{ identity: { user: { id: BOB } }, colour: 1 }] }, "participants[0].colour"],
    [
      { participants: [{ identity: { phone: { id: "555" } } }] },
      "participants[0].identity.phone.id",
    ],
    [{ participants: [{ identity: {} }] }, "participants[0].identity"],
    [
      { participants: [{ identity: { user: { id: BOB } }, endpointType: "default" }] },
      "participants[0].endpointType",
    ],
    [
      { participants: [{ identity: { user: { id: BOB } }, participantId: "a/b" }] },
      "participants[0].participantId",
    ],
    [{ participants: [{ identity: { user: { id: BOB } } }], extra: 1 }, "extra"],
  ];
  for (const [body, field] of raws) {
    await assert.rejects(call.inviteRaw(body), (e: unknown) => {
      assert.ok(e instanceof InvalidInputError, String(e));
      assert.equal(e.field, field);
      return true;
    });
  }
  assert.equal(s.emulator.requests.length, before);
  const ok = await call.inviteRaw({
    clientContext: "raw",
    participants: [{ identity: { phone: { id: "+14255550123" } }, participantId: "pstn-1" }],
  });
  assert.equal(ok.participants[0]!.participantId, "pstn-1");
});

step(
  "a 403 on remove with the removal role is policy_denied with the exact policy command",
  async (s) => {
    await s.reset({ allowRemoveParticipantAppIds: [] });
    const graph = await connectTo(s.emulator, s.cert);
    await assert.rejects(graph.call(IDS.callId).remove(IDS.adele), (e: unknown) => {
      assert.ok(e instanceof GraphError);
      assert.equal(e.code, "policy_denied");
      assert.equal(e.status, 403);
      assert.match(
        e.remediation!,
        new RegExp(
          `Set-CsApplicationMeetingConfiguration -AllowRemoveParticipantAppIds @\\{Add="${IDS.clientId}"\\}`,
        ),
      );
      return true;
    });
  },
);

step(
  "a 403 without the role is permission_missing naming the role and the admin-consent URL",
  async (s) => {
    const stranger = await strangerCertificate();
    await s.reset({
      apps: [...tenantSpec(await appCertificate()).apps!, {
        clientId: IDS.otherClientId,
        roles: ["Calls.Initiate.All"],
        certificates: [{ pem: stranger.certificatePem }],
      }],
      allowRemoveParticipantAppIds: [IDS.otherClientId],
    });
    const graph = await connectTo(s.emulator, stranger, { clientId: IDS.otherClientId });
    for (
      const [attempt, role] of [
        [() => graph.call(IDS.callId).remove(IDS.adele), "Calls.JoinGroupCall.All"],
        [() => graph.call(IDS.callId).invite([user(BOB)]), "Calls.InitiateGroupCall.All"],
      ] as const
    ) {
      await assert.rejects(attempt(), (e: unknown) => {
        assert.ok(e instanceof GraphError);
        assert.equal(e.code, "permission_missing");
        assert.ok(e.message.includes(role), e.message);
        assert.ok(e.remediation!.includes(role));
        assert.ok(e.remediation!.includes(`/adminconsent?client_id=${IDS.otherClientId}`));
        return true;
      });
    }
  },
);

step("a 401 renews the token once, then fails as unauthenticated", async (s) => {
  const graph = await connectTo(s.emulator, s.cert);
  const real = graph.credential;
  const { GraphHttp } = await import("../lib/graph/graph_http.ts");
  const asked: boolean[] = [];
  const stale = {
    kind: "test",
    source: "test",
    getToken: async (o: { forceRefresh?: boolean } = {}) => {
      asked.push(!!o.forceRefresh);
      return o.forceRefresh ? await real.getToken() : { token: "stale.token.value", expiresAt: 0 };
    },
  };
  const http = new GraphHttp({ graphUrl: s.emulator.graphUrl, credential: stale });
  const path = `/communications/calls/${IDS.callId}/participants`;
  const ok = await http.send({ method: "GET", path });
  assert.equal(ok.status, 200);
  assert.deepEqual(asked, [false, true]);
  const never = new GraphHttp({
    graphUrl: s.emulator.graphUrl,
    credential: {
      kind: "t",
      source: "t",
      getToken: () => Promise.resolve({ token: "bad", expiresAt: 0 }),
    },
  });
  const before = s.emulator.requests.length;
  await assert.rejects(never.send({ method: "GET", path }), (e: unknown) => {
    assert.equal((e as GraphError).code, "unauthenticated");
    assert.equal((e as GraphError).status, 401);
    return true;
  });
  assert.equal(s.emulator.requests.length - before, 2);
});

step("beta is opt-in and reaches /beta", async (s) => {
  const graph = await connectTo(s.emulator, s.cert, { graphVersion: "beta" });
  const all = [];
  for await (const p of graph.call(IDS.callId).participants()) all.push(p.id);
  assert.equal(all.length, 2);
  assert.ok(s.emulator.requests.at(-1)!.path.startsWith("/beta/"));
});
