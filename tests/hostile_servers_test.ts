/**
 * Hostile or broken servers, on loopback: fake Entra, Graph and GitHub OIDC servers answer with
 * redirects to another origin, endless or self-pointing pages, hanging or oversized answers and
 * invalid `Retry-After` values. graphcall must follow no redirect (a client secret or a bearer
 * token never reaches the other origin), bound every wait, stop every loop, and say what happened.
 */

import assert from "node:assert/strict";
import { AuthError, GraphcallError, GraphError } from "../lib/errors.ts";
import { connect } from "../lib/graph/connect.ts";
import { requestToken } from "../lib/auth/token_request.ts";
import { githubActionsAssertion } from "../lib/auth/federated_credential.ts";

const TENANT = "72f988bf-86f1-41af-91ab-2d7cd011db47";
const CLIENT = "0b5e8a21-6c4f-4d2e-9a57-3f1c2d8e7b60";
const CALL = "112f7296-5fa4-42ca-bae8-6a692b15d4b8";
const SECRET = "hostile-test-secret-value";

/** A handler that never answers (until the client gives up and the request is aborted). */
function never(req: Request): Promise<Response> {
  return new Promise((resolve) => {
    req.signal.addEventListener("abort", () => resolve(new Response(null, { status: 499 })));
  });
}

interface Fake extends AsyncDisposable {
  url: string;
  hits: { method: string; path: string; body: string }[];
}

function fakeServer(
  handle: (req: Request, url: URL) => Response | Promise<Response>,
): Fake {
  const hits: Fake["hits"] = [];
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, async (req) => {
    const url = new URL(req.url);
    const body = req.method === "GET" ? "" : await req.text().catch(() => "");
    hits.push({ method: req.method, path: url.pathname, body });
    return await handle(req, url);
  });
  return {
    url: `http://127.0.0.1:${server.addr.port}`,
    hits,
    [Symbol.asyncDispose]: () => server.shutdown(),
  } satisfies Fake;
}

/** An unsigned access token for Global Graph: graphcall decodes it, the fake Graph accepts it. */
function accessToken(): string {
  const enc = (o: unknown) =>
    btoa(JSON.stringify(o)).replace(/=+$/, "").replace(/\+/g, "-")
      .replace(/\//g, "_");
  return `${enc({ alg: "RS256", typ: "JWT" })}.${
    enc({
      aud: "https://graph.microsoft.com",
      tid: TENANT,
      appid: CLIENT,
      roles: ["Calls.JoinGroupCall.All", "Calls.Initiate.All"],
      exp: Math.floor(Date.now() / 1000) + 3600,
    })
  }.c2ln`;
}

Deno.test("a 307 from the token endpoint is not followed: the secret never reaches the other origin", async () => {
  await using elsewhere = fakeServer(() => Response.json({ access_token: "stolen" }));
  await using authority = fakeServer(() =>
    new Response(null, { status: 307, headers: { location: `${elsewhere.url}/steal` } })
  );
  const error = await connect({
    tenantId: TENANT,
    clientId: CLIENT,
    clientSecret: SECRET,
    authorityUrl: authority.url,
    graphUrl: authority.url,
    env: {},
  }).then((g) => g.credential.getToken()).catch((e) => e);
  assert.ok(error instanceof AuthError, String(error));
  assert.match(error.message, new RegExp(`307 redirecting to ${elsewhere.url}/steal`));
  assert.match(error.message, /does not follow redirects/);
  assert.ok(error.remediation);
  assert.equal(elsewhere.hits.length, 0);
  assert.equal(authority.hits.length, 1, "a redirect is not retried either");
});

Deno.test("a 3xx from Graph is an error naming the location, and the bearer is not re-sent", async () => {
  await using elsewhere = fakeServer(() => new Response(null, { status: 204 }));
  await using graph = fakeServer(() =>
    new Response(null, { status: 302, headers: { location: `${elsewhere.url}/x` } })
  );
  const client = await connect({ accessToken: accessToken(), graphUrl: graph.url, env: {} });
  await assert.rejects(client.call(CALL).remove("p1"), (e: unknown) => {
    assert.ok(e instanceof GraphError);
    assert.equal(e.status, 302);
    assert.match(e.message, new RegExp(`redirecting to ${elsewhere.url}/x`));
    return true;
  });
  assert.equal(elsewhere.hits.length, 0);
  assert.equal(graph.hits.length, 1);
});

Deno.test("the timeout bounds the whole token acquisition, not each of its attempts", async () => {
  await using authority = fakeServer(never);
  const started = performance.now();
  const error = await requestToken({
    tokenEndpoint: `${authority.url}/${TENANT}/oauth2/v2.0/token`,
    clientId: CLIENT,
    scope: "https://graph.microsoft.com/.default",
    credential: { clientSecret: SECRET },
    overallTimeoutMs: 400,
    sleep: () => Promise.resolve(),
  }).catch((e) => e);
  const took = performance.now() - started;
  assert.ok(error instanceof GraphcallError);
  assert.equal(error.code, "timeout");
  assert.ok(took < 2000, `took ${took} ms`);
});

Deno.test("connect's timeout bounds a token request that never answers", async () => {
  await using authority = fakeServer(never);
  const graph = await connect({
    tenantId: TENANT,
    clientId: CLIENT,
    clientSecret: SECRET,
    authorityUrl: authority.url,
    graphUrl: authority.url,
    tokenTimeoutMs: 300,
    env: {},
  });
  const started = performance.now();
  await assert.rejects(graph.call(CALL).remove("p1"), (e: unknown) => {
    assert.ok(e instanceof GraphcallError);
    assert.equal(e.code, "timeout");
    return true;
  });
  assert.ok(performance.now() - started < 2500);
});

Deno.test("GitHub's OIDC service that hangs or answers megabytes is cut off", async () => {
  await using hanging = fakeServer(never);
  const started = performance.now();
  const slow = await githubActionsAssertion({
    requestUrl: `${hanging.url}/token?x=1`,
    requestToken: "request-token-value",
    audience: "api://AzureADTokenExchange",
    timeoutMs: 300,
  })().catch((e) => e);
  assert.ok(slow instanceof AuthError);
  assert.equal(slow.code, "timeout");
  assert.ok(performance.now() - started < 2000);

  await using huge = fakeServer(() => {
    const chunk = new TextEncoder().encode("x".repeat(64 * 1024));
    let sent = 0;
    return new Response(
      new ReadableStream({
        pull(controller) {
          if (sent++ > 1000) controller.close();
          else controller.enqueue(chunk);
        },
      }),
      { headers: { "content-type": "application/json" } },
    );
  });
  const big = await githubActionsAssertion({
    requestUrl: `${huge.url}/token?x=1`,
    requestToken: "request-token-value",
    audience: "api://AzureADTokenExchange",
  })().catch((e) => e);
  assert.ok(big instanceof AuthError);
  assert.match(big.message, /over 65536 bytes/);
});

Deno.test("a next link that points back at a page stops the listing instead of looping", async () => {
  let served = 0;
  await using graph = fakeServer((_req, url) => {
    served++;
    return Response.json({
      value: [{ id: `p${served}` }],
      "@odata.nextLink": `http://${url.host}/v1.0/communications/calls/${CALL}/participants?page=2`,
    });
  });
  const client = await connect({ accessToken: accessToken(), graphUrl: graph.url, env: {} });
  const seen: string[] = [];
  await assert.rejects(
    (async () => {
      for await (const p of client.call(CALL).participants()) seen.push(p.id);
    })(),
    (e: unknown) => {
      assert.ok(e instanceof GraphcallError);
      assert.equal(e.code, "service_error");
      assert.match(e.message, /next link it had returned before/);
      return true;
    },
  );
  assert.equal(served, 2, "the first page and the linked page; the link repeated stops it");
  assert.deepEqual(seen, ["p1", "p2"]);
});

Deno.test("an endless chain of new next links stops at the documented page cap", async () => {
  let served = 0;
  await using graph = fakeServer((_req, url) =>
    Response.json({
      value: [],
      "@odata.nextLink":
        `http://${url.host}/v1.0/communications/calls/${CALL}/participants?page=${++served}`,
    })
  );
  const client = await connect({ accessToken: accessToken(), graphUrl: graph.url, env: {} });
  await assert.rejects(
    (async () => {
      for await (const _ of client.call(CALL).participants()) { /* none */ }
    })(),
    /more than 1000 pages/,
  );
  assert.equal(served, 1000);
});

Deno.test("Retry-After values that are negative or not a delay fall back to backoff", async () => {
  for (const value of ["-5", "-1", "1e3", "soon", "+3", "Thu, 01 Jan 1970 00:00:10 XYZ"]) {
    let calls = 0;
    await using graph = fakeServer(() =>
      ++calls <= 2
        ? new Response(null, { status: 503, headers: { "retry-after": value } })
        : new Response(null, { status: 204 })
    );
    const waits: number[] = [];
    const client = await connect({
      accessToken: accessToken(),
      graphUrl: graph.url,
      env: {},
      sleep: (ms) => {
        waits.push(ms);
        return Promise.resolve();
      },
      random: () => 0,
    });
    const r = await client.call(CALL).remove("p1");
    assert.equal(r.status, 204, value);
    assert.deepEqual(waits, [250, 500], `Retry-After: ${value}`);
  }
});

Deno.test("a throttled token endpoint keeps Entra's AADSTS code, trace id and a fix", async () => {
  await using authority = fakeServer(() =>
    Response.json({
      error: "temporarily_unavailable",
      error_description: "AADSTS90055: The tenant is throttled.\r\nTrace ID: t-1\r\n",
      error_codes: [90055],
      trace_id: "t-1",
      correlation_id: "c-1",
    }, { status: 429, headers: { "retry-after": "1" } })
  );
  const error = await requestToken({
    tokenEndpoint: `${authority.url}/${TENANT}/oauth2/v2.0/token`,
    clientId: CLIENT,
    scope: "https://graph.microsoft.com/.default",
    credential: { clientSecret: SECRET },
    sleep: () => Promise.resolve(),
  }).catch((e) => e);
  assert.ok(error instanceof AuthError, String(error));
  assert.equal(error.code, "throttled");
  assert.deepEqual(error.aadsts, [90055]);
  assert.equal(error.traceId, "t-1");
  assert.match(error.message, /AADSTS90055/);
  assert.ok(error.remediation && error.remediation.length > 10);
  assert.equal(authority.hits.length, 3, "429 is retried, within the attempt budget");
});
