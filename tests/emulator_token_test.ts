import assert from "node:assert/strict";
import { loadCertificate } from "../lib/auth/certificate.ts";
import { createClientAssertion } from "../lib/auth/client_assertion.ts";
import { JWT_BEARER } from "../lib/auth/token_request.ts";
import { appCertificate, IDS, startTestEmulator, strangerCertificate } from "./support/tenant.ts";
import { decodeJwt } from "npm:jose@^6.2";

async function postToken(url: string, form: Record<string, string>) {
  const res = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams(form),
  });
  return { status: res.status, body: await res.json() };
}

async function assertionFor(
  endpoint: string,
  options: { stranger?: boolean; now?: number; aud?: string; clientId?: string } = {},
) {
  const created = options.stranger ? await strangerCertificate() : await appCertificate();
  const certificate = await loadCertificate({
    pem: created.certificatePem + created.privateKeyPem,
  });
  const { jwt } = await createClientAssertion({
    clientId: options.clientId ?? IDS.clientId,
    tokenEndpoint: options.aud ?? endpoint,
    certificate,
    ...(options.now ? { now: () => options.now! } : {}),
  });
  return jwt;
}

function form(assertion: string, clientId: string = IDS.clientId) {
  return {
    client_id: clientId,
    scope: "https://graph.microsoft.com/.default",
    grant_type: "client_credentials",
    client_assertion_type: JWT_BEARER,
    client_assertion: assertion,
  };
}

function assertAadsts(body: Record<string, unknown>, code: number, error: string) {
  assert.equal(body.error, error);
  assert.deepEqual(body.error_codes, [code]);
  assert.match(
    String(body.error_description),
    new RegExp(
      `^AADSTS${code}: .+\\r\\nTrace ID: [0-9a-f-]{36}\\r\\nCorrelation ID: [0-9a-f-]{36}\\r\\nTimestamp: \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\dZ$`,
    ),
  );
  for (const field of ["timestamp", "trace_id", "correlation_id", "error_uri"]) {
    assert.equal(typeof body[field], "string", `${field} is present`);
  }
}

Deno.test("the emulator issues a v1 Graph app token for a valid certificate assertion", async () => {
  await using t = await startTestEmulator();
  const endpoint = `${t.emulator.authorityUrl}/${IDS.tenantId}/oauth2/v2.0/token`;
  const { status, body } = await postToken(endpoint, form(await assertionFor(endpoint)));
  assert.equal(status, 200);
  assert.equal(body.token_type, "Bearer");
  const claims = decodeJwt(body.access_token);
  assert.equal(claims.aud, "https://graph.microsoft.com");
  assert.equal(claims.iss, `https://sts.windows.net/${IDS.tenantId}/`);
  assert.equal(claims.appid, IDS.clientId);
  assert.equal(claims.appidacr, "2");
  assert.equal(claims.idtyp, "app");
  assert.equal(claims.tid, IDS.tenantId);
  assert.equal(claims.ver, "1.0");
  assert.deepEqual(claims.roles, [
    "Calls.JoinGroupCall.All",
    "Calls.InitiateGroupCall.All",
    "Calls.Initiate.All",
  ]);
});

Deno.test("the emulator refuses an assertion signed by another key with AADSTS700027 naming the thumbprint", async () => {
  await using t = await startTestEmulator();
  const endpoint = `${t.emulator.authorityUrl}/${IDS.tenantId}/oauth2/v2.0/token`;
  const stranger = await strangerCertificate();
  const { status, body } = await postToken(
    endpoint,
    form(await assertionFor(endpoint, { stranger: true })),
  );
  assert.equal(status, 401);
  assertAadsts(body, 700027, "invalid_client");
  assert.ok(String(body.error_description).includes(stranger.x5tS256));
});

Deno.test("the emulator refuses an expired assertion with AADSTS700024", async () => {
  await using t = await startTestEmulator();
  const endpoint = `${t.emulator.authorityUrl}/${IDS.tenantId}/oauth2/v2.0/token`;
  const anHourAgo = Date.now() - 3600_000;
  const { status, body } = await postToken(
    endpoint,
    form(await assertionFor(endpoint, { now: anHourAgo })),
  );
  assert.equal(status, 401);
  assertAadsts(body, 700024, "invalid_client");
});

Deno.test("the emulator refuses an assertion for another audience", async () => {
  await using t = await startTestEmulator();
  const endpoint = `${t.emulator.authorityUrl}/${IDS.tenantId}/oauth2/v2.0/token`;
  const wrongAud = `https://login.microsoftonline.com/${IDS.tenantId}/oauth2/v2.0/token`;
  const { status, body } = await postToken(
    endpoint,
    form(await assertionFor(endpoint, { aud: wrongAud })),
  );
  assert.equal(status, 401);
  assertAadsts(body, 50027, "invalid_client");
  assert.ok(String(body.error_description).includes(wrongAud));
});

Deno.test("the emulator refuses an unknown client with AADSTS700016", async () => {
  await using t = await startTestEmulator();
  const endpoint = `${t.emulator.authorityUrl}/${IDS.tenantId}/oauth2/v2.0/token`;
  const jwt = await assertionFor(endpoint, { clientId: IDS.otherClientId });
  const { status, body } = await postToken(endpoint, form(jwt, IDS.otherClientId));
  assert.equal(status, 400);
  assertAadsts(body, 700016, "unauthorized_client");
  assert.ok(String(body.error_description).includes(IDS.otherClientId));
});

Deno.test("the emulator finds a tenant by its domain and refuses an unknown one with AADSTS90002", async () => {
  await using t = await startTestEmulator();
  const byDomain = `${t.emulator.authorityUrl}/${IDS.domain}/oauth2/v2.0/token`;
  const ok = await postToken(byDomain, form(await assertionFor(byDomain)));
  assert.equal(ok.status, 200);
  const unknown = `${t.emulator.authorityUrl}/fabrikam.onmicrosoft.com/oauth2/v2.0/token`;
  const { status, body } = await postToken(unknown, form(await assertionFor(unknown)));
  assert.equal(status, 400);
  assertAadsts(body, 90002, "invalid_tenant");
});
