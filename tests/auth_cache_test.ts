import assert from "node:assert/strict";
import { resolveCredential } from "../lib/auth/resolve_credential.ts";
import { cacheKeyString, RENEW_BEFORE_EXPIRY_MS, TokenCache } from "../lib/auth/token_cache.ts";
import type { AccessToken, TokenCredential } from "../lib/auth/credential.ts";
import { CachedCredential } from "../lib/auth/token_cache.ts";
import { IDS, startTestEmulator } from "./support/tenant.ts";
import { cloudTenants, SECRET } from "./support/auth_fixtures.ts";
import { appCertificate } from "./support/tenant.ts";

Deno.test("50 concurrent callers on a cold cache make one token request", async () => {
  const cert = await appCertificate();
  await using t = await startTestEmulator({ state: { tenants: cloudTenants(cert) } });
  const cache = new TokenCache();
  const resolved = await resolveCredential({
    env: {},
    tenantId: IDS.tenantId,
    clientId: IDS.clientId,
    authorityUrl: t.emulator.authorityUrl,
    certificate: { pem: cert.certificatePem + cert.privateKeyPem },
    tokenCache: cache,
  });
  const tokens = await Promise.all(
    Array.from({ length: 50 }, () => resolved.credential.getToken()),
  );
  assert.equal(new Set(tokens.map((x) => x.token)).size, 1);
  assert.equal(t.emulator.tokenRequests.get(IDS.clientId), 1);
  assert.equal(cache.totalRequests, 1);
  assert.equal((resolved.credential as CachedCredential).requests, 1);
});

/** A credential that counts its calls and issues tokens by an injected clock. */
function countingCredential(now: () => number, lifetimeMs: number, refreshInMs?: number) {
  let calls = 0;
  let fail = false;
  const credential: TokenCredential & { calls: () => number; failNext: (f: boolean) => void } = {
    kind: "test",
    source: "test",
    identity: "test:1",
    calls: () => calls,
    failNext: (f) => fail = f,
    getToken(): Promise<AccessToken> {
      calls++;
      if (fail) return Promise.reject(new Error("token endpoint down"));
      const t = now();
      return Promise.resolve({
        token: `token-${calls}`,
        expiresAt: t + lifetimeMs,
        ...(refreshInMs !== undefined ? { refreshAt: t + refreshInMs } : {}),
      });
    },
  };
  return credential;
}

Deno.test("a cached token is renewed 5 minutes before it expires, by the injected clock", async () => {
  let clock = 1_000_000_000_000;
  const now = () => clock;
  const inner = countingCredential(now, 3600_000);
  const cached = new CachedCredential(inner, { now });
  assert.equal((await cached.getToken()).token, "token-1");
  clock += 3600_000 - RENEW_BEFORE_EXPIRY_MS - 1;
  assert.equal((await cached.getToken()).token, "token-1");
  assert.equal(inner.calls(), 1);
  clock += 1;
  assert.equal((await cached.getToken()).token, "token-2");
  assert.equal(inner.calls(), 2);
});

Deno.test("refresh_in renews early; if that renewal fails the still-valid token is used", async () => {
  let clock = 1_000_000_000_000;
  const now = () => clock;
  const inner = countingCredential(now, 3600_000, 1800_000);
  const cached = new CachedCredential(inner, { now });
  await cached.getToken();
  clock += 1800_000 - 1;
  assert.equal((await cached.getToken()).token, "token-1");
  clock += 1;
  inner.failNext(true);
  assert.equal((await cached.getToken()).token, "token-1");
  assert.equal(inner.calls(), 2);
  inner.failNext(false);
  assert.equal((await cached.getToken()).token, "token-3");
  // Past the 5-minute margin a failure is not hidden.
  clock += 3600_000 - RENEW_BEFORE_EXPIRY_MS;
  inner.failNext(true);
  await assert.rejects(cached.getToken(), /token endpoint down/);
});

Deno.test("refresh_in from the emulator decides renewal of real tokens", async () => {
  const cert = await appCertificate();
  let clock = Date.now();
  await using t = await startTestEmulator({
    state: { tenants: cloudTenants(cert) },
    refreshInSeconds: 600,
    clock: () => clock,
  });
  const resolved = await resolveCredential({
    env: {},
    tenantId: IDS.tenantId,
    clientId: IDS.clientId,
    authorityUrl: t.emulator.authorityUrl,
    clientSecret: SECRET,
    now: () => clock,
  });
  const first = await resolved.credential.getToken();
  clock += 599_000;
  assert.equal((await resolved.credential.getToken()).token, first.token);
  clock += 1_000;
  assert.notEqual((await resolved.credential.getToken()).token, first.token);
  assert.equal(t.emulator.tokenRequests.get(IDS.clientId), 2);
});

Deno.test("cache entries are keyed by authority, tenant, client, scope and credential identity", async () => {
  const clock = 1_000_000_000_000;
  const cache = new TokenCache({ now: () => clock });
  const key = {
    authorityUrl: "https://login.microsoftonline.com",
    tenantId: IDS.tenantId,
    clientId: IDS.clientId,
    scope: "https://graph.microsoft.com/.default",
    identity: "certificate:AA",
  };
  let n = 0;
  const fetchToken = () => Promise.resolve({ token: `t${++n}`, expiresAt: clock + 3600_000 });
  const variants = [
    key,
    { ...key, authorityUrl: "https://login.microsoftonline.us" },
    { ...key, tenantId: "other" },
    { ...key, clientId: IDS.otherClientId },
    { ...key, scope: "https://graph.microsoft.us/.default" },
    { ...key, identity: "secret:BB" },
  ];
  const tokens = [];
  for (const k of variants) tokens.push((await cache.getToken(k, fetchToken)).token);
  assert.equal(new Set(tokens).size, variants.length);
  assert.equal((await cache.getToken(key, fetchToken)).token, "t1");
  assert.equal(cache.requestCount(key), 1);
  assert.equal(cache.requestCounts().size, variants.length);
  assert.ok(!cacheKeyString(key).includes(SECRET));
});

Deno.test("the on-disk token cache is mode 0600, holds only access tokens and expiry, and saves a request next run", async () => {
  const cert = await appCertificate();
  await using t = await startTestEmulator({ state: { tenants: cloudTenants(cert) } });
  const dir = await Deno.makeTempDir({ prefix: "graphcall-cache-" });
  const path = `${dir}/tokens.json`;
  const options = {
    env: {},
    tenantId: IDS.tenantId,
    clientId: IDS.clientId,
    authorityUrl: t.emulator.authorityUrl,
    clientSecret: SECRET,
    tokenCachePath: path,
  };
  const first = await (await resolveCredential(options)).credential.getToken();
  const second = await (await resolveCredential(options)).credential.getToken();
  assert.equal(second.token, first.token);
  assert.equal(t.emulator.tokenRequests.get(IDS.clientId), 1);
  if (Deno.build.os !== "windows") {
    assert.equal((await Deno.stat(path)).mode! & 0o777, 0o600);
  }
  const text = await Deno.readTextFile(path);
  assert.ok(!text.includes(SECRET));
  const data = JSON.parse(text);
  assert.equal(data.version, 1);
  const entries = Object.values(data.tokens) as Record<string, unknown>[];
  assert.equal(entries.length, 1);
  assert.deepEqual(Object.keys(entries[0]!).sort(), ["accessToken", "expiresAt"]);
  assert.deepEqual([...Deno.readDirSync(dir)].map((e) => e.name), ["tokens.json"]);
});
