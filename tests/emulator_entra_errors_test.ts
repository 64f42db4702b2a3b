/**
 * The emulated token endpoint: each documented refusal, in the order of entra-tokens.md
 * section 9, with Entra's error layout; and the certificate-assertion variants it accepts.
 */
import assert from "node:assert/strict";
import { decodeJwt, importPKCS8, type JWTHeaderParameters, SignJWT } from "npm:jose@^6.2";
import { toBase64 } from "../lib/encoding.ts";
import { appCertificate, IDS, startTestEmulator, strangerCertificate } from "./support/tenant.ts";

const JWT_BEARER = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";
const SCOPE = "https://graph.microsoft.com/.default";
const NOW = Date.parse("2026-03-02T10:00:00Z");
const NOW_S = NOW / 1000;
const SECRET = "emulated-secret-value";

async function post(url: string, form: Record<string, string>, headers: HeadersInit = {}) {
  const res = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", ...headers },
    body: new URLSearchParams(form),
  });
  return { status: res.status, body: await res.json() as Record<string, unknown> };
}

/** Asserts the seven fields and Entra's `error_description` layout. */
function assertAadsts(
  res: { status: number; body: Record<string, unknown> },
  code: number,
  error: string,
) {
  assert.equal(res.body.error, error, String(res.body.error_description));
  assert.deepEqual(res.body.error_codes, [code]);
  assert.equal(res.status, error === "invalid_client" ? 401 : 400);
  const d = String(res.body.error_description);
  assert.match(
    d,
    new RegExp(
      `^AADSTS${code}: .+\\r\\nTrace ID: ${res.body.trace_id}\\r\\nCorrelation ID: ${res.body.correlation_id}\\r\\nTimestamp: ${res.body.timestamp}$`,
      "s",
    ),
  );
  assert.match(String(res.body.timestamp), /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ$/);
  assert.match(String(res.body.trace_id), /^[0-9a-f-]{36}$/);
  assert.match(String(res.body.correlation_id), /^[0-9a-f-]{36}$/);
  assert.equal(res.body.error_uri, `https://login.microsoftonline.com/error?code=${code}`);
  assert.equal(Object.keys(res.body).length, 7);
  return d;
}

interface AssertionOptions {
  alg?: string;
  header?: Record<string, unknown>;
  claims?: Record<string, unknown>;
  stranger?: boolean;
  omit?: string[];
}

async function assertion(aud: string, o: AssertionOptions = {}) {
  const cert = o.stranger ? await strangerCertificate() : await appCertificate();
  const alg = o.alg ?? "PS256";
  const key = await importPKCS8(cert.privateKeyPem, alg);
  const thumb = alg === "PS256" ? { "x5t#S256": cert.x5tS256 } : { x5t: cert.x5t };
  const claims: Record<string, unknown> = {
    iss: IDS.clientId,
    sub: IDS.clientId,
    aud,
    jti: crypto.randomUUID(),
    iat: NOW_S,
    nbf: NOW_S,
    exp: NOW_S + 600,
    ...o.claims,
  };
  for (const k of o.omit ?? []) delete claims[k];
  return await new SignJWT(claims)
    .setProtectedHeader({ alg, typ: "JWT", ...thumb, ...o.header } as JWTHeaderParameters)
    .sign(key);
}

function certForm(jwt: string, extra: Record<string, string> = {}) {
  return {
    client_id: IDS.clientId,
    scope: SCOPE,
    grant_type: "client_credentials",
    client_assertion_type: JWT_BEARER,
    client_assertion: jwt,
    ...extra,
  };
}

async function setup(options: Parameters<typeof startTestEmulator>[0] = {}) {
  const t = await startTestEmulator({
    clock: () => NOW,
    tenant: {
      apps: [{
        clientId: IDS.clientId,
        displayName: "Meeting bot",
        roles: ["Calls.JoinGroupCall.All"],
        certificates: [{ pem: (await appCertificate()).certificatePem }],
        secrets: [
          { value: SECRET, expires: "2027-01-01T00:00:00Z" },
          { value: "old-secret-value", expires: "2026-01-01T00:00:00Z" },
        ],
      }, { clientId: IDS.otherClientId, secrets: [{ value: "no-roles-secret" }] }],
    },
    ...options,
  });
  const endpoint = `${t.emulator.authorityUrl}/${IDS.tenantId}/oauth2/v2.0/token`;
  return { t, endpoint, [Symbol.asyncDispose]: () => t.emulator.close() };
}

Deno.test("an unknown tenant, by id or by domain, is refused with AADSTS90002 invalid_tenant", async () => {
  await using s = await setup();
  for (const tenant of ["00000000-0000-0000-0000-000000000001", "fabrikam.onmicrosoft.com"]) {
    const res = await post(`${s.t.emulator.authorityUrl}/${tenant}/oauth2/v2.0/token`, {
      client_id: IDS.clientId,
      scope: SCOPE,
      grant_type: "client_credentials",
      client_secret: SECRET,
    });
    assert.ok(assertAadsts(res, 90002, "invalid_tenant").includes(tenant));
  }
  const byDomain = await post(`${s.t.emulator.authorityUrl}/${IDS.domain}/oauth2/v2.0/token`, {
    client_id: IDS.clientId,
    scope: SCOPE,
    grant_type: "client_credentials",
    client_secret: SECRET,
  });
  assert.equal(byDomain.status, 200);
});

Deno.test("the tenant is checked before the app, the app before the grant type, the grant type before the scope", async () => {
  await using s = await setup();
  const base = `${s.t.emulator.authorityUrl}`;
  // Everything wrong: the tenant is reported.
  assertAadsts(
    await post(`${base}/nope.example/oauth2/v2.0/token`, { client_id: "x", grant_type: "y" }),
    90002,
    "invalid_tenant",
  );
  // Unknown app and wrong grant: the app is reported (700016 unauthorized_client).
  const app = await post(s.endpoint, { client_id: "11111111-2222-3333-4444-555555555555" });
  assert.ok(
    assertAadsts(app, 700016, "unauthorized_client").includes(
      "11111111-2222-3333-4444-555555555555",
    ),
  );
  // Known app, wrong grant and no scope: the grant type is reported.
  assertAadsts(
    await post(s.endpoint, { client_id: IDS.clientId, grant_type: "password" }),
    70003,
    "unsupported_grant_type",
  );
  // Right grant, bad scope, no credential: the scope is reported.
  assertAadsts(
    await post(s.endpoint, {
      client_id: IDS.clientId,
      grant_type: "client_credentials",
      scope: "Calls.JoinGroupCall.All",
    }),
    70011,
    "invalid_scope",
  );
});

Deno.test("scopes: a non-.default scope is AADSTS70011, two resources AADSTS700022, another cloud's Graph AADSTS500011", async () => {
  await using s = await setup();
  const form = (scope: string) => ({
    client_id: IDS.clientId,
    grant_type: "client_credentials",
    client_secret: SECRET,
    scope,
  });
  assertAadsts(
    await post(s.endpoint, form("https://graph.microsoft.com/Calls.JoinGroupCall.All")),
    70011,
    "invalid_scope",
  );
  assertAadsts(
    await post(s.endpoint, form(`${SCOPE} https://management.azure.com/.default`)),
    700022,
    "invalid_scope",
  );
  assertAadsts(
    await post(s.endpoint, form("https://graph.microsoft.us/.default")),
    500011,
    "invalid_resource",
  );
  // Graph's application id is the same resource as its URL.
  const guid = await post(s.endpoint, form("00000003-0000-0000-c000-000000000000/.default"));
  assert.equal(guid.status, 200);
});

Deno.test("a request with neither secret nor assertion is AADSTS7000218 invalid_client (401)", async () => {
  await using s = await setup();
  const res = await post(s.endpoint, {
    client_id: IDS.clientId,
    grant_type: "client_credentials",
    scope: SCOPE,
  });
  assertAadsts(res, 7000218, "invalid_client");
});

Deno.test("a wrong secret is AADSTS7000215 and an expired one AADSTS7000222; a good one gives appidacr 1", async () => {
  await using s = await setup();
  const form = (client_secret: string) => ({
    client_id: IDS.clientId,
    grant_type: "client_credentials",
    scope: SCOPE,
    client_secret,
  });
  const wrong = assertAadsts(
    await post(s.endpoint, form("8f1e2d3c-secret-id")),
    7000215,
    "invalid_client",
  );
  assert.ok(!wrong.includes("8f1e2d3c-secret-id"), "the sent secret is not echoed");
  assertAadsts(await post(s.endpoint, form("old-secret-value")), 7000222, "invalid_client");
  const ok = await post(s.endpoint, form(SECRET));
  assert.equal(ok.status, 200);
  assert.equal(decodeJwt(String(ok.body.access_token)).appidacr, "1");
  // HTTP Basic client authentication is accepted too.
  const basic = await post(s.endpoint, {
    grant_type: "client_credentials",
    scope: SCOPE,
  }, { authorization: `Basic ${btoa(`${IDS.clientId}:${SECRET}`)}` });
  assert.equal(basic.status, 200);
});

Deno.test("an assertion whose sub is not its iss is AADSTS50048; an iss other than client_id AADSTS700021", async () => {
  await using s = await setup();
  assertAadsts(
    await post(
      s.endpoint,
      certForm(await assertion(s.endpoint, { claims: { sub: IDS.otherClientId } })),
    ),
    50048,
    "invalid_client",
  );
  assertAadsts(
    await post(
      s.endpoint,
      certForm(
        await assertion(s.endpoint, {
          claims: { iss: IDS.otherClientId, sub: IDS.otherClientId },
        }),
      ),
    ),
    700021,
    "invalid_client",
  );
});

Deno.test("an assertion for another audience is refused, naming the audience and the endpoint", async () => {
  await using s = await setup();
  const wrong = `https://login.microsoftonline.com/${IDS.tenantId}/oauth2/v2.0/token`;
  const d = assertAadsts(
    await post(s.endpoint, certForm(await assertion(wrong))),
    50027,
    "invalid_client",
  );
  assert.ok(d.includes(wrong) && d.includes(s.endpoint));
  // The same endpoint named by the tenant's domain is the same endpoint.
  const byDomain = `${s.t.emulator.authorityUrl}/${IDS.domain}/oauth2/v2.0/token`;
  assert.equal((await post(s.endpoint, certForm(await assertion(byDomain)))).status, 200);
});

Deno.test("the assertion time window is checked with the configured skew (AADSTS700024)", async () => {
  await using s = await setup({ clockSkewSeconds: 60 });
  const expired = await assertion(s.endpoint, {
    claims: { iat: NOW_S - 700, nbf: NOW_S - 700, exp: NOW_S - 61 },
  });
  const d = assertAadsts(await post(s.endpoint, certForm(expired)), 700024, "invalid_client");
  assert.ok(d.includes("Current time: 2026-03-02T10:00:00.000Z"), d);
  const notYet = await assertion(s.endpoint, { claims: { nbf: NOW_S + 61, exp: NOW_S + 600 } });
  assertAadsts(await post(s.endpoint, certForm(notYet)), 700024, "invalid_client");
  // Inside the skew on both sides: accepted.
  const lateButSkewed = await assertion(s.endpoint, { claims: { exp: NOW_S - 59 } });
  assert.equal((await post(s.endpoint, certForm(lateButSkewed))).status, 200);
  const earlyButSkewed = await assertion(s.endpoint, { claims: { nbf: NOW_S + 59 } });
  assert.equal((await post(s.endpoint, certForm(earlyButSkewed))).status, 200);
  // No exp at all is outside any window.
  const noExp = await assertion(s.endpoint, { omit: ["exp"] });
  assertAadsts(await post(s.endpoint, certForm(noExp)), 700024, "invalid_client");
});

Deno.test("an unregistered certificate is AADSTS700027 naming the thumbprint sent", async () => {
  await using s = await setup();
  const stranger = await strangerCertificate();
  for (const alg of ["PS256", "RS256"]) {
    const d = assertAadsts(
      await post(s.endpoint, certForm(await assertion(s.endpoint, { alg, stranger: true }))),
      700027,
      "invalid_client",
    );
    assert.ok(d.includes(alg === "PS256" ? stranger.x5tS256 : stranger.x5t), d);
  }
  // The registered thumbprint on an assertion signed by another key fails the signature check.
  const forged = await assertion(s.endpoint, {
    stranger: true,
    header: { "x5t#S256": (await appCertificate()).x5tS256 },
  });
  assertAadsts(await post(s.endpoint, certForm(forged)), 700027, "invalid_client");
});

Deno.test("RS256 with x5t and PS256 with x5t#S256 are both accepted, thumbprints in either base64 alphabet, padded or not", async () => {
  await using s = await setup();
  const cert = await appCertificate();
  const std = (b64url: string) => {
    const bytes = Uint8Array.from(
      atob(
        b64url.replace(/-/g, "+").replace(/_/g, "/").padEnd(Math.ceil(b64url.length / 4) * 4, "="),
      ),
      (c) => c.charCodeAt(0),
    );
    return toBase64(bytes);
  };
  const variants = [
    { alg: "PS256", header: { "x5t#S256": cert.x5tS256 } },
    { alg: "RS256", header: { x5t: cert.x5t } },
    { alg: "RS256", header: { x5t: std(cert.x5t) } }, // standard alphabet, padded
    { alg: "PS256", header: { "x5t#S256": std(cert.x5tS256) } },
    { alg: "PS256", header: { "x5t#S256": std(cert.x5tS256).replace(/=+$/, "") } },
    { alg: "RS256", header: { x5t: cert.x5t + "=" } }, // url alphabet, padded (Python's way)
  ];
  for (const v of variants) {
    const res = await post(s.endpoint, certForm(await assertion(s.endpoint, v)));
    assert.equal(res.status, 200, `${JSON.stringify(v)}: ${res.body.error_description}`);
    assert.equal(decodeJwt(String(res.body.access_token)).appidacr, "2");
  }
});

Deno.test("typ, iat, nbf and jti are optional in an assertion, and the same assertion may be reused", async () => {
  await using s = await setup();
  const jwt = await assertion(s.endpoint, {
    header: { typ: undefined },
    omit: ["iat", "nbf", "jti"],
  });
  assert.equal((await post(s.endpoint, certForm(jwt))).status, 200);
  assert.equal((await post(s.endpoint, certForm(jwt))).status, 200);
});

Deno.test("an assertion signed with an algorithm other than RS256 or PS256 is refused", async () => {
  await using s = await setup();
  const cert = await appCertificate();
  const hs = await new SignJWT({
    iss: IDS.clientId,
    sub: IDS.clientId,
    aud: s.endpoint,
    exp: NOW_S + 600,
  }).setProtectedHeader({ alg: "HS256", x5t: cert.x5t }).sign(new Uint8Array(32));
  const d = assertAadsts(await post(s.endpoint, certForm(hs)), 50027, "invalid_client");
  assert.ok(d.includes("HS256"));
  assertAadsts(
    await post(s.endpoint, certForm("not.a.jwt")),
    50027,
    "invalid_request",
  );
});

Deno.test("extra form fields and query parameters that real clients send are tolerated", async () => {
  await using s = await setup();
  const url = `${s.endpoint}?client-request-id=${crypto.randomUUID()}&x-client-SKU=msal.js.node`;
  const res = await post(
    url,
    certForm(await assertion(s.endpoint), {
      response_type: "token",
      client_info: "1",
      "x-client-SKU": "msal.js.node",
      "x-client-VER": "7.2.1",
      "x-app-name": "bot",
    }),
    { "x-client-last-telemetry": "5|0|||0,0", "return-client-request-id": "true" },
  );
  assert.equal(res.status, 200, String(res.body.error_description));
});

Deno.test("the client-request-id comes back as the correlation id of an error", async () => {
  await using s = await setup();
  const id = crypto.randomUUID();
  const res = await post(s.endpoint, { client_id: "x" }, { "client-request-id": id });
  assertAadsts(res, 700016, "unauthorized_client");
  assert.equal(res.body.correlation_id, id);
});
