import assert from "node:assert/strict";
import { SignJWT } from "npm:jose@^6.2";
import { resolveCredential } from "../lib/auth/resolve_credential.ts";
import { loadCertificate } from "../lib/auth/certificate.ts";
import { decodeAccessToken } from "../lib/auth/claims.ts";
import { grantedOperations, missingRoleWarning } from "../lib/graph/operations.ts";
import { createCertificate } from "../lib/auth/create_certificate.ts";
import { InvalidInputError, MissingCredentialError } from "../lib/errors.ts";
import { onSecretRegistered, redact, registerSecret } from "../lib/redact.ts";
import { appCertificate, IDS, strangerCertificate } from "./support/tenant.ts";
import { KEY_PASSWORD, keyFormats, SECRET } from "./support/auth_fixtures.ts";

const base = { AZURE_TENANT_ID: IDS.tenantId, AZURE_CLIENT_ID: IDS.clientId };

async function pemFile(text: string | Uint8Array, name = "app.pem"): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: "graphcall-res-" });
  const path = `${dir}/${name}`;
  if (typeof text === "string") await Deno.writeTextFile(path, text);
  else await Deno.writeFile(path, text);
  return path;
}

Deno.test("environment order follows Azure Identity: a secret wins over a certificate, then federated, then a token", async () => {
  const cert = await appCertificate();
  const path = await pemFile(cert.certificatePem + cert.privateKeyPem);
  const both = await resolveCredential({
    env: { ...base, AZURE_CLIENT_SECRET: SECRET, AZURE_CLIENT_CERTIFICATE_PATH: path },
  });
  assert.equal(both.kind, "secret");
  const certOverFed = await resolveCredential({
    env: { ...base, AZURE_CLIENT_CERTIFICATE_PATH: path, AZURE_FEDERATED_TOKEN_FILE: "/x" },
  });
  assert.equal(certOverFed.kind, "certificate");
  const fileOverGithub = await resolveCredential({
    env: {
      ...base,
      AZURE_FEDERATED_TOKEN_FILE: "/x",
      GITHUB_ACTIONS: "true",
      ACTIONS_ID_TOKEN_REQUEST_URL: "http://127.0.0.1:1/t?x=1",
      ACTIONS_ID_TOKEN_REQUEST_TOKEN: "request-token-value",
    },
  });
  assert.match(fileOverGithub.description, /AZURE_FEDERATED_TOKEN_FILE/);
  const githubOnlyInActions = await resolveCredential({
    env: {
      ...base,
      ACTIONS_ID_TOKEN_REQUEST_URL: "http://127.0.0.1:1/t?x=1",
      ACTIONS_ID_TOKEN_REQUEST_TOKEN: "request-token-value",
      GITHUB_ACTIONS: "true",
    },
  });
  assert.equal(githubOnlyInActions.kind, "federated");
  await assert.rejects(
    resolveCredential({
      env: { ...base, ACTIONS_ID_TOKEN_REQUEST_URL: "http://127.0.0.1:1/t?x=1" },
    }),
    MissingCredentialError,
    "without GITHUB_ACTIONS=true the GitHub variables alone are not used",
  );
});

Deno.test("an explicit option wins over the environment, and two explicit credentials are refused", async () => {
  const cert = await appCertificate();
  const r = await resolveCredential({
    env: { ...base, AZURE_CLIENT_SECRET: SECRET },
    certificate: { pem: cert.certificatePem + cert.privateKeyPem },
  });
  assert.equal(r.kind, "certificate");
  assert.ok(!r.description.includes(SECRET));
  await assert.rejects(
    resolveCredential({
      env: base,
      clientSecret: SECRET,
      certificate: { pem: cert.certificatePem + cert.privateKeyPem },
    }),
    (e) => e instanceof InvalidInputError && /more than one credential/.test(e.message),
  );
});

Deno.test("federated github without the request variables says to grant id-token: write", async () => {
  await assert.rejects(
    resolveCredential({ env: base, federated: "github" }),
    (e) => e instanceof MissingCredentialError && /id-token: write/.test(e.message),
  );
});

Deno.test("certificate errors name the file: missing, no key, wrong key, expired, missing or wrong password", async () => {
  const cert = await appCertificate();
  const stranger = await strangerCertificate();
  const f = keyFormats(cert);
  const missing = "/nonexistent/dir/app.pem";
  await assert.rejects(
    loadCertificate({ path: missing }),
    new RegExp(`${missing}: file not found`),
  );
  const certOnly = await pemFile(cert.certificatePem);
  await assert.rejects(
    loadCertificate({ path: certOnly }),
    new RegExp(`${certOnly}: no private key`),
  );
  const mismatched = await pemFile(cert.certificatePem + stranger.privateKeyPem);
  await assert.rejects(
    loadCertificate({ path: mismatched }),
    new RegExp(`${mismatched}: the private key does not match`),
  );
  const encrypted = await pemFile(cert.certificatePem + f.encryptedPkcs8);
  await assert.rejects(
    loadCertificate({ path: encrypted }),
    new RegExp(`${encrypted}: the private key is encrypted and no password was given`),
  );
  await assert.rejects(
    loadCertificate({ path: encrypted, password: "wrong password" }),
    new RegExp(`${encrypted}: the private key is encrypted and the password is wrong`),
  );
  const pfx = await pemFile(f.pfxAes, "app.pfx");
  await assert.rejects(
    loadCertificate({ path: pfx }),
    new RegExp(`${pfx}: the PFX file is protected and no password was given`),
  );
  await assert.rejects(
    loadCertificate({ path: pfx, password: "wrong password" }),
    new RegExp(`${pfx}: the PFX password is wrong`),
  );
  const loaded = await loadCertificate({ path: pfx, password: KEY_PASSWORD });
  assert.equal(loaded.thumbprintSha1, cert.thumbprintSha1);
  const old = await createCertificate({
    subject: "CN=old",
    keySize: 2048,
    notBefore: new Date("2020-01-01T00:00:00Z"),
    notAfter: new Date("2021-01-01T00:00:00Z"),
  });
  const expired = await pemFile(old.certificatePem + old.privateKeyPem);
  await assert.rejects(
    loadCertificate({ path: expired }),
    new RegExp(`${expired}: the certificate expired on 2021-01-01`),
  );
  // No error text carries key material.
  try {
    await loadCertificate({ path: mismatched });
  } catch (e) {
    assert.ok(!String((e as Error).message).includes("PRIVATE KEY"));
    assert.equal((e as Error).cause, undefined);
  }
});

async function fakeToken(claims: Record<string, unknown>): Promise<string> {
  const key = new Uint8Array(32);
  return await new SignJWT(claims).setProtectedHeader({ alg: "HS256" }).sign(key);
}

Deno.test("a given access token is checked for expiry, audience, tenant and app before use", async () => {
  const now = Math.floor(Date.now() / 1000);
  const good = {
    aud: "https://graph.microsoft.com",
    tid: IDS.tenantId,
    appid: IDS.clientId,
    idtyp: "app",
    roles: ["Calls.JoinGroupCall.All"],
    exp: now + 3000,
  };
  const ok = await resolveCredential({ env: {}, accessToken: await fakeToken(good) });
  assert.equal(ok.kind, "token");
  assert.equal(ok.tenantId, IDS.tenantId);
  assert.match(ok.description, /access token from the accessToken option/);
  const cases: [Record<string, unknown>, RegExp, Record<string, string>?][] = [
    [{ ...good, exp: now - 10 }, /expired at/],
    [{ ...good, aud: "https://management.azure.com" }, /is for "https:\/\/management\.azure\.com"/],
    [{ ...good, tid: "00000000-0000-0000-0000-000000000001" }, /tenant/, base],
    [{ ...good, appid: IDS.otherClientId }, /issued to app/, base],
  ];
  for (const [claims, message, env] of cases) {
    await assert.rejects(
      resolveCredential({ env: { ...env, GRAPHCALL_ACCESS_TOKEN: await fakeToken(claims) } }),
      (e) =>
        e instanceof InvalidInputError && e.field === "GRAPHCALL_ACCESS_TOKEN" &&
        message.test(e.message),
    );
  }
  const usGov = await resolveCredential({
    env: {},
    cloud: "USGov",
    accessToken: await fakeToken({ ...good, aud: "https://graph.microsoft.us" }),
  });
  assert.equal(usGov.cloud.name, "USGov");
  await assert.rejects(
    resolveCredential({ env: {}, accessToken: "not a token" }),
    (e) => e instanceof InvalidInputError && !e.message.includes("not a token"),
  );
});

Deno.test("claims are decoded without verification and roles map to operations case-insensitively", async () => {
  const token = await fakeToken({
    roles: ["calls.joingroupcall.all"],
    tid: IDS.tenantId,
    appid: IDS.clientId,
    aud: "https://graph.microsoft.com",
    idtyp: "app",
    exp: 2_000_000_000,
  });
  const claims = decodeAccessToken(token);
  assert.deepEqual(claims.roles, ["calls.joingroupcall.all"]);
  assert.equal(claims.idtyp, "app");
  assert.equal(claims.exp, 2_000_000_000);
  assert.deepEqual(grantedOperations(claims.roles), ["remove", "get", "mute"]);
  assert.equal(missingRoleWarning(claims, "remove"), undefined);
  assert.match(missingRoleWarning(claims, "invite")!, /Calls\.InitiateGroupCall\.All/);
  assert.match(missingRoleWarning({ roles: [], appid: "x" }, "list")!, /no roles at all/);
});

Deno.test("secret listeners hear each new secret once, and unsubscribe", () => {
  const heard: string[] = [];
  const stop = onSecretRegistered((v) => heard.push(v));
  registerSecret("listener-secret-value-1");
  registerSecret("listener-secret-value-1");
  registerSecret("short");
  stop();
  registerSecret("listener-secret-value-2");
  assert.deepEqual(heard, ["listener-secret-value-1"]);
  assert.equal(redact("x listener-secret-value-2 y"), "x [REDACTED] y");
});

Deno.test("onSecret hears the client secret and the access token", async () => {
  const heard: string[] = [];
  const r = await resolveCredential({
    env: base,
    clientSecret: "on-secret-test-value-123",
    onSecret: (v) => heard.push(v),
    fetch: () =>
      Promise.resolve(
        Response.json({
          access_token: "eyJhbGciOiJIUzI1NiJ9.eyJ4IjoxfQ.sig-value",
          expires_in: 3599,
        }),
      ),
  });
  await r.credential.getToken();
  assert.ok(heard.includes("on-secret-test-value-123"));
  assert.ok(heard.includes("eyJhbGciOiJIUzI1NiJ9.eyJ4IjoxfQ.sig-value"));
});
