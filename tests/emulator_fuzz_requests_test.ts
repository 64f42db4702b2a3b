/**
 * The emulator never falls over on malformed input: a few thousand seeded-random requests, raw
 * bytes over TCP and random methods, paths, headers and bodies through fetch, all on loopback,
 * bounded in count and time; then a normal token and removal still work.
 *
 * Set FUZZ_SEED to replay a failing run (the seed is printed in the failure message).
 */
import assert from "node:assert/strict";
import { IDS, startTestEmulator } from "./support/tenant.ts";

const SEED = Number(Deno.env.get("FUZZ_SEED") ?? 20260302);
const RAW_CONNECTIONS = 400;
const FETCHES = 2500;
const CONCURRENCY = 16;
const DEADLINE_MS = 60_000; // a bound, not an expectation: the loops stop if it is reached

/** mulberry32: a small seeded PRNG, so a failure can be replayed. */
function prng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)]!;
  const bytes = (n: number) => Uint8Array.from({ length: n }, () => int(256));
  const text = (n: number) => String.fromCharCode(...Array.from({ length: n }, () => 32 + int(95)));
  return { next, int, pick, bytes, text };
}

async function pool(count: number, worker: (i: number) => Promise<void>, deadline: number) {
  let i = 0;
  await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
    while (i < count && Date.now() < deadline) await worker(i++);
  }));
  return i;
}

function rawRequests(r: ReturnType<typeof prng>, host: string): Uint8Array {
  const enc = (s: string) => new TextEncoder().encode(s);
  const path = r.pick([
    "/",
    "/v1.0/communications/calls/x/participants",
    `/${IDS.tenantId}/oauth2/v2.0/token`,
    "/_emulator/state",
    "*",
    "http://evil/x",
    "/%ff%fe",
    "/" + "a".repeat(r.int(20000)),
  ]);
  const method = r.pick([
    "GET",
    "POST",
    "DELETE",
    "PUT",
    "BREW",
    "G\x00T",
    "",
    "OPTIONS",
    "CONNECT",
  ]);
  switch (r.int(10)) {
    case 0:
      return r.bytes(1 + r.int(2000));
    case 1:
      return enc(`${method} ${path} HTTP/1.1\r\nHost: ${host}\r\n\r\n`);
    case 2: // a header far too large
      return enc(
        `GET / HTTP/1.1\r\nHost: ${host}\r\nX-Big: ${"x".repeat(70_000 + r.int(50_000))}\r\n\r\n`,
      );
    case 3: // body shorter than content-length
      return enc(
        `POST /${IDS.tenantId}/oauth2/v2.0/token HTTP/1.1\r\nHost: ${host}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 500\r\n\r\nclient_id=`,
      );
    case 4: // broken chunked encoding
      return enc(
        `POST /_emulator/tenants HTTP/1.1\r\nHost: ${host}\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nZZ\r\n{}\r\n`,
      );
    case 5: // no Host header, HTTP/1.0
      return enc(`${method} ${path} HTTP/1.0\r\n\r\n`);
    case 6: // HTTP/2 preface on an HTTP/1 port
      return enc("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n");
    case 7: // pipelined requests, the second cut short
      return enc(
        `GET /_emulator/state HTTP/1.1\r\nHost: ${host}\r\n\r\nDELETE /v1.0/communications/calls/a/participants/b HTTP/1.1\r\nHost: ${host}\r\nAuthorization: Bearer a.b`,
      );
    case 8: { // header bytes that are not UTF-8
      const head = enc(`GET / HTTP/1.1\r\nHost: ${host}\r\nclient-request-id: `);
      const tail = enc("\r\n\r\n");
      const out = new Uint8Array(head.length + 8 + tail.length);
      out.set(head);
      out.set(r.bytes(8).map((b) => (b === 13 || b === 10 ? 0x80 : b | 0x80)), head.length);
      out.set(tail, head.length + 8);
      return out;
    }
    default: // content-length that is not a number
      return enc(
        `POST / HTTP/1.1\r\nHost: ${host}\r\nContent-Length: -1${r.text(3)}\r\n\r\n${
          r.text(r.int(100))
        }`,
      );
  }
}

async function sendRaw(port: number, data: Uint8Array) {
  const conn = await Deno.connect({ hostname: "127.0.0.1", port });
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    try {
      await conn.write(data);
      await conn.closeWrite();
    } catch {
      return; // the server may close first on garbage: that is fine
    }
    const drain = (async () => {
      const buf = new Uint8Array(16_384);
      try {
        while ((await conn.read(buf)) !== null) { /* discard */ }
      } catch { /* reset by the server: fine */ }
    })();
    const bound = new Promise<void>((resolve) => timer = setTimeout(resolve, 2000));
    await Promise.race([drain, bound]);
  } finally {
    clearTimeout(timer);
    try {
      conn.close();
    } catch { /* already closed */ }
  }
}

function randomRequest(
  r: ReturnType<typeof prng>,
  base: string,
): { url: string; init: RequestInit } {
  const id = () =>
    r.pick([
      IDS.callId,
      IDS.adele,
      crypto.randomUUID(),
      "%",
      "%E0%A4%A",
      "..",
      "'",
      r.text(r.int(40)).replace(/[/?#]/g, ""),
    ]);
  const tenant = r.pick([
    IDS.tenantId,
    IDS.domain,
    "common",
    "%zz",
    r.text(10).replace(/[/?#%]/g, ""),
  ]);
  const path = r.pick([
    `/${tenant}/oauth2/v2.0/token`,
    `/${tenant}/v2.0/.well-known/openid-configuration`,
    `/${tenant}/discovery/v2.0/keys`,
    `/v1.0/communications/calls/${id()}/participants`,
    `/v1.0/communications/calls/${id()}/participants/${id()}`,
    `/beta/communications/calls/${id()}/participants/invite`,
    `/v1.0/$batch`,
    `/_github/token?audience=${encodeURIComponent(r.text(8))}`,
    `/_github/.well-known/jwks`,
    `/_emulator/state`,
    `/_emulator/requests`,
    `/_emulator/tenants/${id()}/policy`,
    `/_emulator/tenants/${id()}/calls`,
    `/_emulator/${r.text(6).replace(/[/?#%]/g, "")}`,
    `/${r.text(r.int(60)).replace(/[?#%]/g, "")}`,
  ]);
  // Admin routes get only bodies that are not JSON, so the fuzz never reseeds the state it tests.
  const admin = path.startsWith("/_emulator");
  const method = r.pick(["GET", "POST", "DELETE", "PUT", "PATCH", "OPTIONS", "HEAD"]);
  const headers: Record<string, string> = {};
  if (r.next() < 0.6) {
    headers["content-type"] = r.pick([
      "application/x-www-form-urlencoded",
      "application/json",
      "text/plain",
      "application/x-www-form-urlencoded; charset=utf-8",
      r.text(12),
    ]);
  }
  if (r.next() < 0.5) {
    headers.authorization = r.pick([
      `Bearer ${r.text(30).replace(/\s/g, "")}`,
      `Bearer eyJhbGciOiJub25lIn0.${btoa(r.text(20)).replace(/=/g, "")}.`,
      `Basic ${r.text(12).replace(/\s/g, "")}`,
      `Basic ${btoa(`${IDS.clientId}:${r.text(5)}`)}`,
      "Bearer",
      r.text(20),
    ]);
  }
  if (r.next() < 0.3) headers["client-request-id"] = r.text(r.int(80));
  let body: BodyInit | undefined;
  if (method !== "GET" && method !== "HEAD" && r.next() < 0.8) {
    const form = new URLSearchParams();
    for (let i = r.int(8); i > 0; i--) {
      form.append(
        r.pick([
          "client_id",
          "scope",
          "grant_type",
          "client_secret",
          "client_assertion",
          "client_assertion_type",
          r.text(5),
        ]),
        r.pick([
          IDS.clientId,
          "client_credentials",
          "https://graph.microsoft.com/.default",
          "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
          `${btoa(r.text(10))}.${btoa(r.text(40))}.${btoa(r.text(10))}`,
          r.text(r.int(200)),
        ]),
      );
    }
    body = admin ? r.pick([r.bytes(r.int(300)), `{${r.text(20)}`, form.toString()]) : r.pick([
      r.bytes(r.int(3000)),
      form.toString(),
      JSON.stringify({
        participants: [{ [r.text(5)]: r.text(10) }],
        requests: r.int(3) ? [{ id: 1, method: "GET", url: r.text(10) }] : r.text(5),
        clientContext: r.next(),
      }),
      `{"${r.text(10)}`,
      r.text(r.int(500)),
    ]);
  }
  return {
    url: `${base}${path}`,
    init: { method, headers, ...(body === undefined ? {} : { body }) },
  };
}

Deno.test(`thousands of random and malformed requests do not break the emulator, and a normal removal still works (seed ${SEED})`, async () => {
  await using t = await startTestEmulator({
    tenant: {
      apps: [{
        clientId: IDS.clientId,
        roles: ["Calls.JoinGroupCall.All", "Calls.Initiate.All"],
        secrets: [{ value: "fuzz-secret-value" }],
      }],
    },
  });
  const e = t.emulator;
  const url = new URL(e.graphUrl);
  const port = Number(url.port);
  const r = prng(SEED);
  const deadline = Date.now() + DEADLINE_MS;

  const raw = await pool(RAW_CONNECTIONS, () => sendRaw(port, rawRequests(r, url.host)), deadline);

  const serverErrors: string[] = [];
  const fetched = await pool(FETCHES, async () => {
    const { url: target, init } = randomRequest(r, e.graphUrl);
    try {
      const res = await fetch(target, init);
      await res.arrayBuffer();
      if (res.status >= 500) serverErrors.push(`${init.method} ${target} -> ${res.status}`);
    } catch (err) {
      // fetch itself may refuse a request (e.g. a header value it cannot send): not the server.
      if (!(err instanceof TypeError)) throw err;
    }
  }, deadline);

  assert.deepEqual(serverErrors, [], `seed ${SEED}: the emulator answered 5xx`);
  assert.ok(raw > 0 && fetched > 0);

  // Still up, and the normal path works.
  const token = await fetch(`${e.authorityUrl}/${IDS.tenantId}/oauth2/v2.0/token`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({
      client_id: IDS.clientId,
      client_secret: "fuzz-secret-value",
      scope: "https://graph.microsoft.com/.default",
      grant_type: "client_credentials",
    }),
  });
  assert.equal(token.status, 200, `seed ${SEED}`);
  const { access_token } = await token.json();
  const removal = await fetch(
    `${e.graphUrl}/v1.0/communications/calls/${IDS.callId}/participants/${IDS.megan}`,
    { method: "DELETE", headers: { authorization: `Bearer ${access_token}` } },
  );
  assert.equal(removal.status, 204, `seed ${SEED}`);
  await removal.body?.cancel();
  const list = await fetch(`${e.graphUrl}/v1.0/communications/calls/${IDS.callId}/participants`, {
    headers: { authorization: `Bearer ${access_token}` },
  });
  const ids = (await list.json()).value.map((p: { id: string }) => p.id);
  assert.ok(!ids.includes(IDS.megan), `seed ${SEED}`);
});
