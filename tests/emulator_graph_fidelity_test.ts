import assert from "node:assert/strict";
import {
  graph,
  join,
  joinByOrganizer,
  M,
  secretToken,
  startMeetingWorld,
} from "./support/meeting_world.ts";

async function established(w: Awaited<ReturnType<typeof startMeetingWorld>>) {
  const token = await secretToken(w.emulator, M.botA);
  const call = await join(w.emulator, token, joinByOrganizer());
  w.clock.advance(100);
  return { token, call, path: `/communications/calls/${call.id}/participants` };
}

Deno.test("$filter is applied for eq/ne/and/or/not on participant properties, and refused with Graph's 400 for the rest", async () => {
  await using w = await startMeetingWorld();
  const { token, call, path } = await established(w);
  const ids = async (query: string) => {
    const r = await graph(w.emulator, "GET", `${path}?${query}`, token);
    assert.equal(r.status, 200, query);
    return (await r.json()).value.map((p: { id: string }) => p.id).sort();
  };
  const filter = (f: string) => ids(`$filter=${encodeURIComponent(f)}`);
  assert.deepEqual(await filter(`info/identity/user/id eq '${M.adele}'`), [M.adeleParticipant]);
  assert.deepEqual(
    await filter(`id eq '${M.phoneParticipant}' or info/identity/guest/displayName eq 'Visitor'`),
    [M.phoneParticipant, M.guestParticipant].sort(),
  );
  assert.deepEqual(
    await filter(`info/identity/application/id ne null and isInLobby eq false`),
    [call.myParticipantId],
  );
  assert.deepEqual(
    await filter(`not (info/identity/user/id eq null)`),
    [M.adeleParticipant],
  );
  assert.deepEqual(await ids(`$FILTER=${encodeURIComponent("isMuted eq true")}`), []);
  const refused = [
    "startswith(info/identity/user/displayName,'A')",
    "rosterSequenceNumber gt 1",
    "colour eq 'red'",
    "id eq",
    "id eq 'x' and",
  ];
  for (const f of refused) {
    const r = await graph(w.emulator, "GET", `${path}?$filter=${encodeURIComponent(f)}`, token);
    assert.equal(r.status, 400, f);
    const body = await r.json();
    assert.equal(body.error.code, "BadRequest", f);
  }
});

Deno.test("$count, $skip, $top and $orderby are applied, participants/$count answers a number, and unknown options are refused", async () => {
  await using w = await startMeetingWorld();
  const { token, call, path } = await established(w);
  const get = async (query: string) => {
    const r = await graph(w.emulator, "GET", `${path}?${query}`, token);
    assert.equal(r.status, 200, query);
    return await r.json();
  };
  const counted = await get("$count=true&$top=1");
  assert.equal(counted["@odata.count"], 4);
  assert.equal(counted.value.length, 1);
  assert.ok(counted["@odata.nextLink"]);
  assert.equal((await get("$count=false"))["@odata.count"], undefined);
  const ordered = await get("$orderby=id desc");
  const all = [M.adeleParticipant, M.phoneParticipant, M.guestParticipant, call.myParticipantId];
  assert.deepEqual(ordered.value.map((p: { id: string }) => p.id), [...all].sort().reverse());
  const skipped = await get("$orderby=id&$skip=1&$top=2");
  assert.deepEqual(skipped.value.map((p: { id: string }) => p.id), [...all].sort().slice(1, 3));
  // Following nextLink from a $skip page continues after it, once.
  const next = new URL(skipped["@odata.nextLink"]);
  const rest = await get(next.search.slice(1));
  assert.deepEqual(rest.value.map((p: { id: string }) => p.id), [...all].sort().slice(3));
  assert.equal(rest["@odata.nextLink"], undefined);
  const count = await graph(w.emulator, "GET", `${path}/$count`, token);
  assert.equal(count.status, 200);
  assert.match(count.headers.get("content-type")!, /^text\/plain/);
  assert.equal(await count.text(), "4");
  const filteredCount = await graph(
    w.emulator,
    "GET",
    `${path}/$count?$filter=${encodeURIComponent(`id eq '${M.adeleParticipant}'`)}`,
    token,
  );
  assert.equal(await filteredCount.text(), "1");
  for (
    const q of [
      "$count=maybe",
      "$skip=-1",
      "$top=0",
      "$orderby=colour",
      "$search=adele",
      "$expand=info",
      "$top=1&$top=2",
    ]
  ) {
    const r = await graph(w.emulator, "GET", `${path}?${q}`, token);
    assert.equal(r.status, 400, q);
    assert.equal((await r.json()).error.code, "BadRequest", q);
  }
});

Deno.test("mute answers with Location and @odata.context, and mediaStreams[].serverMuted shows it", async () => {
  await using w = await startMeetingWorld();
  const { token, call, path } = await established(w);
  const before = await (await graph(w.emulator, "GET", `${path}/${M.adeleParticipant}`, token))
    .json();
  assert.equal(before.mediaStreams[0].serverMuted, false);
  const r = await graph(w.emulator, "POST", `${path}/${M.adeleParticipant}/mute`, token, {
    clientContext: "mute-adele",
  });
  assert.equal(r.status, 200);
  const op = await r.json();
  assert.equal(
    r.headers.get("location"),
    `${w.emulator.graphUrl}/v1.0/communications/calls/${call.id}/operations/${op.id}`,
  );
  assert.equal(
    op["@odata.context"],
    `${w.emulator.graphUrl}/v1.0/$metadata#microsoft.graph.muteParticipantOperation`,
  );
  assert.equal(op.status, "Completed");
  const after = await (await graph(w.emulator, "GET", `${path}/${M.adeleParticipant}`, token))
    .json();
  assert.equal(after.isMuted, true);
  assert.equal(after.mediaStreams[0].serverMuted, true);
  // The operation reads back with the same status.
  const read = await (await graph(
    w.emulator,
    "GET",
    `/communications/calls/${call.id}/operations/${op.id}`,
    token,
  )).json();
  assert.equal(read.status, "Completed");
});

Deno.test("Graph's Content-Type, a 401 with WWW-Authenticate, 501 for Graph routes the emulator lacks, and 400 only for segments Graph lacks", async () => {
  await using w = await startMeetingWorld();
  const { token, call, path } = await established(w);
  const list = await graph(w.emulator, "GET", path, token);
  assert.equal(
    list.headers.get("content-type"),
    "application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8",
  );
  await list.body?.cancel();
  const anonymous = await graph(w.emulator, "GET", path, undefined);
  assert.equal(anonymous.status, 401);
  assert.match(anonymous.headers.get("www-authenticate")!, /^Bearer realm="", authorization_uri="/);
  await anonymous.body?.cancel();
  for (
    const [method, p] of [
      ["POST", `/communications/calls/${call.id}/playPrompt`],
      ["POST", `${path}/${M.adeleParticipant}/startHoldMusic`],
      ["GET", `/users/${M.adele}/manager`],
      ["GET", "/groups"],
      ["GET", "/communications/onlineMeetings"],
    ] as const
  ) {
    const r = await graph(w.emulator, method, p, token, method === "POST" ? {} : undefined);
    const body = await r.json();
    assert.equal(r.status, 501, p);
    assert.equal(body.error.code, "NotImplemented", p);
    assert.doesNotMatch(body.error.message, /Resource not found for the segment/);
  }
  const unknown = await graph(w.emulator, "GET", "/nothingHere", token);
  assert.equal(unknown.status, 400);
  assert.match(
    (await unknown.json()).error.message,
    /Resource not found for the segment 'nothingHere'/,
  );
  // Graph has no list of calls.
  const calls = await graph(w.emulator, "GET", "/communications/calls", token);
  assert.equal(calls.status, 405);
  await calls.body?.cancel();
});

Deno.test("Entra serves discovery for common and organizations, and its JWKS keys carry x5t and x5c", async () => {
  await using w = await startMeetingWorld();
  for (const authority of ["common", "organizations"]) {
    const r = await fetch(
      `${w.emulator.authorityUrl}/${authority}/v2.0/.well-known/openid-configuration`,
    );
    assert.equal(r.status, 200, authority);
    const doc = await r.json();
    assert.equal(doc.issuer, `${w.emulator.authorityUrl}/{tenantid}/v2.0`);
    assert.equal(doc.token_endpoint, `${w.emulator.authorityUrl}/${authority}/oauth2/v2.0/token`);
    const keys = await (await fetch(doc.jwks_uri)).json();
    assert.ok(keys.keys.length > 0);
  }
  const jwks = await (await fetch(`${w.emulator.authorityUrl}/${M.tenantId}/discovery/v2.0/keys`))
    .json();
  const [key] = jwks.keys;
  assert.equal(key.kid, key.x5t);
  assert.ok(Array.isArray(key.x5c) && key.x5c.length === 1);
  // x5t is the SHA-1 thumbprint of the certificate in x5c.
  const der = Uint8Array.from(atob(key.x5c[0]), (c) => c.charCodeAt(0));
  const sha1 = new Uint8Array(await crypto.subtle.digest("SHA-1", der));
  const b64url = btoa(String.fromCharCode(...sha1)).replace(/\+/g, "-").replace(/\//g, "_")
    .replace(/=+$/, "");
  assert.equal(key.x5t, b64url);
  // The certificate holds the published public key: it verifies a token the emulator issued.
  const { importX509, jwtVerify } = await import("npm:jose@^6.2");
  const pem = `-----BEGIN CERTIFICATE-----\n${key.x5c[0]}\n-----END CERTIFICATE-----`;
  const token = await secretToken(w.emulator, M.botA);
  await jwtVerify(token, await importX509(pem, "RS256"), {
    currentDate: new Date(w.clock.now()),
  });
});
