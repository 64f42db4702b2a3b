import assert from "node:assert/strict";
import { graph, M, secretToken, startMeetingWorld } from "./support/meeting_world.ts";

Deno.test("GET /users finds a user by id or userPrincipalName, with Graph's default properties", async () => {
  await using w = await startMeetingWorld();
  const token = await secretToken(w.emulator, M.botA);
  for (const key of [M.adele, "adele@contoso.onmicrosoft.com", "ADELE@Contoso.onmicrosoft.com"]) {
    const r = await graph(w.emulator, "GET", `/users/${encodeURIComponent(key)}`, token);
    assert.equal(r.status, 200, key);
    assert.match(r.headers.get("content-type")!, /^application\/json;odata\.metadata=minimal/);
    const u = await r.json();
    assert.equal(u.id, M.adele);
    assert.equal(u.displayName, "Adele Vance");
    assert.equal(u.userPrincipalName, "adele@contoso.onmicrosoft.com");
    assert.equal(u.mail, "adele@contoso.com");
    assert.deepEqual(u.businessPhones, []);
    assert.equal(u["@odata.context"], `${w.emulator.graphUrl}/v1.0/$metadata#users/$entity`);
  }
});

Deno.test("a guest's #EXT# UPN is found with # encoded as %23, and a $ UPN with the ('...') form", async () => {
  await using w = await startMeetingWorld();
  const token = await secretToken(w.emulator, M.botA);
  const guest = await graph(
    w.emulator,
    "GET",
    "/users/gus_fabrikam.com%23EXT%23@contoso.onmicrosoft.com",
    token,
  );
  assert.equal(guest.status, 200);
  assert.equal((await guest.json()).id, M.guestUser);
  // An unencoded # starts the fragment: the request asks for another user, who is not there.
  const raw = await fetch(
    `${w.emulator.graphUrl}/v1.0/users/gus_fabrikam.com#EXT#@contoso.onmicrosoft.com`,
    { headers: { authorization: `Bearer ${token}` } },
  );
  assert.equal(raw.status, 404);
  await raw.body?.cancel();
  const dollar = await graph(w.emulator, "GET", "/users('$dan@contoso.onmicrosoft.com')", token);
  assert.equal(dollar.status, 200);
  assert.equal((await dollar.json()).id, M.dollarUser);
  const quotedEncoded = await graph(
    w.emulator,
    "GET",
    `/users(${encodeURIComponent("'$dan@contoso.onmicrosoft.com'")})`,
    token,
  );
  assert.equal(quotedEncoded.status, 200);
  await quotedEncoded.body?.cancel();
  const plain = await graph(w.emulator, "GET", "/users/$dan@contoso.onmicrosoft.com", token);
  assert.equal(plain.status, 400);
  assert.match((await plain.json()).error.message, /\/users\('\$dan@contoso\.onmicrosoft\.com'\)/);
});

Deno.test("$select trims a user to the properties asked, and an unknown property is a 400", async () => {
  await using w = await startMeetingWorld();
  const token = await secretToken(w.emulator, M.botA);
  const r = await graph(w.emulator, "GET", `/users/${M.adele}?$select=id,displayName`, token);
  const u = await r.json();
  assert.deepEqual(Object.keys(u).sort(), ["@odata.context", "displayName", "id"]);
  assert.equal(
    u["@odata.context"],
    `${w.emulator.graphUrl}/v1.0/$metadata#users(id,displayName)/$entity`,
  );
  const bad = await graph(w.emulator, "GET", `/users/${M.adele}?$select=colour`, token);
  assert.equal(bad.status, 400);
  assert.match((await bad.json()).error.message, /'colour'.*microsoft\.graph\.user/);
});

Deno.test("without User.Read.All the directory answers 403 Authorization_RequestDenied; an unknown user is 404 Request_ResourceNotFound", async () => {
  await using w = await startMeetingWorld();
  const noUserRole = await secretToken(w.emulator, M.botB);
  const denied = await graph(w.emulator, "GET", `/users/${M.adele}`, noUserRole);
  assert.equal(denied.status, 403);
  const d = await denied.json();
  assert.equal(d.error.code, "Authorization_RequestDenied");
  assert.equal(d.error.message, "Insufficient privileges to complete the operation.");
  assert.ok(d.error.innerError["request-id"]);
  const token = await secretToken(w.emulator, M.botA);
  const missing = await graph(w.emulator, "GET", "/users/nobody@contoso.onmicrosoft.com", token);
  assert.equal(missing.status, 404);
  const m = await missing.json();
  assert.equal(m.error.code, "Request_ResourceNotFound");
  assert.equal(
    m.error.message,
    "Resource 'nobody@contoso.onmicrosoft.com' does not exist or one of its queried reference-property objects are not present.",
  );
  // Directory.Read.All is a higher role that also reads users.
  await w.emulator.state.addApp(w.emulator.state.tenant(M.tenantId)!, {
    clientId: M.noRoles,
    roles: ["Directory.Read.All"],
    secrets: [{ value: M.secret }],
  });
  const directory = await secretToken(w.emulator, M.noRoles);
  assert.equal((await graph(w.emulator, "GET", `/users/${M.adele}`, directory)).status, 200);
});
