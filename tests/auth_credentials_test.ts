import assert from "node:assert/strict";
import { decodeJwt, decodeProtectedHeader } from "npm:jose@^6.2";
import { CLOUD_NAMES, type CloudName, CLOUDS } from "../lib/clouds.ts";
import { type CredentialOptions, resolveCredential } from "../lib/auth/resolve_credential.ts";
import { TokenCache } from "../lib/auth/token_cache.ts";
import { appCertificate, IDS, startTestEmulator } from "./support/tenant.ts";
import {
  CLOUD_TENANTS,
  cloudTenants,
  githubToken,
  KEY_PASSWORD,
  keyFormats,
  SECRET,
} from "./support/auth_fixtures.ts";

interface Case {
  name: string;
  kind: "secret" | "certificate" | "federated" | "token";
  options: (cloud: CloudName) => Promise<CredentialOptions>;
  /** What the description must say about the source. */
  from: RegExp;
}

Deno.test("every credential kind and key format gets a token in every cloud's emulated tenant", async (t) => {
  const cert = await appCertificate();
  const formats = keyFormats(cert);
  await using running = await startTestEmulator({ state: { tenants: cloudTenants(cert) } });
  const emulator = running.emulator;
  const dir = await Deno.makeTempDir({ prefix: "graphcall-auth-" });
  const write = async (name: string, data: string | Uint8Array) => {
    const path = `${dir}/${name}`;
    if (typeof data === "string") await Deno.writeTextFile(path, data, { mode: 0o600 });
    else await Deno.writeFile(path, data, { mode: 0o600 });
    return path;
  };
  const files = {
    certFirst: await write("cert-first.pem", cert.certificatePem + formats.pkcs8),
    keyFirst: await write("key-first.pem", formats.pkcs8 + "\n" + cert.certificatePem),
    certOnly: await write("cert.pem", cert.certificatePem),
    keyOnly: await write("key.pem", formats.pkcs8),
    pkcs1: await write("pkcs1.pem", formats.pkcs1 + cert.certificatePem),
    encrypted: await write("encrypted.pem", cert.certificatePem + formats.encryptedPkcs8),
    password: await write("password.txt", KEY_PASSWORD + "\n"),
    secret: await write("secret.txt", SECRET + "\n"),
    pfxAes: await write("app.pfx", formats.pfxAes),
    pfx3des: await write("legacy.p12", formats.pfx3des),
    pfxNoExt: await write("app-pfx.bin", formats.pfxAes),
  };
  const env = (cloud: CloudName, extra: Record<string, string> = {}) => ({
    AZURE_TENANT_ID: CLOUD_TENANTS[cloud].id,
    AZURE_CLIENT_ID: IDS.clientId,
    AZURE_AUTHORITY_HOST: emulator.authorityUrl,
    GRAPHCALL_CLOUD: cloud,
    ...extra,
  });
  const envCase = (extra: Record<string, string>) => (cloud: CloudName) =>
    Promise.resolve({ env: env(cloud, extra) });
  const optCase = (o: CredentialOptions) => (cloud: CloudName) =>
    Promise.resolve({ env: env(cloud), ...o });

  const cases: Case[] = [
    {
      name: "secret from AZURE_CLIENT_SECRET",
      kind: "secret",
      options: envCase({ AZURE_CLIENT_SECRET: SECRET }),
      from: /client secret from AZURE_CLIENT_SECRET/,
    },
    {
      name: "secret from a file",
      kind: "secret",
      options: optCase({ clientSecretFile: files.secret }),
      from: /client secret from file .*secret\.txt/,
    },
    {
      name: "secret from stdin",
      kind: "secret",
      options: (cloud) =>
        Promise.resolve({
          env: env(cloud),
          clientSecretFile: "-",
          stdin: new Blob([SECRET + "\n"]).stream(),
        }),
      from: /standard input/,
    },
    {
      name: "PKCS#8 PEM, certificate first (env path)",
      kind: "certificate",
      options: envCase({ AZURE_CLIENT_CERTIFICATE_PATH: files.certFirst }),
      from: /AZURE_CLIENT_CERTIFICATE_PATH \(.*cert-first\.pem\), PS256/,
    },
    {
      name: "PKCS#8 PEM, key first",
      kind: "certificate",
      options: optCase({ certificate: { path: files.keyFirst } }),
      from: /certificate [0-9A-F]{40} .* from file .*key-first\.pem/,
    },
    {
      name: "certificate and key in two files",
      kind: "certificate",
      options: optCase({ certificate: { path: files.certOnly, keyPath: files.keyOnly } }),
      from: /from files .*cert\.pem and .*key\.pem/,
    },
    {
      name: "PKCS#1 key",
      kind: "certificate",
      options: optCase({ certificate: { path: files.pkcs1 } }),
      from: /pkcs1\.pem/,
    },
    {
      name: "encrypted PKCS#8, password from AZURE_CLIENT_CERTIFICATE_PASSWORD",
      kind: "certificate",
      options: envCase({
        AZURE_CLIENT_CERTIFICATE_PATH: files.encrypted,
        AZURE_CLIENT_CERTIFICATE_PASSWORD: KEY_PASSWORD,
      }),
      from: /encrypted\.pem/,
    },
    {
      name: "encrypted PKCS#8, password from a file",
      kind: "certificate",
      options: optCase({
        certificate: { path: files.encrypted },
        certificatePasswordFile: files.password,
      }),
      from: /encrypted\.pem/,
    },
    {
      name: "PFX with AES",
      kind: "certificate",
      options: optCase({ certificate: { path: files.pfxAes, password: KEY_PASSWORD } }),
      from: /app\.pfx/,
    },
    {
      name: "PFX with 3DES (legacy), password from the environment",
      kind: "certificate",
      options: envCase({
        AZURE_CLIENT_CERTIFICATE_PATH: files.pfx3des,
        AZURE_CLIENT_CERTIFICATE_PASSWORD: KEY_PASSWORD,
      }),
      from: /legacy\.p12/,
    },
    {
      name: "PFX recognised by content, not extension",
      kind: "certificate",
      options: optCase({
        certificate: { path: files.pfxNoExt },
        certificatePasswordFile: files.password,
      }),
      from: /app-pfx\.bin/,
    },
    {
      name: "inline PEM, RS256 with SHA-1 x5t",
      kind: "certificate",
      options: optCase({
        certificate: { pem: cert.certificatePem + formats.pkcs8 },
        assertionAlgorithm: "RS256",
      }),
      from: /inline PEM, RS256/,
    },
    {
      name: "certificate with the chain (x5c) from AZURE_CLIENT_SEND_CERTIFICATE_CHAIN=1",
      kind: "certificate",
      options: envCase({
        AZURE_CLIENT_CERTIFICATE_PATH: files.certFirst,
        AZURE_CLIENT_SEND_CERTIFICATE_CHAIN: "1",
      }),
      from: /with x5c chain/,
    },
    {
      name: "federated: GitHub Actions by default",
      kind: "federated",
      options: envCase({
        GITHUB_ACTIONS: "true",
        ACTIONS_ID_TOKEN_REQUEST_URL: emulator.githubOidcRequestUrl,
        ACTIONS_ID_TOKEN_REQUEST_TOKEN: "emulated-actions-request-token",
      }),
      from:
        /GitHub Actions OIDC \(ACTIONS_ID_TOKEN_REQUEST_URL\), audience api:\/\/AzureADTokenExchange/,
    },
    {
      name: "federated: AZURE_FEDERATED_TOKEN_FILE",
      kind: "federated",
      options: async (cloud) => {
        const path = await write(
          `fed-${cloud}.jwt`,
          await githubToken(emulator.githubOidcRequestUrl, CLOUDS[cloud].federatedAudience),
        );
        return { env: env(cloud, { AZURE_FEDERATED_TOKEN_FILE: path }) };
      },
      from: /token file .*fed-.*\.jwt \(AZURE_FEDERATED_TOKEN_FILE\)/,
    },
    {
      name: "federated: a callback",
      kind: "federated",
      options: optCase({
        federated: () =>
          githubToken(emulator.githubOidcRequestUrl, CLOUDS[cloudOfCase].federatedAudience),
      }),
      from: /a token callback/,
    },
  ];
  let cloudOfCase: CloudName = "Global";

  for (const cloud of CLOUD_NAMES) {
    const tokens: string[] = [];
    for (const c of cases) {
      await t.step(`${cloud}: ${c.name}`, async () => {
        cloudOfCase = cloud;
        const before = emulator.tokenRequests.get(IDS.clientId) ?? 0;
        const resolved = await resolveCredential({
          ...await c.options(cloud),
          tokenCache: new TokenCache(),
        });
        assert.equal(resolved.kind, c.kind);
        assert.equal(resolved.cloud.name, cloud);
        assert.match(resolved.description, c.from);
        const { token } = await resolved.credential.getToken();
        assert.equal(emulator.tokenRequests.get(IDS.clientId), before + 1);
        const claims = decodeJwt(token);
        assert.equal(claims.aud, CLOUDS[cloud].graphUrl);
        assert.equal(claims.tid, CLOUD_TENANTS[cloud].id);
        assert.equal(claims.appid, IDS.clientId);
        assert.equal(claims.appidacr, c.kind === "secret" ? "1" : "2");
        tokens.push(token);
      });
    }
    await t.step(
      `${cloud}: a given token (GRAPHCALL_ACCESS_TOKEN), checked without a request`,
      async () => {
        const before = emulator.tokenRequests.get(IDS.clientId) ?? 0;
        const resolved = await resolveCredential({
          env: { GRAPHCALL_CLOUD: cloud, GRAPHCALL_ACCESS_TOKEN: tokens[0]! },
        });
        assert.equal(resolved.kind, "token");
        assert.equal(resolved.tenantId, CLOUD_TENANTS[cloud].id);
        assert.equal(resolved.clientId, IDS.clientId);
        assert.equal((await resolved.credential.getToken()).token, tokens[0]);
        assert.equal(emulator.tokenRequests.get(IDS.clientId), before);
      },
    );
    await t.step(`${cloud}: the tenant may be given as its domain`, async () => {
      const resolved = await resolveCredential({
        env: { ...env(cloud), AZURE_TENANT_ID: CLOUD_TENANTS[cloud].domain },
        clientSecret: SECRET,
        tokenCache: new TokenCache(),
      });
      const claims = decodeJwt((await resolved.credential.getToken()).token);
      assert.equal(claims.tid, CLOUD_TENANTS[cloud].id);
    });
  }
});

Deno.test("assertions are PS256 with x5t#S256 by default, RS256 with x5t on request, x5c only when asked, and new each time", async () => {
  const cert = await appCertificate();
  const sent: string[] = [];
  await using running = await startTestEmulator({ state: { tenants: cloudTenants(cert) } });
  const emulator = running.emulator;
  const spy: typeof fetch = (input, init) => {
    const form = new URLSearchParams(String(init?.body ?? ""));
    const a = form.get("client_assertion");
    if (a) sent.push(a);
    return fetch(input, init);
  };
  const base = {
    tenantId: IDS.tenantId,
    clientId: IDS.clientId,
    authorityUrl: emulator.authorityUrl,
    certificate: { pem: cert.certificatePem + cert.privateKeyPem },
    fetch: spy,
    env: {},
  };
  const ps = await resolveCredential({ ...base, tokenCache: new TokenCache() });
  await ps.credential.getToken();
  await ps.credential.getToken({ forceRefresh: true });
  const rs = await resolveCredential({
    ...base,
    assertionAlgorithm: "RS256",
    sendCertificateChain: true,
    tokenCache: new TokenCache(),
  });
  await rs.credential.getToken();
  assert.equal(sent.length, 3);
  const [h1, h2, h3] = sent.map((a) => decodeProtectedHeader(a));
  assert.equal(h1!.alg, "PS256");
  assert.equal(h1!["x5t#S256"], cert.x5tS256);
  assert.equal(h1!.x5t, undefined);
  assert.equal(h1!.x5c, undefined);
  assert.equal(h3!.alg, "RS256");
  assert.equal(h3!.x5t, cert.x5t);
  assert.equal(h3!.x5c?.length, 1);
  assert.notEqual(decodeJwt(sent[0]!).jti, decodeJwt(sent[1]!).jti);
  assert.ok(h2);
  const c = decodeJwt(sent[0]!);
  assert.equal(c.aud, `${emulator.authorityUrl}/${IDS.tenantId}/oauth2/v2.0/token`);
  assert.equal(c.iss, IDS.clientId);
  assert.equal(c.sub, IDS.clientId);
  assert.ok(c.exp! - c.nbf! <= 600);
});

Deno.test("a GitHub token is fetched anew for every exchange, with the cloud's audience", async () => {
  const cert = await appCertificate();
  await using running = await startTestEmulator({ state: { tenants: cloudTenants(cert) } });
  const emulator = running.emulator;
  const audiences: string[] = [];
  const spy: typeof fetch = (input, init) => {
    const url = new URL(String(input instanceof Request ? input.url : input));
    if (url.pathname === "/_github/token") audiences.push(url.searchParams.get("audience") ?? "");
    return fetch(input, init);
  };
  const resolved = await resolveCredential({
    env: {
      AZURE_TENANT_ID: CLOUD_TENANTS.China.id,
      AZURE_CLIENT_ID: IDS.clientId,
      AZURE_AUTHORITY_HOST: emulator.authorityUrl,
      ACTIONS_ID_TOKEN_REQUEST_URL: emulator.githubOidcRequestUrl,
      ACTIONS_ID_TOKEN_REQUEST_TOKEN: "emulated-actions-request-token",
    },
    cloud: "China",
    federated: "github",
    fetch: spy,
    tokenCache: new TokenCache(),
  });
  await resolved.credential.getToken();
  await resolved.credential.getToken({ forceRefresh: true });
  assert.deepEqual(audiences, [
    "api://AzureADTokenExchangeChina",
    "api://AzureADTokenExchangeChina",
  ]);
});

Deno.test("a federated token file is re-read for every exchange", async () => {
  const cert = await appCertificate();
  await using running = await startTestEmulator({ state: { tenants: cloudTenants(cert) } });
  const emulator = running.emulator;
  const path = await Deno.makeTempFile({ prefix: "graphcall-fed-" });
  await Deno.writeTextFile(path, "not-a-token-yet");
  const resolved = await resolveCredential({
    env: {
      AZURE_TENANT_ID: IDS.tenantId,
      AZURE_CLIENT_ID: IDS.clientId,
      AZURE_AUTHORITY_HOST: emulator.authorityUrl,
      AZURE_FEDERATED_TOKEN_FILE: path,
    },
    tokenCache: new TokenCache(),
  });
  await assert.rejects(resolved.credential.getToken(), /AADSTS|JWT/);
  await Deno.writeTextFile(
    path,
    await githubToken(emulator.githubOidcRequestUrl, "api://AzureADTokenExchange"),
  );
  const { token } = await resolved.credential.getToken();
  assert.equal(decodeJwt(token).tid, IDS.tenantId);
});
