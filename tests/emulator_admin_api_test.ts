/** The admin API under /_emulator/ and its in-process twin on the Emulator object. */
import assert from "node:assert/strict";
import { startEmulator } from "../lib/emulator/mod.ts";
import { IDS, startTestEmulator } from "./support/tenant.ts";

const SCOPE = "https://graph.microsoft.com/.default";

async function admin(base: string, method: string, path: string, body?: unknown, token?: string) {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: {
      ...(body === undefined ? {} : { "content-type": "application/json" }),
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

async function secretToken(authorityUrl: string, tenant: string, clientId: string, secret: string) {
  const res = await fetch(`${authorityUrl}/${tenant}/oauth2/v2.0/token`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({
      client_id: clientId,
      client_secret: secret,
      scope: SCOPE,
      grant_type: "client_credentials",
    }),
  });
  return { status: res.status, body: await res.json() };
}

Deno.test("tenants, apps, users and calls seeded through the admin API are served at once", async () => {
  await using e = await startEmulator();
  const tenant = "3c2f1e0d-aaaa-4bbb-8ccc-111122223333";
  const app = "5e6f7a8b-1111-4222-8333-444455556666";
  assert.equal((await admin(e.adminUrl, "POST", "/tenants", { id: tenant })).status, 201);
  assert.equal(
    (await admin(e.adminUrl, "POST", `/tenants/${tenant}/apps`, {
      clientId: app,
      roles: ["Calls.JoinGroupCall.All", "Calls.Initiate.All"],
      secrets: [{ value: "seeded-secret" }],
    })).status,
    201,
  );
  await admin(e.adminUrl, "POST", `/tenants/${tenant}/users`, [{ id: "u-1", displayName: "Ada" }]);
  await admin(e.adminUrl, "POST", `/tenants/${tenant}/calls`, {
    id: "call-1",
    participants: [{ id: "p-1", user: "u-1" }, { id: "p-2", user: "u-1" }],
  });
  await admin(e.adminUrl, "PUT", `/tenants/${tenant}/policy`, {
    allowRemoveParticipantAppIds: [app],
  });
  const token = await secretToken(e.authorityUrl, tenant, app, "seeded-secret");
  assert.equal(token.status, 200);
  const del = await fetch(`${e.graphUrl}/v1.0/communications/calls/call-1/participants/p-1`, {
    method: "DELETE",
    headers: { authorization: `Bearer ${token.body.access_token}` },
  });
  assert.equal(del.status, 204);
  const state = (await admin(e.adminUrl, "GET", "/state")).body;
  const seeded = state.tenants[0];
  assert.deepEqual(seeded.calls[0].participants.map((p: { id: string }) => p.id), ["p-2"]);
  assert.equal(seeded.calls[0].participants[0].identity.user.displayName, "Ada");
  assert.deepEqual(seeded.apps[0].secrets, [{ value: "[REDACTED]" }]);
  assert.ok(!JSON.stringify(state).includes("seeded-secret"));
});

Deno.test("the policy set through the admin API decides whether a removal is allowed", async () => {
  await using t = await startTestEmulator({
    tenant: {
      allowRemoveParticipantAppIds: [],
      apps: [{
        clientId: IDS.clientId,
        roles: ["Calls.JoinGroupCall.All"],
        secrets: [{ value: "s" }],
      }],
    },
  });
  const e = t.emulator;
  const { body } = await secretToken(e.authorityUrl, IDS.tenantId, IDS.clientId, "s");
  const remove = (p: string) =>
    fetch(`${e.graphUrl}/v1.0/communications/calls/${IDS.callId}/participants/${p}`, {
      method: "DELETE",
      headers: { authorization: `Bearer ${body.access_token}` },
    }).then(async (r) => (await r.body?.cancel(), r.status));
  assert.equal(await remove(IDS.adele), 403);
  const put = await admin(e.adminUrl, "PUT", `/tenants/${IDS.domain}/policy`, {
    allowRemoveParticipantAppIds: [IDS.clientId.toUpperCase()],
  });
  assert.equal(put.status, 200);
  assert.equal(await remove(IDS.adele), 204);
  // The same in-process.
  e.setPolicy(IDS.tenantId, []);
  assert.equal(await remove(IDS.megan), 403);
});

Deno.test("faults and the throttle are replaced live, by HTTP and in-process, and invalid ones are refused", async () => {
  await using t = await startTestEmulator();
  const e = t.emulator;
  const rules = [{
    method: "DELETE",
    path: "/v1.0/communications/calls/*",
    status: 429,
    retryAfter: 2,
    times: 1,
  }];
  assert.deepEqual((await admin(e.adminUrl, "PUT", "/faults", rules)).body, rules);
  assert.deepEqual(e.state.faults, rules);
  assert.deepEqual((await admin(e.adminUrl, "PUT", "/throttle", { requestsPerSecond: 5 })).body, {
    requestsPerSecond: 5,
  });
  assert.deepEqual(e.state.throttle, { requestsPerSecond: 5 });
  const bad = await admin(e.adminUrl, "PUT", "/faults", [{ status: 429 }]);
  assert.equal(bad.status, 400);
  assert.match(bad.body.error.message, /faults\[0\]\.path/);
  assert.deepEqual(e.state.faults, rules, "a refused update changes nothing");
  assert.equal((await admin(e.adminUrl, "PUT", "/throttle", { requestsPerSecond: 0 })).status, 400);
  assert.equal((await admin(e.adminUrl, "DELETE", "/throttle")).status, 204);
  assert.equal(e.state.throttle, null);
  e.setFaults([]);
  e.setThrottle(50);
  assert.deepEqual((await admin(e.adminUrl, "GET", "/state")).body.faults, []);
  assert.deepEqual(e.state.throttle, { requestsPerSecond: 50 });
  assert.throws(() => e.setThrottle(-1), /throttle/);
});

Deno.test("the request log keeps method, path, status, client-request-id and time, and no secret", async () => {
  await using t = await startTestEmulator({
    tenant: { apps: [{ clientId: IDS.clientId, secrets: [{ value: "log-secret-value" }] }] },
  });
  const e = t.emulator;
  const id = crypto.randomUUID();
  await fetch(`${e.authorityUrl}/${IDS.tenantId}/oauth2/v2.0/token?client_secret=query-secret`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", "client-request-id": id },
    body: new URLSearchParams({
      client_id: IDS.clientId,
      client_secret: "log-secret-value",
      scope: SCOPE,
      grant_type: "client_credentials",
    }),
  }).then((r) => r.body?.cancel());
  const log = (await admin(e.adminUrl, "GET", "/requests")).body;
  assert.equal(log.length, 1);
  assert.deepEqual(Object.keys(log[0]).sort(), [
    "at",
    "clientRequestId",
    "method",
    "path",
    "status",
  ]);
  assert.equal(log[0].path, `/${IDS.tenantId}/oauth2/v2.0/token`);
  assert.equal(log[0].status, 200);
  assert.equal(log[0].clientRequestId, id);
  const text = JSON.stringify(log);
  assert.ok(!text.includes("secret") && !text.includes("eyJ"), text);
  assert.equal((await admin(e.adminUrl, "DELETE", "/requests")).status, 204);
  // DELETE empties the log, then its own line is logged.
  assert.deepEqual(e.requests.map((r) => r.method), ["DELETE"]);
});

Deno.test("the admin API is off on a non-loopback bind without a token, and needs the token when one is set", async () => {
  await using open = await startEmulator({ hostname: "0.0.0.0" });
  const port = new URL(open.graphUrl).port;
  const off = await admin(`http://127.0.0.1:${port}/_emulator`, "GET", "/state");
  assert.equal(off.status, 403);
  assert.equal(off.body.error.code, "adminDisabled");

  await using guarded = await startEmulator({ adminToken: "admin-token-value" });
  assert.equal((await admin(guarded.adminUrl, "GET", "/state")).status, 401);
  assert.equal((await admin(guarded.adminUrl, "GET", "/state", undefined, "wrong")).status, 401);
  const ok = await admin(guarded.adminUrl, "GET", "/state", undefined, "admin-token-value");
  assert.equal(ok.status, 200);
});

Deno.test("malformed admin requests get a JSON error, not a crash", async () => {
  await using e = await startEmulator();
  const raw = await fetch(`${e.adminUrl}/tenants`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: "{not json",
  });
  assert.equal(raw.status, 400);
  assert.equal((await raw.json()).error.code, "invalidJson");
  assert.equal((await admin(e.adminUrl, "POST", "/tenants", { domains: [] })).status, 400);
  assert.equal((await admin(e.adminUrl, "POST", "/tenants/nope/apps", {})).status, 404);
  assert.equal((await admin(e.adminUrl, "PATCH", "/state", {})).status, 404);
  const text = await fetch(`${e.adminUrl}/faults`, { method: "PUT", body: "[]" });
  assert.equal(text.status, 415);
  await text.body?.cancel();
  assert.ok((await admin(e.adminUrl, "GET", "")).body.routes.length > 5);
});

Deno.test("settings and the GitHub job can be changed through the admin API", async () => {
  await using t = await startTestEmulator({
    tenant: { apps: [{ clientId: IDS.clientId, secrets: [{ value: "s" }] }] },
  });
  const e = t.emulator;
  assert.equal(
    (await admin(e.adminUrl, "PUT", "/settings", {
      tokenLifetimeSeconds: 600,
      refreshInSeconds: 300,
    }))
      .status,
    200,
  );
  const token = await secretToken(e.authorityUrl, IDS.tenantId, IDS.clientId, "s");
  assert.equal(token.body.expires_in, 600);
  assert.equal(token.body.refresh_in, 300);
  assert.equal((await admin(e.adminUrl, "PUT", "/settings", { clockSkewSeconds: -1 })).status, 400);
  assert.equal(
    (await admin(e.adminUrl, "PUT", "/github", {
      subject: "repo:o/r:pull_request",
      requestToken: "rt",
    }))
      .status,
    204,
  );
  const res = await fetch(`${e.githubOidcRequestUrl}&audience=x`, {
    headers: { authorization: "Bearer rt" },
  });
  const { value } = await res.json();
  const claims = JSON.parse(atob(value.split(".")[1].replace(/-/g, "+").replace(/_/g, "/")));
  assert.equal(claims.sub, "repo:o/r:pull_request");
  assert.equal(claims.event_name, "pull_request");
});

Deno.test("a state file with github and settings sections and certificate paths is loaded", async () => {
  const dir = await Deno.makeTempDir({ prefix: "graphcall-state-" });
  const { appCertificate } = await import("./support/tenant.ts");
  await Deno.writeTextFile(`${dir}/app.crt`, (await appCertificate()).certificatePem);
  await Deno.writeTextFile(
    `${dir}/state.json`,
    JSON.stringify({
      tenants: [{
        id: IDS.tenantId,
        apps: [{ clientId: IDS.clientId, certificates: [{ path: "app.crt" }] }],
      }],
      github: { subject: "repo:contoso/bots:environment:prod" },
      settings: {
        clockSkewSeconds: 10,
        policyDenial: { status: 403, code: "Forbidden", message: "no" },
      },
    }),
  );
  await using e = await startEmulator({ state: `${dir}/state.json` });
  const state = (await admin(e.adminUrl, "GET", "/state")).body;
  assert.equal(state.tenants[0].apps[0].certificateCount, 1);
  assert.equal(state.github.subject, "repo:contoso/bots:environment:prod");
  assert.equal(state.settings.clockSkewSeconds, 10);
  await Deno.writeTextFile(
    `${dir}/bad.json`,
    JSON.stringify({ tenants: [], settings: { clockSkewSeconds: "x" } }),
  );
  await assert.rejects(
    () => startEmulator({ state: `${dir}/bad.json` }),
    /settings\.clockSkewSeconds/,
  );
  await Deno.remove(dir, { recursive: true });
});
