/**
 * Emulator security, the cases tests/emulator_graph_test.ts ("every bad token is refused") and
 * tests/emulator_admin_api_test.ts do not already cover: tokens signed with the emulator's own key
 * (so only the claim checks can refuse them) that are not yet valid, expired by a second, for
 * another tenant, issuer, audience or resource; an HMAC token keyed with the public key (algorithm
 * confusion); the loopback default; the admin API on a non-loopback bind with a token.
 */

import assert from "node:assert/strict";
import { decodeJwt, type JWTPayload, SignJWT } from "npm:jose@^6.2";
import { startEmulator } from "../lib/emulator/mod.ts";
import { sharedEntraKey } from "../lib/emulator/signing_key.ts";
import { appCertificate, IDS, tenantSpec } from "./support/tenant.ts";
import { CALL_PATH, connectTo, graphFetch } from "./support/graph_fixtures.ts";

const OTHER_TENANT = "3f9d2c1b-7a6e-4d5c-8b4a-2e1f0d9c8b7a";
const OTHER_CALL = "4a3b2c1d-0e9f-4a8b-9c7d-6e5f4a3b2c1d";

async function sign(claims: JWTPayload, header: Record<string, unknown> = {}): Promise<string> {
  const key = await sharedEntraKey();
  return await new SignJWT(claims)
    .setProtectedHeader({ alg: "RS256", typ: "JWT", kid: key.kid, x5t: key.kid, ...header })
    .sign(key.privateKey);
}

Deno.test("tokens signed with the emulator's own key are still refused when a claim is wrong", async () => {
  const cert = await appCertificate();
  await using emulator = await startEmulator({
    state: {
      tenants: [
        tenantSpec(cert),
        tenantSpec(cert, {
          id: OTHER_TENANT,
          domains: ["fabrikam.onmicrosoft.com"],
          calls: [{ id: OTHER_CALL, participants: [{ id: IDS.megan, identity: {} }] }],
        }),
      ],
    },
  });
  const client = await connectTo(emulator, cert);
  const real = (await client.credential.getToken()).token;
  const claims = decodeJwt(real);
  const now = Math.floor(Date.now() / 1000);
  // Control: the emulator's key with the real claims is accepted, so each refusal below is the
  // one changed claim's doing.
  const resigned = await sign(claims);
  assert.equal((await graphFetch(emulator, CALL_PATH, { token: resigned })).status, 200);

  const cases: [string, JWTPayload][] = [
    ["not yet valid (nbf in an hour)", { ...claims, nbf: now + 3600, iat: now, exp: now + 7200 }],
    ["expired a second ago", { ...claims, nbf: now - 3600, iat: now - 3600, exp: now - 1 }],
    ["an unknown tenant", {
      ...claims,
      tid: "00000000-0000-0000-0000-000000000001",
      iss: "https://sts.windows.net/00000000-0000-0000-0000-000000000001/",
    }],
    ["another tenant's issuer", { ...claims, iss: `https://sts.windows.net/${OTHER_TENANT}/` }],
    ["another resource's audience", { ...claims, aud: "https://management.azure.com/" }],
    ["another cloud's Graph audience", { ...claims, aud: "https://graph.microsoft.us" }],
    ["no audience", { ...claims, aud: undefined }],
  ];
  for (const [name, c] of cases) {
    const r = await graphFetch(emulator, CALL_PATH, { token: await sign(c) });
    const body = await r.json();
    assert.equal(r.status, 401, name);
    assert.equal(body.error.code, "InvalidAuthenticationToken", name);
    assert.ok(body.error.innerError["request-id"], name);
  }

  // A valid token of one tenant sees nothing of another tenant's calls.
  const theirs = await connectTo(emulator, cert, { tenantId: OTHER_TENANT });
  const theirToken = (await theirs.credential.getToken()).token;
  const cross = await graphFetch(emulator, CALL_PATH, { token: theirToken });
  assert.equal(cross.status, 404);
  assert.equal((await cross.json()).error.code, "itemNotFound");
  const own = await graphFetch(emulator, `/v1.0/communications/calls/${OTHER_CALL}/participants`, {
    token: theirToken,
  });
  assert.equal(own.status, 200);
  await own.body?.cancel();

  // Algorithm confusion: HS256 keyed with the public key's bytes is refused on its `alg`.
  const key = await sharedEntraKey();
  const spki = new Uint8Array(await crypto.subtle.exportKey("spki", key.publicKey));
  const hs = await new SignJWT(claims).setProtectedHeader({ alg: "HS256", typ: "JWT" }).sign(spki);
  const confused = await graphFetch(emulator, CALL_PATH, { token: hs });
  assert.equal(confused.status, 401);
  await confused.body?.cancel();

  // Nothing was removed or changed by any refused request.
  const roster = emulator.state.tenant(IDS.tenantId)!.calls.get(IDS.callId)!.participants;
  assert.equal(roster.size, 2);
});

Deno.test("the emulator binds to loopback by default, and off loopback its admin API wants the token", async () => {
  await using local = await startEmulator();
  assert.equal(new URL(local.graphUrl).hostname, "127.0.0.1");
  assert.equal(new URL(local.adminUrl).hostname, "127.0.0.1");

  await using wide = await startEmulator({ hostname: "0.0.0.0", adminToken: "admin-secret-x" });
  const port = new URL(wide.graphUrl).port;
  const url = `http://127.0.0.1:${port}/_emulator/state`;
  const none = await fetch(url);
  assert.equal(none.status, 401);
  await none.body?.cancel();
  const wrong = await fetch(url, { headers: { authorization: "Bearer admin-secret-y" } });
  assert.equal(wrong.status, 401);
  await wrong.body?.cancel();
  const right = await fetch(url, { headers: { authorization: "Bearer admin-secret-x" } });
  assert.equal(right.status, 200);
  await right.body?.cancel();
});
