/**
 * The emulator under hostile requests WITH a valid token (so they pass authorization and reach
 * the routes): generated invitation bodies and generated method/path/query/header/body
 * combinations on the Graph routes. Every answer is below 500, and every refusal is Graph's
 * error envelope (`error.code`, `error.message`, `innerError.request-id`); afterwards a normal
 * removal still works. (tests/emulator_fuzz_requests_test.ts throws raw bytes and unauthenticated
 * requests at every route.)
 */

import assert from "node:assert/strict";
import fc from "npm:fast-check@^4";
import { IDS, startTestEmulator } from "./support/tenant.ts";
import { CALL_PATH, tokenFor } from "./support/graph_fixtures.ts";
import { hostileInviteBody, TRICKS, withTrick } from "./support/hostile_arbitraries.ts";

const SEED = Number(Deno.env.get("HOSTILE_SEED") ?? 20260309);
const RUNS = Number(Deno.env.get("HOSTILE_RUNS") ?? 300);

/** Asserts a Graph-shaped refusal. */
async function assertGraphRefusal(r: Response, context: string): Promise<void> {
  assert.ok(r.status >= 400 && r.status < 500, `${context}: ${r.status}`);
  if (r.status === 405 && r.headers.get("content-type") === null) return;
  const body = await r.json();
  assert.equal(typeof body.error?.code, "string", context);
  assert.equal(typeof body.error?.message, "string", context);
  assert.match(body.error.innerError?.["request-id"] ?? "", /^[0-9a-f-]{36}$/, context);
  assert.equal(r.headers.get("request-id"), body.error.innerError["request-id"], context);
}

Deno.test(`the emulator answers hostile invitation bodies with Graph's 400 and keeps serving (seed ${SEED})`, async () => {
  await using t = await startTestEmulator();
  const token = await tokenFor(t.emulator, t.cert);
  let n = 0;
  await fc.assert(
    fc.asyncProperty(hostileInviteBody, async (body) => {
      n++;
      const r = await fetch(`${t.emulator.graphUrl}${CALL_PATH}/invite`, {
        method: "POST",
        headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
        body: JSON.stringify(body) ?? "undefined",
      });
      const context = (JSON.stringify(body) ?? String(body)).slice(0, 120);
      assert.equal(r.status, 400, context);
      await assertGraphRefusal(r, context);
    }),
    { seed: SEED, numRuns: RUNS },
  );
  // Nothing was invited, and a normal invitation and removal still work.
  const ok = await fetch(`${t.emulator.graphUrl}${CALL_PATH}/invite`, {
    method: "POST",
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body: JSON.stringify({ participants: [{ identity: { user: { id: IDS.adeleUser } } }] }),
  });
  assert.equal(ok.status, 200);
  await ok.body?.cancel();
  const removal = await fetch(`${t.emulator.graphUrl}${CALL_PATH}/${IDS.megan}`, {
    method: "DELETE",
    headers: { authorization: `Bearer ${token}` },
  });
  assert.equal(removal.status, 204);
  console.log(`hostile invitation bodies sent to the emulator: ${n}`);
});

Deno.test(`the emulator answers hostile Graph requests below 500, in Graph's envelope (seed ${SEED})`, async () => {
  await using t = await startTestEmulator();
  const token = await tokenFor(t.emulator, t.cert);
  const segment = fc.oneof(
    fc.constantFrom(IDS.callId, IDS.adele, "participants", "invite", "mute", "operations", ".."),
    withTrick.map(encodeURIComponent),
    fc.string({ maxLength: 20 }).map(encodeURIComponent),
    fc.constantFrom("%", "%zz", "%ff%fe", "%2F", "%00", "%E2%80%AE", "x".repeat(5000)),
  );
  const path = fc.oneof(
    fc.array(segment, { minLength: 1, maxLength: 6 }).map((s) =>
      `/v1.0/communications/calls/${s.join("/")}`
    ),
    fc.tuple(segment, segment).map(([a, b]) =>
      `/beta/communications/calls/${IDS.callId}/participants/${a}/${b}`
    ),
    fc.array(segment, { maxLength: 4 }).map((s) => `/v1.0/${s.join("/")}`),
    fc.constant("/v1.0/$batch"),
  );
  const query = fc.oneof(
    fc.constant(""),
    fc.constantFrom("?$top=0", "?$top=-1", "?$top=1e9", "?$top=abc", "?$skiptoken=-5"),
    fc.constantFrom("?$select=", "?$select=,,,", "?$filter=%00", `?$select=${"a,".repeat(2000)}`),
    fc.string({ maxLength: 30 }).map((q) => `?${encodeURIComponent(q)}=${encodeURIComponent(q)}`),
  );
  const body = fc.oneof(
    fc.constant(undefined),
    fc.json({ maxDepth: 3 }),
    fc.string({ maxLength: 200 }),
    fc.constantFrom("{", "[".repeat(10_000), '{"requests": 5}', '{"requests": [{"id": 1}]}'),
    hostileInviteBody.map((b) => JSON.stringify(b) ?? "null"),
  );
  const contentType = fc.constantFrom(
    "application/json",
    "text/plain",
    "application/json; charset=utf-16",
    "multipart/form-data",
  );
  let n = 0;
  await fc.assert(
    fc.asyncProperty(
      fc.constantFrom("GET", "POST", "DELETE", "PUT", "PATCH", "OPTIONS"),
      path,
      query,
      body,
      contentType,
      fc.constantFrom(
        ...TRICKS.filter((c) =>
          c.length === 1 && c.charCodeAt(0) >= 0x20 && c.charCodeAt(0) < 0x7f
        ),
      ),
      async (method, p, q, b, type, _trick) => {
        n++;
        const init: RequestInit = {
          method,
          headers: { authorization: `Bearer ${token}`, "content-type": type },
        };
        if (b !== undefined && method !== "GET") init.body = b;
        const r = await fetch(`${t.emulator.graphUrl}${p}${q}`, init);
        const context = `${method} ${p.slice(0, 100)}${q.slice(0, 40)}`;
        if (r.status < 400) {
          await r.body?.cancel();
          return;
        }
        await assertGraphRefusal(r, context);
      },
    ),
    { seed: SEED, numRuns: RUNS },
  );
  // Still serving the normal path.
  const removal = await fetch(`${t.emulator.graphUrl}${CALL_PATH}/${IDS.megan}`, {
    method: "DELETE",
    headers: { authorization: `Bearer ${token}` },
  });
  assert.ok(removal.status === 204 || removal.status === 404, `${removal.status}`);
  await removal.body?.cancel();
  console.log(`hostile Graph requests sent to the emulator: ${n}`);
});
