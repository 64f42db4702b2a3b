/**
 * What the emulated Entra issues: v1-shaped Graph app tokens, federated logins with the emulated
 * GitHub Actions OIDC tokens (matched exactly and case-sensitively), and the discovery documents.
 */
import assert from "node:assert/strict";
import { createRemoteJWKSet, decodeJwt, generateKeyPair, jwtVerify, SignJWT } from "npm:jose@^6.2";
import { IDS, startTestEmulator } from "./support/tenant.ts";

const JWT_BEARER = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";
const SCOPE = "https://graph.microsoft.com/.default";
const GITHUB = "https://token.actions.githubusercontent.com";
const EXCHANGE = "api://AzureADTokenExchange";
const SUBJECT = "repo:contoso/bots:ref:refs/heads/main";
const NOW = Date.parse("2026-03-02T10:00:00Z");

async function post(url: string, form: Record<string, string>) {
  const res = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams(form),
  });
  return { status: res.status, body: await res.json() as Record<string, unknown> };
}

function assertCode(res: { status: number; body: Record<string, unknown> }, code: number) {
  assert.deepEqual(res.body.error_codes, [code], String(res.body.error_description));
  assert.equal(res.status, res.body.error === "invalid_client" ? 401 : 400);
  return String(res.body.error_description);
}

async function federatedSetup(clock: { now: number } = { now: NOW }, github = {}) {
  const t = await startTestEmulator({
    clock: () => clock.now,
    state: {
      tenants: [{
        id: IDS.tenantId,
        apps: [{
          clientId: IDS.clientId,
          roles: ["Calls.JoinGroupCall.All"],
          federatedCredentials: [{ issuer: GITHUB, subject: SUBJECT, audiences: [EXCHANGE] }],
        }],
      }],
      github: { subject: SUBJECT, requestToken: "job-request-token", ...github },
    },
  });
  const endpoint = `${t.emulator.authorityUrl}/${IDS.tenantId}/oauth2/v2.0/token`;
  const githubToken = async (audience = EXCHANGE) => {
    const res = await fetch(
      `${t.emulator.githubOidcRequestUrl}&audience=${encodeURIComponent(audience)}`,
      { headers: { authorization: "Bearer job-request-token" } },
    );
    assert.equal(res.status, 200);
    return (await res.json()).value as string;
  };
  const exchange = (jwt: string) =>
    post(endpoint, {
      client_id: IDS.clientId,
      scope: SCOPE,
      grant_type: "client_credentials",
      client_assertion_type: JWT_BEARER,
      client_assertion: jwt,
    });
  return { t, endpoint, githubToken, exchange, [Symbol.asyncDispose]: () => t.emulator.close() };
}

Deno.test("access tokens are shaped like Graph's v1 app tokens, with the configured lifetime and refresh_in", async () => {
  await using t = await startTestEmulator({
    clock: () => NOW,
    tokenLifetimeSeconds: 4000,
    refreshInSeconds: 2000,
    tenant: {
      apps: [{ clientId: IDS.clientId, roles: ["Calls.Initiate.All"], secrets: [{ value: "s" }] }],
    },
  });
  const res = await post(`${t.emulator.authorityUrl}/${IDS.tenantId}/oauth2/v2.0/token`, {
    client_id: IDS.clientId,
    scope: SCOPE,
    grant_type: "client_credentials",
    client_secret: "s",
  });
  assert.equal(res.status, 200);
  assert.equal(res.body.token_type, "Bearer");
  assert.equal(res.body.expires_in, 4000);
  assert.equal(res.body.ext_expires_in, 4000);
  assert.equal(res.body.refresh_in, 2000);
  const c = decodeJwt(String(res.body.access_token));
  assert.equal(c.iss, `https://sts.windows.net/${IDS.tenantId}/`);
  assert.equal(c.aud, "https://graph.microsoft.com");
  assert.equal(c.appid, IDS.clientId);
  assert.equal(c.appidacr, "1");
  assert.equal(c.idtyp, "app");
  assert.equal(c.tid, IDS.tenantId);
  assert.equal(c.ver, "1.0");
  assert.match(String(c.oid), /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
  assert.equal(c.sub, c.oid);
  assert.deepEqual(c.roles, ["Calls.Initiate.All"]);
  assert.equal(c.exp, NOW / 1000 + 4000);
  assert.ok(c.iat! < NOW / 1000, "iat is back-dated");
});

Deno.test("a token for an app with no granted roles has no roles claim, and refresh_in is absent by default", async () => {
  await using t = await startTestEmulator({
    tenant: { apps: [{ clientId: IDS.clientId, secrets: [{ value: "s" }] }] },
  });
  const res = await post(`${t.emulator.authorityUrl}/${IDS.tenantId}/oauth2/v2.0/token`, {
    client_id: IDS.clientId,
    scope: SCOPE,
    grant_type: "client_credentials",
    client_secret: "s",
  });
  assert.equal(res.status, 200);
  assert.equal("refresh_in" in res.body, false);
  assert.equal(res.body.expires_in, 3599);
  assert.equal("roles" in decodeJwt(String(res.body.access_token)), false);
});

Deno.test("a tenant in another cloud gets tokens for that cloud's Graph", async () => {
  await using t = await startTestEmulator({
    tenant: { cloud: "USGov", apps: [{ clientId: IDS.clientId, secrets: [{ value: "s" }] }] },
  });
  const res = await post(`${t.emulator.authorityUrl}/${IDS.tenantId}/oauth2/v2.0/token`, {
    client_id: IDS.clientId,
    scope: "https://graph.microsoft.us/.default",
    grant_type: "client_credentials",
    client_secret: "s",
  });
  assert.equal(res.status, 200);
  assert.equal(decodeJwt(String(res.body.access_token)).aud, "https://graph.microsoft.us");
});

Deno.test("a GitHub Actions OIDC token from the emulated job logs in through a federated credential", async () => {
  await using s = await federatedSetup();
  const res = await s.exchange(await s.githubToken());
  assert.equal(res.status, 200, String(res.body.error_description));
  assert.equal(decodeJwt(String(res.body.access_token)).appid, IDS.clientId);
});

Deno.test("federated matching is exact: unknown issuer or audience AADSTS70021, other subject AADSTS700213, case-only difference AADSTS7002138", async () => {
  const cases: [Record<string, string>, string | undefined, number][] = [
    [{ subject: "repo:contoso/bots:environment:prod" }, undefined, 700213],
    [{ subject: "repo:Contoso/Bots:ref:refs/heads/main" }, undefined, 7002138],
    [{}, "api://SomethingElse", 70021],
  ];
  for (const [github, audience, code] of cases) {
    await using s = await federatedSetup({ now: NOW }, github);
    const d = assertCode(await s.exchange(await s.githubToken(audience)), code);
    if (github.subject) assert.ok(d.includes(github.subject), d);
  }
  // An issuer with no credential at all.
  await using s = await federatedSetup();
  const { privateKey } = await generateKeyPair("RS256");
  const foreign = await new SignJWT({ sub: SUBJECT })
    .setProtectedHeader({ alg: "RS256", kid: "k" })
    .setIssuer("https://oidc.example.com")
    .setAudience(EXCHANGE)
    .setIssuedAt(NOW / 1000)
    .setExpirationTime(NOW / 1000 + 300)
    .sign(privateKey);
  assert.ok(assertCode(await s.exchange(foreign), 70021).includes("https://oidc.example.com"));
});

Deno.test("a federated token with GitHub's name but not the emulator's signature is refused", async () => {
  await using s = await federatedSetup();
  const { privateKey } = await generateKeyPair("RS256");
  const forged = await new SignJWT({ sub: SUBJECT })
    .setProtectedHeader({ alg: "RS256", kid: "k" })
    .setIssuer(GITHUB)
    .setAudience(EXCHANGE)
    .setIssuedAt(NOW / 1000)
    .setExpirationTime(NOW / 1000 + 300)
    .sign(privateKey);
  const res = await s.exchange(forged);
  assert.equal(res.status, 401);
  assert.equal(res.body.error, "invalid_client");
});

Deno.test("a GitHub token used after its 5 minutes (plus the skew) is AADSTS700024", async () => {
  const clock = { now: NOW };
  await using s = await federatedSetup(clock);
  const jwt = await s.githubToken();
  clock.now += (300 + 301) * 1000;
  assertCode(await s.exchange(jwt), 700024);
});

Deno.test("the GitHub subject and claims come from the state file's github section", async () => {
  await using s = await federatedSetup({ now: NOW }, {
    subject: "repo:contoso/bots:environment:Production%3AV1",
    claims: { actor: "adele", run_id: "42" },
    lifetimeSeconds: 120,
  });
  const c = decodeJwt(await s.githubToken());
  assert.equal(c.sub, "repo:contoso/bots:environment:Production%3AV1");
  assert.equal(c.environment, "Production:V1");
  assert.equal(c.repository, "contoso/bots");
  assert.equal(c.repository_owner, "contoso");
  assert.equal(c.actor, "adele");
  assert.equal(c.run_id, "42");
  assert.equal(c.exp! - c.iat!, 120);
  assert.equal(c.iss, GITHUB);
  // The request token is not shown in the state.
  const state = await (await fetch(`${s.t.emulator.adminUrl}/state`)).json();
  assert.equal(state.github.subject, "repo:contoso/bots:environment:Production%3AV1");
  assert.equal("requestToken" in state.github, false);
});

Deno.test("openid-configuration names the token endpoint and a JWKS that verifies issued tokens", async () => {
  await using t = await startTestEmulator({
    tenant: { apps: [{ clientId: IDS.clientId, secrets: [{ value: "s" }] }] },
  });
  for (const tenant of [IDS.tenantId, IDS.domain]) {
    const res = await fetch(
      `${t.emulator.authorityUrl}/${tenant}/v2.0/.well-known/openid-configuration`,
    );
    assert.equal(res.status, 200);
    const doc = await res.json();
    assert.equal(
      doc.token_endpoint,
      `${t.emulator.authorityUrl}/${IDS.tenantId}/oauth2/v2.0/token`,
    );
    assert.equal(doc.issuer, `${t.emulator.authorityUrl}/${IDS.tenantId}/v2.0`);
    assert.equal(doc.msgraph_host, "graph.microsoft.com");
    const token = await post(doc.token_endpoint, {
      client_id: IDS.clientId,
      scope: SCOPE,
      grant_type: "client_credentials",
      client_secret: "s",
    });
    const { payload } = await jwtVerify(
      String(token.body.access_token),
      createRemoteJWKSet(new URL(doc.jwks_uri)),
    );
    assert.equal(payload.tid, IDS.tenantId);
  }
  const unknown = await fetch(
    `${t.emulator.authorityUrl}/fabrikam.example/v2.0/.well-known/openid-configuration`,
  );
  assert.equal(unknown.status, 400);
  assert.deepEqual((await unknown.json()).error_codes, [90002]);
});
