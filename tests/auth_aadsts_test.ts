import assert from "node:assert/strict";
import { type CredentialOptions, resolveCredential } from "../lib/auth/resolve_credential.ts";
import { TokenCache } from "../lib/auth/token_cache.ts";
import { AADSTS_HINTS, aadstsHint } from "../lib/auth/aadsts_hints.ts";
import { requestToken } from "../lib/auth/token_request.ts";
import { AuthError, GraphcallError } from "../lib/errors.ts";
import { redact } from "../lib/redact.ts";
import { appCertificate, IDS, startTestEmulator, strangerCertificate } from "./support/tenant.ts";
import { cloudTenants, EXPIRED_SECRET, githubToken, SECRET } from "./support/auth_fixtures.ts";

const CASE_APP = "1a2b3c4d-0000-4000-8000-00000000c001";
const ENV_APP = "1a2b3c4d-0000-4000-8000-00000000c002";

/** The standard tenants, plus two apps whose federated credential differs from the job's token. */
function state(cert: Awaited<ReturnType<typeof appCertificate>>) {
  const tenants = cloudTenants(cert);
  const fic = (clientId: string, subject: string) => ({
    clientId,
    roles: [],
    federatedCredentials: [{
      issuer: "https://token.actions.githubusercontent.com",
      subject,
      audiences: ["api://AzureADTokenExchange"],
    }],
  });
  tenants[0]!.apps!.push(
    fic(CASE_APP, "repo:Contoso/bots:ref:refs/heads/main"),
    fic(ENV_APP, "repo:contoso/bots:environment:prod"),
  );
  return { tenants };
}

Deno.test("each mapped AADSTS code from the emulator becomes an AuthError with its fix", async (t) => {
  const cert = await appCertificate();
  const stranger = await strangerCertificate();
  let clockOffset = 0;
  await using running = await startTestEmulator({
    state: state(cert),
    clock: () => Date.now() + clockOffset,
  });
  const { authorityUrl, githubOidcRequestUrl } = running.emulator;

  /** Gets a token with the options and returns the AuthError, after the common checks. */
  async function failure(options: CredentialOptions): Promise<AuthError> {
    const resolved = await resolveCredential({
      env: {},
      tenantId: IDS.tenantId,
      clientId: IDS.clientId,
      authorityUrl,
      tokenCache: new TokenCache(),
      ...options,
    });
    try {
      await resolved.credential.getToken();
    } catch (e) {
      assert.ok(e instanceof AuthError, String(e));
      assert.match(e.traceId ?? "", /^[0-9a-f-]{36}$/);
      assert.match(e.correlationId ?? "", /^[0-9a-f-]{36}$/);
      assert.equal(e.exitCode, 3);
      assert.equal(redact(e.message), e.message, "the message carries no secret");
      assert.equal(redact(e.remediation ?? ""), e.remediation ?? "", "the fix carries no secret");
      return e;
    }
    throw new Error("expected the token request to fail");
  }
  const federated = (audience: string, clientId: string = IDS.clientId): CredentialOptions => ({
    clientId,
    federated: () => githubToken(githubOidcRequestUrl, audience),
  });

  await t.step("AADSTS7000215: the fix says to send the secret's value, not its ID", async () => {
    const e = await failure({ clientSecret: "6f1c9a2e-8b3d-4e5f-a6b7-c8d9e0f1a2b3" });
    assert.deepEqual(e.aadsts, [7000215]);
    assert.equal(e.error, "invalid_client");
    assert.equal(e.status, 401);
    assert.match(e.remediation!, /secret's Value .*not its Secret ID/);
  });

  await t.step(
    "AADSTS7000222: the fix says the secret expired and to create a new one",
    async () => {
      const e = await failure({ clientSecret: EXPIRED_SECRET });
      assert.deepEqual(e.aadsts, [7000222]);
      assert.match(e.remediation!, /expired.*new secret/);
    },
  );

  await t.step("AADSTS700016: the fix names the wrong tenant or missing consent", async () => {
    const e = await failure({ clientId: IDS.otherClientId, clientSecret: SECRET });
    assert.deepEqual(e.aadsts, [700016]);
    assert.match(e.remediation!, /not found in this tenant.*consented/);
  });

  await t.step("AADSTS90002: the fix names the tenant and the cloud", async () => {
    const e = await failure({ tenantId: "nowhere.onmicrosoft.com", clientSecret: SECRET });
    assert.deepEqual(e.aadsts, [90002]);
    assert.match(e.remediation!, /tenant id or domain.*cloud \(the cloud option\)/);
  });

  await t.step("AADSTS700027: the fix prints both thumbprints and the chain option", async () => {
    const e = await failure({
      certificate: { pem: stranger.certificatePem + stranger.privateKeyPem },
    });
    assert.deepEqual(e.aadsts, [700027]);
    assert.match(e.remediation!, /not the one uploaded/);
    assert.ok(e.remediation!.includes(stranger.thumbprintSha1), e.remediation);
    assert.match(
      e.remediation!,
      new RegExp(`Entra looked for the key by thumbprint ${stranger.thumbprintSha256}`),
    );
    assert.match(e.remediation!, /the sendCertificateChain option/);
  });

  await t.step("AADSTS700024: the fix prints local and server time and the skew", async () => {
    clockOffset = 3600_000;
    try {
      const e = await failure({ certificate: { pem: cert.certificatePem + cert.privateKeyPem } });
      assert.deepEqual(e.aadsts, [700024]);
      assert.match(e.remediation!, /clock/);
      assert.match(e.remediation!, /Local time: \d{4}-\d\d-\d\dT/);
      assert.match(
        e.remediation!,
        /Entra's time: \d{4}-\d\d-\d\dT.*\(this machine is 3(599|600|601) s behind\)/,
      );
    } finally {
      clockOffset = 0;
    }
  });

  await t.step(
    "AADSTS70021: the fix prints the presented issuer, subject and audience",
    async () => {
      const e = await failure(federated("api://not-the-exchange"));
      assert.deepEqual(e.aadsts, [70021]);
      assert.match(
        e.remediation!,
        /Presented: issuer 'https:\/\/token\.actions\.githubusercontent\.com', subject 'repo:contoso\/bots:ref:refs\/heads\/main', audience 'api:\/\/not-the-exchange'/,
      );
    },
  );

  await t.step("AADSTS700213: the fix prints the presented subject", async () => {
    const e = await failure(federated("api://AzureADTokenExchange", ENV_APP));
    assert.deepEqual(e.aadsts, [700213]);
    assert.match(e.remediation!, /subject must equal the token's sub/);
    assert.match(e.remediation!, /subject 'repo:contoso\/bots:ref:refs\/heads\/main'/);
  });

  await t.step(
    "AADSTS7002138: the fix says matching is case-sensitive, with the subject",
    async () => {
      const e = await failure(federated("api://AzureADTokenExchange", CASE_APP));
      assert.deepEqual(e.aadsts, [7002138]);
      assert.match(e.remediation!, /case-sensitive/);
      assert.match(e.remediation!, /subject 'repo:contoso\/bots:ref:refs\/heads\/main'/);
    },
  );
});

Deno.test("every mapped AADSTS code has a fix text", () => {
  for (const code of Object.keys(AADSTS_HINTS).map(Number)) {
    assert.ok((aadstsHint(code, "")?.length ?? 0) > 20, String(code));
  }
  assert.equal(aadstsHint(1, ""), undefined);
});

function fakeFetch(answers: (() => Response | Promise<Response>)[]) {
  let i = 0;
  const f: typeof fetch & { calls: () => number } = Object.assign(
    () => Promise.resolve().then(() => (answers[Math.min(i++, answers.length - 1)]!)()),
    { calls: () => i },
  );
  return f;
}

const tokenOk = () => Response.json({ access_token: "eyJ0eXAi.eyJhdWQi.sig", expires_in: 3599 });
const baseRequest = {
  tokenEndpoint: "http://127.0.0.1:1/tenant/oauth2/v2.0/token",
  clientId: IDS.clientId,
  scope: "https://graph.microsoft.com/.default",
};

Deno.test("5xx and network errors from the token endpoint are retried, with a fresh assertion each time", async () => {
  const sleeps: number[] = [];
  let assertions = 0;
  const fetch = fakeFetch([
    () => new Response("busy", { status: 503, headers: { "retry-after": "2" } }),
    () => {
      throw new TypeError("connection reset");
    },
    tokenOk,
  ]);
  const token = await requestToken({
    ...baseRequest,
    credential: () => Promise.resolve({ clientAssertion: `assertion-${++assertions}` }),
    fetch,
    sleep: (ms) => Promise.resolve(void sleeps.push(ms)),
  });
  assert.equal(token.accessToken, "eyJ0eXAi.eyJhdWQi.sig");
  assert.equal(fetch.calls(), 3);
  assert.equal(assertions, 3);
  assert.deepEqual(sleeps, [2000, 2000]);
});

Deno.test("retries are bounded and 4xx answers are not retried", async () => {
  const always500 = fakeFetch([() => new Response("", { status: 500 })]);
  await assert.rejects(
    requestToken({
      ...baseRequest,
      credential: { clientSecret: SECRET },
      fetch: always500,
      sleep: () => Promise.resolve(),
    }),
    (e) => e instanceof GraphcallError && e.code === "service_error",
  );
  assert.equal(always500.calls(), 3);
  const bad = fakeFetch([
    () => Response.json({ error: "invalid_client", error_codes: [7000215] }, { status: 401 }),
  ]);
  await assert.rejects(
    requestToken({ ...baseRequest, credential: { clientSecret: SECRET }, fetch: bad }),
    AuthError,
  );
  assert.equal(bad.calls(), 1);
});
