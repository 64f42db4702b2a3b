import assert from "node:assert/strict";
import { decodeJwt, generateKeyPair, SignJWT } from "npm:jose@^6.2";
import {
  ALL_ROLES,
  appCertificate,
  IDS,
  startTestEmulator,
  strangerCertificate,
  tenantSpec,
} from "./support/tenant.ts";
import { CALL_PATH, emulatorSuite, graphFetch, tokenFor } from "./support/graph_fixtures.ts";

const step = emulatorSuite("the emulated Graph");

const ADELE_USER = IDS.adeleUser;
const BOB = "5b1f3c3e-8e0a-4a55-9f7c-1c2d3e4f5a6b";
const CAROL = "6c2f4d4f-9f1b-4b66-8a8d-2d3e4f5a6b7c";

async function expectEnvelope(r: Response, status: number, code: string, crid?: string) {
  assert.equal(r.status, status);
  const body = await r.json();
  assert.equal(body.error.code, code);
  assert.equal(typeof body.error.message, "string");
  assert.match(body.error.innerError["request-id"], /^[0-9a-f-]{36}$/);
  assert.equal(body.error.innerError["request-id"], r.headers.get("request-id"));
  assert.ok(body.error.innerError.date);
  assert.ok(r.headers.get("date"));
  if (crid) {
    assert.equal(body.error.innerError["client-request-id"], crid);
    assert.equal(r.headers.get("client-request-id"), crid);
  }
  return body;
}

step("the participants list has @odata.context and value, on v1.0 and beta", async (s) => {
  const token = await tokenFor(s.emulator, s.cert);
  for (const version of ["v1.0", "beta"]) {
    const r = await graphFetch(
      s.emulator,
      `/${version}/communications/calls/${IDS.callId}/participants`,
      { token },
    );
    assert.equal(r.status, 200);
    const body = await r.json();
    assert.match(body["@odata.context"], /\$metadata#communications\/calls\('.+'\)\/participants$/);
    assert.deepEqual(body.value.map((p: { id: string }) => p.id), [IDS.adele, IDS.megan]);
    assert.equal(body.value[0].info.identity.user.id, ADELE_USER);
  }
});

step(
  "a participant is read by id, and an unknown one is 404 itemNotFound echoing client-request-id",
  async (s) => {
    const token = await tokenFor(s.emulator, s.cert);
    const ok = await graphFetch(s.emulator, `${CALL_PATH}/${IDS.adele}`, { token });
    assert.equal(ok.status, 200);
    const p = await ok.json();
    assert.equal(p.id, IDS.adele);
    assert.match(p["@odata.context"], /participants\/\$entity$/);
    const crid = crypto.randomUUID();
    const missing = await graphFetch(s.emulator, `${CALL_PATH}/nobody`, {
      token,
      headers: { "client-request-id": crid },
    });
    await expectEnvelope(missing, 404, "itemNotFound", crid);
  },
);

step("every bad token is refused with 401 in Graph's envelope", async (s) => {
  const clock = s.clock;
  const token = await tokenFor(s.emulator, s.cert, { now: clock.now });
  const claims = decodeJwt(token);
  const { privateKey } = await generateKeyPair("RS256");
  const foreign = await new SignJWT(claims).setProtectedHeader({ alg: "RS256" }).sign(privateKey);
  const b64 = (o: unknown) =>
    btoa(JSON.stringify(o)).replace(/=+$/, "").replace(/\+/g, "-").replace(/\//g, "_");
  const none = `${b64({ alg: "none", typ: "JWT" })}.${b64(claims)}.`;
  const crid = crypto.randomUUID();
  const cases: [string, Record<string, string>][] = [
    ["missing", {}],
    ["malformed", { authorization: "Bearer not-a-jwt" }],
    ["not bearer", { authorization: `Basic ${token}` }],
    ["foreign-signed", { authorization: `Bearer ${foreign}` }],
    ["alg none", { authorization: `Bearer ${none}` }],
  ];
  for (const [name, headers] of cases) {
    const r = await graphFetch(s.emulator, CALL_PATH, {
      headers: { ...headers, "client-request-id": crid },
    });
    await expectEnvelope(r, 401, "InvalidAuthenticationToken", crid).catch((e) => {
      throw new Error(`${name}: ${e.message}`);
    });
  }
  // Wrong cloud (and so wrong audience): the tenant moves to USGov; its Global-audience token fails.
  const tenant = s.emulator.state.tenant(IDS.tenantId)!;
  tenant.cloud = "USGov";
  const wrongCloud = await graphFetch(s.emulator, CALL_PATH, { token });
  const body = await expectEnvelope(wrongCloud, 401, "InvalidAuthenticationToken");
  assert.match(body.error.message, /audience/);
  tenant.cloud = "Global";
  assert.equal((await graphFetch(s.emulator, CALL_PATH, { token })).status, 200);
  // Expired: the emulator's clock moves past the token's lifetime.
  clock.advance(3600 * 1000);
  const expired = await graphFetch(s.emulator, CALL_PATH, { token });
  const eb = await expectEnvelope(expired, 401, "InvalidAuthenticationToken");
  assert.match(eb.error.message, /expired/);
});

step("a token without the operation's role is 403 naming the roles", async (s) => {
  const stranger = await strangerCertificate();
  const base = tenantSpec(await appCertificate());
  await s.reset({
    apps: [
      ...base.apps!,
      {
        clientId: IDS.otherClientId,
        roles: ["Calls.Initiate.All"],
        certificates: [{ pem: stranger.certificatePem }],
      },
    ],
    // The call is the other app's own leg: listing needs no role beyond owning it.
    calls: [{ ...base.calls![0]!, appId: IDS.otherClientId }],
  });
  const token = await tokenFor(s.emulator, stranger, { clientId: IDS.otherClientId });
  assert.equal((await graphFetch(s.emulator, CALL_PATH, { token })).status, 200);
  const r = await graphFetch(s.emulator, `${CALL_PATH}/${IDS.adele}`, { token, method: "DELETE" });
  const body = await expectEnvelope(r, 403, "Forbidden");
  assert.match(body.error.message, /Calls\.JoinGroupCall\.All/);
  const invite = await graphFetch(s.emulator, `${CALL_PATH}/invite`, {
    token,
    method: "POST",
    body: { participants: [{ identity: { user: { id: BOB } } }] },
  });
  const ib = await expectEnvelope(invite, 403, "Forbidden");
  assert.match(ib.error.message, /Calls\.InitiateGroupCall\.All/);
});

Deno.test("a removal by an app outside allowRemoveParticipantAppIds gets the configured refusal", async () => {
  await using t = await startTestEmulator({
    tenant: { allowRemoveParticipantAppIds: [] },
    policyDenial: { status: 403, code: "7505", message: "Not allowed by the meeting policy." },
  });
  const token = await tokenFor(t.emulator, t.cert);
  const r = await graphFetch(t.emulator, `${CALL_PATH}/${IDS.adele}`, { token, method: "DELETE" });
  const body = await expectEnvelope(r, 403, "7505");
  assert.equal(body.error.message, "Not allowed by the meeting policy.");
  assert.ok(
    t.emulator.state.tenant(IDS.tenantId)!.calls.get(IDS.callId)!.participants.has(IDS.adele),
  );
});

function inviteBody(userId: string, participantId?: string, extra: Record<string, unknown> = {}) {
  return {
    clientContext: "ctx-1",
    participants: [{
      "@odata.type": "#microsoft.graph.invitationParticipantInfo",
      identity: { user: { id: userId, identityProvider: "AAD" } },
      ...(participantId ? { participantId } : {}),
      ...extra,
    }],
  };
}

function usersSpec() {
  return [
    { id: ADELE_USER, displayName: "Adele Vance" },
    { id: BOB, displayName: "Bob", answer: "accept" as const, answerAfterMs: 500 },
    { id: CAROL, displayName: "Carol", answer: "decline" as const, answerAfterMs: 2000 },
    { id: "7d3a5e5a-0a2c-4c77-9b9e-3e4f5a6b7c8d", answer: "noAnswer" as const },
  ];
}

step(
  "invite -> join -> remove: Location, a Running operation, the roster changes on the emulator's clock",
  async (s) => {
    await s.reset({ users: usersSpec() });
    const clock = s.clock;
    const token = await tokenFor(s.emulator, s.cert, { now: clock.now });
    const pid = crypto.randomUUID();
    const r = await graphFetch(s.emulator, `${CALL_PATH}/invite`, {
      token,
      method: "POST",
      body: inviteBody(BOB, pid),
    });
    assert.equal(r.status, 200);
    const op = await r.json();
    assert.equal(op["@odata.type"], "#microsoft.graph.inviteParticipantsOperation");
    assert.equal(op.status, "Running");
    assert.match(op["@odata.context"], /\$metadata#microsoft\.graph\.inviteParticipantsOperation$/);
    assert.equal(op.clientContext, "ctx-1");
    assert.equal(op.participants[0].identity.user.id, BOB);
    assert.equal(
      r.headers.get("location"),
      `${s.emulator.graphUrl}/v1.0/communications/calls/${IDS.callId}/operations/${op.id}`,
    );
    const opPath = `/v1.0/communications/calls/${IDS.callId}/operations/${op.id}`;
    assert.equal((await graphFetch(s.emulator, `${CALL_PATH}/${pid}`, { token })).status, 404);
    assert.equal(
      (await (await graphFetch(s.emulator, opPath, { token })).json()).status,
      "Running",
    );
    clock.advance(499);
    assert.equal((await graphFetch(s.emulator, `${CALL_PATH}/${pid}`, { token })).status, 404);
    clock.advance(1);
    const joined = await graphFetch(s.emulator, `${CALL_PATH}/${pid}`, { token });
    assert.equal(joined.status, 200);
    assert.equal((await joined.json()).info.identity.user.id, BOB);
    const done = await (await graphFetch(s.emulator, opPath, { token })).json();
    assert.equal(done.status, "Completed");
    const del = await graphFetch(s.emulator, `${CALL_PATH}/${pid}`, { token, method: "DELETE" });
    assert.equal(del.status, 204);
    assert.equal(await del.text(), "");
    assert.equal((await graphFetch(s.emulator, `${CALL_PATH}/${pid}`, { token })).status, 404);
  },
);

step(
  "invite with a participantId, then DELETE before joining, cancels the invitation (Graph's example 2)",
  async (s) => {
    await s.reset({ users: usersSpec() });
    const clock = s.clock;
    const token = await tokenFor(s.emulator, s.cert, { now: clock.now });
    const pid = crypto.randomUUID();
    const op = await (await graphFetch(s.emulator, `${CALL_PATH}/invite`, {
      token,
      method: "POST",
      body: inviteBody(BOB, pid),
    })).json();
    clock.advance(100);
    const del = await graphFetch(s.emulator, `${CALL_PATH}/${pid}`, { token, method: "DELETE" });
    assert.equal(del.status, 204);
    clock.advance(10_000);
    assert.equal((await graphFetch(s.emulator, `${CALL_PATH}/${pid}`, { token })).status, 404);
    const after = await (await graphFetch(
      s.emulator,
      `/v1.0/communications/calls/${IDS.callId}/operations/${op.id}`,
      { token },
    )).json();
    assert.equal(after.status, "Failed");
    assert.equal(after.resultInfo.code, 487);
    // A second DELETE finds nothing.
    const again = await graphFetch(s.emulator, `${CALL_PATH}/${pid}`, { token, method: "DELETE" });
    await expectEnvelope(again, 404, "itemNotFound");
  },
);

step(
  "a declined invitation and an unanswered one fail their operation with a resultInfo",
  async (s) => {
    await s.reset({ users: usersSpec() });
    const clock = s.clock;
    const token = await tokenFor(s.emulator, s.cert, { now: clock.now });
    const invite = async (userId: string) =>
      (await (await graphFetch(s.emulator, `${CALL_PATH}/invite`, {
        token,
        method: "POST",
        body: inviteBody(userId),
      })).json()).id as string;
    const declineOp = await invite(CAROL);
    const noAnswerOp = await invite("7d3a5e5a-0a2c-4c77-9b9e-3e4f5a6b7c8d");
    const read = async (id: string) =>
      await (await graphFetch(
        s.emulator,
        `/v1.0/communications/calls/${IDS.callId}/operations/${id}`,
        {
          token,
        },
      )).json();
    clock.advance(2000);
    const declined = await read(declineOp);
    assert.equal(declined.status, "Failed");
    assert.equal(declined.resultInfo.code, 603);
    assert.equal(typeof declined.resultInfo.subcode, "number");
    assert.match(declined.resultInfo.message, /declined.*DiagCode: 603#0/);
    assert.equal((await read(noAnswerOp)).status, "Running");
    clock.advance(58_000);
    const unanswered = await read(noAnswerOp);
    assert.equal(unanswered.status, "Failed");
    assert.equal(unanswered.resultInfo.code, 408);
    const roster = await (await graphFetch(s.emulator, CALL_PATH, { token })).json();
    assert.equal(roster.value.length, 2);
  },
);

step("invitations are checked as the reference describes", async (s) => {
  const token = await tokenFor(s.emulator, s.cert);
  const post = (body: unknown, version = "v1.0", headers: Record<string, string> = {}) =>
    graphFetch(s.emulator, `/${version}/communications/calls/${IDS.callId}/participants/invite`, {
      token,
      method: "POST",
      body,
      headers,
    });
  const cases: [unknown, RegExp][] = [
    [{ participants: [] }, /At least one participant/],
    [{ ...inviteBody(BOB), clientContext: "x".repeat(257) }, /256/],
    [inviteBody(BOB, undefined, { colour: "red" }), /'colour'/],
    [inviteBody(BOB, undefined, { endpointType: "default" }), /'endpointType'/],
    [{ participants: [{ identity: { phone: { id: "0123" } } }] }, /E\.164/],
    [{ participants: [{ identity: {} }] }, /at least one identity/],
    [{
      participants: [
        { identity: { application: { id: IDS.clientId } } },
        { identity: { application: { id: IDS.otherClientId } } },
      ],
    }, /more than one bot/],
  ];
  for (const [body, message] of cases) {
    const r = await post(body);
    const b = await expectEnvelope(r, 400, "BadRequest");
    assert.match(b.error.message, message);
  }
  assert.equal(
    (await post(inviteBody(BOB, undefined, { endpointType: "default" }), "beta")).status,
    200,
  );
  const pid = crypto.randomUUID();
  assert.equal((await post(inviteBody(BOB, pid))).status, 200);
  await expectEnvelope(await post(inviteBody(BOB, pid)), 409, "Conflict");
  const noType = await fetch(`${s.emulator.graphUrl}${CALL_PATH}/invite`, {
    method: "POST",
    headers: { authorization: `Bearer ${token}`, "content-type": "text/plain" },
    body: JSON.stringify(inviteBody(BOB)),
  });
  await expectEnvelope(noType, 415, "UnsupportedMediaType");
  // Every participant's replacesCallId is kept and echoed (the docs' example 2).
  const replaced = await post({
    participants: [
      { identity: { user: { id: BOB } }, replacesCallId: "a-call" },
      { identity: { user: { id: CAROL } }, replacesCallId: "b-call" },
    ],
  });
  assert.deepEqual(
    (await replaced.json()).participants.map((p: { replacesCallId: string }) => p.replacesCallId),
    ["a-call", "b-call"],
  );
  // Up to 5 participants in one invitation, as the docs state.
  const many = (n: number) => ({
    participants: Array.from({ length: n }, () => ({
      identity: { user: { id: crypto.randomUUID() } },
    })),
  });
  assert.equal((await post(many(5))).status, 200);
  const six = await expectEnvelope(await post(many(6)), 400, "BadRequest");
  assert.match(six.error.message, /At most 5/);
});

step(
  "mute sets isMuted and returns a muteParticipantOperation; unknown operations are 404",
  async (s) => {
    const token = await tokenFor(s.emulator, s.cert);
    const r = await graphFetch(s.emulator, `${CALL_PATH}/${IDS.adele}/mute`, {
      token,
      method: "POST",
      body: { clientContext: "m" },
    });
    assert.equal(r.status, 200);
    const op = await r.json();
    assert.equal(op["@odata.type"], "#microsoft.graph.muteParticipantOperation");
    assert.equal(op.clientContext, "m");
    assert.equal(
      (await (await graphFetch(s.emulator, `${CALL_PATH}/${IDS.adele}`, { token })).json()).isMuted,
      true,
    );
    const missing = await graphFetch(
      s.emulator,
      `/v1.0/communications/calls/${IDS.callId}/operations/nope`,
      { token },
    );
    await expectEnvelope(missing, 404, "itemNotFound");
  },
);

step(
  "$batch: at most 20, unique ids, dependsOn on a failure answers 424, items run as single requests",
  async (s) => {
    const token = await tokenFor(s.emulator, s.cert);
    const item = (id: string, pid: string, extra: Record<string, unknown> = {}) => ({
      id,
      method: "DELETE",
      url: `/communications/calls/${IDS.callId}/participants/${pid}`,
      ...extra,
    });
    const batch = (requests: unknown[]) =>
      graphFetch(s.emulator, "/v1.0/$batch", { token, method: "POST", body: { requests } });
    const tooMany = await batch(Array.from({ length: 21 }, (_, i) => item(String(i), `p${i}`)));
    assert.match((await expectEnvelope(tooMany, 400, "BadRequest")).error.message, /at most 20/);
    const dup = await batch([item("a", "x"), item("A", "y")]);
    assert.match((await expectEnvelope(dup, 400, "BadRequest")).error.message, /used twice/);
    const r = await batch([
      item("1", IDS.adele),
      item("2", "nobody"),
      item("3", IDS.megan, { dependsOn: ["2"] }),
      { id: "4", method: "GET", url: `/communications/calls/${IDS.callId}/participants` },
    ]);
    assert.equal(r.status, 200);
    const { responses } = await r.json();
    const byId = Object.fromEntries(responses.map((x: { id: string }) => [x.id, x]));
    assert.equal(byId["1"].status, 204);
    assert.equal(byId["2"].status, 404);
    assert.equal(byId["3"].status, 424);
    assert.equal(byId["4"].status, 200);
    assert.deepEqual(byId["4"].body.value.map((p: { id: string }) => p.id), [IDS.megan]);
    const noAuth = await graphFetch(s.emulator, "/v1.0/$batch", {
      method: "POST",
      body: { requests: [item("1", IDS.megan)] },
    });
    assert.equal((await noAuth.json()).responses[0].status, 401);
  },
);

step(
  "fault rules answer 429/503 with Retry-After (seconds or date) for `times` requests, then step aside",
  async (s) => {
    const clock = s.clock;
    const token = await tokenFor(s.emulator, s.cert, { now: clock.now });
    const date = new Date(clock.now() + 5000).toUTCString();
    s.emulator.state.faults = [
      {
        method: "GET",
        path: "/v1.0/communications/calls/*/participants",
        status: 429,
        retryAfter: 2,
        times: 1,
      },
      {
        method: "GET",
        path: "/v1.0/communications/calls/*/participants",
        status: 503,
        retryAfter: date,
        times: 1,
      },
    ];
    const first = await graphFetch(s.emulator, CALL_PATH, { token });
    assert.equal(first.headers.get("retry-after"), "2");
    await expectEnvelope(first, 429, "TooManyRequests");
    const second = await graphFetch(s.emulator, CALL_PATH, { token });
    assert.equal(second.headers.get("retry-after"), date);
    await expectEnvelope(second, 503, "serviceNotAvailable");
    assert.equal((await graphFetch(s.emulator, CALL_PATH, { token })).status, 200);
    // Other methods are not matched.
    s.emulator.state.faults = [{ method: "DELETE", path: "/v1.0/*", status: 503 }];
    assert.equal((await graphFetch(s.emulator, CALL_PATH, { token })).status, 200);
  },
);

step(
  "fault rules drop the connection after acting, or send broken JSON or an HTML page",
  async (s) => {
    const token = await tokenFor(s.emulator, s.cert);
    s.emulator.state.faults = [{ method: "DELETE", path: `${CALL_PATH}/*`, drop: true, times: 1 }];
    await assert.rejects(async () => {
      const r = await graphFetch(s.emulator, `${CALL_PATH}/${IDS.adele}`, {
        token,
        method: "DELETE",
      });
      await r.text();
    });
    assert.equal(
      s.emulator.state.tenant(IDS.tenantId)!.calls.get(IDS.callId)!.participants.has(IDS.adele),
      false,
    );
    s.emulator.state.faults = [
      { path: CALL_PATH, body: "malformedJson", times: 1 },
      { path: CALL_PATH, status: 503, body: "html", times: 1 },
    ];
    const broken = await graphFetch(s.emulator, CALL_PATH, { token });
    assert.equal(broken.status, 200);
    await assert.rejects(broken.json());
    const html = await graphFetch(s.emulator, CALL_PATH, { token });
    assert.equal(html.status, 503);
    assert.match(html.headers.get("content-type")!, /text\/html/);
    assert.match(await html.text(), /<html>/);
  },
);

step("probability faults repeat exactly for the same seed", async (s) => {
  const token = await tokenFor(s.emulator, s.cert);
  const run = async () => {
    s.emulator.state.faults = [{ path: "/v1.0/*", status: 503, probability: 0.5, seed: 42 }];
    const statuses: number[] = [];
    for (let i = 0; i < 16; i++) {
      const r = await graphFetch(s.emulator, CALL_PATH, { token });
      await r.body?.cancel();
      statuses.push(r.status);
    }
    return statuses;
  };
  const a = await run();
  const b = await run();
  assert.deepEqual(a, b);
  assert.ok(a.includes(503) && a.includes(200), a.join(","));
});

step("the throttle is a token bucket per app and tenant on the emulator's clock", async (s) => {
  const stranger = await strangerCertificate();
  const app = await appCertificate();
  const otherCall = "6b0d0c3e-1a2b-4c3d-8e9f-0a1b2c3d4e5f";
  await s.reset({
    apps: [...tenantSpec(app).apps!, {
      clientId: IDS.otherClientId,
      roles: [...ALL_ROLES],
      certificates: [{ pem: stranger.certificatePem }],
    }],
    calls: [...tenantSpec(app).calls!, { id: otherCall, appId: IDS.otherClientId }],
  });
  const otherPath = `/v1.0/communications/calls/${otherCall}/participants`;
  const clock = s.clock;
  const token = await tokenFor(s.emulator, s.cert, { now: clock.now });
  const other = await tokenFor(s.emulator, stranger, {
    now: clock.now,
    clientId: IDS.otherClientId,
  });
  s.emulator.state.throttle = { requestsPerSecond: 2 };
  assert.equal((await graphFetch(s.emulator, CALL_PATH, { token })).status, 200);
  assert.equal((await graphFetch(s.emulator, CALL_PATH, { token })).status, 200);
  const limited = await graphFetch(s.emulator, CALL_PATH, { token });
  assert.equal(limited.headers.get("retry-after"), "1");
  await expectEnvelope(limited, 429, "TooManyRequests");
  assert.equal((await graphFetch(s.emulator, otherPath, { token: other })).status, 200);
  clock.advance(500);
  assert.equal((await graphFetch(s.emulator, CALL_PATH, { token })).status, 200);
  assert.equal((await graphFetch(s.emulator, CALL_PATH, { token })).status, 429);
  s.emulator.state.throttle = null;
  assert.equal((await graphFetch(s.emulator, CALL_PATH, { token })).status, 200);
});

step("$top pages the roster with @odata.nextLink and $select trims properties", async (s) => {
  const token = await tokenFor(s.emulator, s.cert);
  const first =
    await (await graphFetch(s.emulator, `${CALL_PATH}?$top=1&$select=isMuted`, { token })).json();
  assert.equal(first.value.length, 1);
  assert.deepEqual(Object.keys(first.value[0]).sort(), ["id", "isMuted"]);
  const next = new URL(first["@odata.nextLink"]);
  const second = await (await graphFetch(s.emulator, next.pathname + next.search, { token }))
    .json();
  assert.equal(second.value[0].id, IDS.megan);
  assert.equal(second["@odata.nextLink"], undefined);
});
