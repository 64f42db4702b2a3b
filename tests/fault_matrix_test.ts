/**
 * The fault matrix: every operation (token, remove, invite, list, get, mute, bulk remove) crossed
 * with every fault the emulator injects (429 with Retry-After in seconds, as a date, or absent;
 * 500; 503; 504; a dropped connection; an answer slower than the timeout; malformed JSON on a 2xx;
 * an HTML page from a proxy; the token endpoint answering 5xx), each once (transient) and on every
 * attempt (persistent). Every case must end in the state the table below defines: success after
 * retries, or a typed error with its exit code, within a bounded number of attempts and time, and
 * nothing half-done (a participant is gone with success, or still there with an error, except
 * where the answer itself was lost, which the client cannot know and says so).
 *
 * Retry-After and backoff cost nothing (an injected clock records the waits); only the "slower
 * than the timeout" column uses a real, short per-attempt timeout. The figures are written as a
 * Markdown table to `GRAPHCALL_FAULT_MATRIX_OUT` (or a temp file) and summed up on one line.
 */

import assert from "node:assert/strict";
import { exitCodeFor, GraphcallError } from "../lib/errors.ts";
import type { FaultSpec } from "../lib/emulator/state.ts";
import type { GraphTraceEvent } from "../lib/graph/graph_http.ts";
import type { BulkItemResult } from "../lib/graph/bulk_result.ts";
import { user } from "../lib/graph/identities.ts";
import { requestToken } from "../lib/auth/token_request.ts";
import { startEmulator } from "../lib/emulator/mod.ts";
import { appCertificate, IDS, tenantSpec, writePem } from "./support/tenant.ts";
import { connectTo, type SharedEmulator, sharedEmulator } from "./support/graph_fixtures.ts";
import { runCli } from "./support/run_cli.ts";

const MAX_RETRIES = 3;
const TOKEN_ATTEMPTS = 3; // lib/auth/token_request.ts: three attempts on 429, 5xx, network errors
const TIMEOUT_MS = 400; // far above a loopback answer even on a loaded 2-core machine
const SLOW_MS = 1_200; // the emulator then answers on its own soon after the client gave up
const CASE_BOUND_MS = 5_000;
const CALL = `/v1.0/communications/calls/${IDS.callId}/participants`;
const TOKEN_PATH = `/${IDS.tenantId}/oauth2/v2.0/token`;
const INVITEE = "5b1e9f7a-0c3d-4e8f-9a2b-6c7d8e9f0a1b";
const BULK = Array.from(
  { length: 6 },
  (_, i) => `00000000-0000-4000-8000-${(i + 1).toString(16).padStart(12, "0")}`,
);

type OpName = "token" | "remove" | "invite" | "list" | "get" | "mute" | "bulk remove";
type FaultName =
  | "429 Retry-After seconds"
  | "429 Retry-After date"
  | "429 no Retry-After"
  | "500"
  | "503"
  | "504"
  | "dropped connection"
  | "slower than timeout"
  | "malformed JSON 2xx"
  | "HTML page from a proxy"
  | "token endpoint 5xx";

interface Op {
  name: OpName;
  method: string;
  /** The path fault rules target (the token path for the token operation). */
  path: string;
  /** Safe to repeat after a lost answer (GET, DELETE). */
  idempotent: boolean;
  /** Changes the call (so "half-done" is checked). */
  acts: boolean;
}

const OPS: Op[] = [
  { name: "token", method: "POST", path: TOKEN_PATH, idempotent: false, acts: false },
  { name: "remove", method: "DELETE", path: `${CALL}/${IDS.adele}`, idempotent: true, acts: true },
  { name: "invite", method: "POST", path: `${CALL}/invite`, idempotent: false, acts: true },
  { name: "list", method: "GET", path: CALL, idempotent: true, acts: false },
  { name: "get", method: "GET", path: `${CALL}/${IDS.adele}`, idempotent: true, acts: false },
  {
    name: "mute",
    method: "POST",
    path: `${CALL}/${IDS.adele}/mute`,
    idempotent: false,
    acts: true,
  },
  { name: "bulk remove", method: "DELETE", path: `${CALL}/*`, idempotent: true, acts: true },
];

interface Fault {
  name: FaultName;
  rule: (now: number) => Omit<FaultSpec, "method" | "path">;
  /** Applies at the token endpoint for every operation. */
  atToken?: boolean;
}

const FAULTS: Fault[] = [
  { name: "429 Retry-After seconds", rule: () => ({ status: 429, retryAfter: 7 }) },
  {
    name: "429 Retry-After date",
    rule: (now) => ({
      status: 429,
      retryAfter: new Date(Math.ceil(now / 1000) * 1000 + 5000).toUTCString(),
    }),
  },
  { name: "429 no Retry-After", rule: () => ({ status: 429 }) },
  { name: "500", rule: () => ({ status: 500 }) },
  { name: "503", rule: () => ({ status: 503, retryAfter: 2 }) },
  { name: "504", rule: () => ({ status: 504 }) },
  { name: "dropped connection", rule: () => ({ drop: true }) },
  { name: "slower than timeout", rule: () => ({ latencyMs: SLOW_MS }) },
  { name: "malformed JSON 2xx", rule: () => ({ body: "malformedJson" }) },
  { name: "HTML page from a proxy", rule: () => ({ status: 503, body: "html" }) },
  { name: "token endpoint 5xx", rule: () => ({ status: 503 }), atToken: true },
];

/** What a case must end in. */
interface Expected {
  /** `ok`, or the error code. */
  end: "ok" | string;
  exit: number;
  /** Requests to the faulted endpoint (Graph per item for bulk; token endpoint for token). */
  attempts: number | [number, number];
  /** Whether the call changed: yes, no, or either (a lost answer: the client cannot know). */
  acted: "yes" | "no" | "either";
}

/** The defined end state of one case: the retry policy written out, not observed. */
function expected(op: Op, fault: Fault, persistent: boolean): Expected {
  const atToken = fault.atToken || op.name === "token";
  const limit = atToken ? TOKEN_ATTEMPTS : MAX_RETRIES + 1;
  const ok = (attempts: number, acted: Expected["acted"] = op.acts ? "yes" : "no"): Expected => ({
    end: "ok",
    exit: 0,
    attempts,
    acted,
  });
  const fail = (
    end: string,
    attempts: number | [number, number],
    acted: Expected["acted"] = "no",
  ): Expected => ({
    end,
    exit: exitCodeFor(new GraphcallError(end as "internal", "")),
    attempts,
    acted,
  });
  const status = fault.rule(0).status;
  if (atToken) {
    // Entra: 429 and 5xx and lost answers are retried (three attempts), a body that is not a
    // token is not. The Graph operation is not sent without a token.
    const acted = op.acts && !persistent ? "yes" : "no";
    if (fault.name === "malformed JSON 2xx") return fail("auth_failed", 1);
    if (fault.name === "slower than timeout") {
      return persistent ? fail("timeout", 1) : fail("timeout", 1);
    }
    const end = status === 429 ? "throttled" : status ? "service_error" : "network";
    if (!persistent) {
      return { ...ok(2), acted, attempts: 2 };
    }
    return fail(end, limit, "no");
  }
  const retryable = status === 429 || status === 503 || (status === 504 && op.idempotent);
  if (status) {
    const end = status === 429 ? "throttled" : "service_error";
    if (!retryable) return fail(end, 1);
    return persistent ? fail(end, limit) : ok(2);
  }
  if (fault.name === "malformed JSON 2xx") {
    // The request was carried out; a DELETE needs no body, anything else cannot be read.
    if (op.method === "DELETE") return ok(1);
    return fail("service_error", 1, op.acts ? "yes" : "no");
  }
  // A lost answer: a dropped connection lost it after the change was made; a timeout gave up
  // while the emulator still held the request (it carries it out once the client has gone).
  const lost = fault.name === "dropped connection" ? "network" : "timeout";
  const acted = !op.acts ? "no" : lost === "network" ? "yes" : "either";
  if (!op.idempotent) return fail(lost, 1, acted);
  if (persistent) return fail(lost, limit, acted);
  return ok(2, op.acts ? "yes" : "no");
}

/** One case's record, for the figures. */
interface Row {
  op: OpName;
  fault: FaultName;
  persistent: boolean;
  end: string;
  exit: number;
  attempts: number;
  waitsMs: number;
  wallMs: number;
}

function roster(s: SharedEmulator): Map<string, { isMuted: boolean }> {
  return s.emulator.state.tenant(IDS.tenantId)!.calls.get(IDS.callId)!.participants as Map<
    string,
    { isMuted: boolean }
  >;
}

/** Waits (real time) until the emulator has logged every request still in flight. */
async function settle(s: SharedEmulator, count: number) {
  const until = Date.now() + 3 * SLOW_MS;
  while (s.emulator.requests.length < count && Date.now() < until) {
    await new Promise((r) => setTimeout(r, 10));
  }
  assert.ok(s.emulator.requests.length >= count, "the emulator answered every request");
}

function pathRegex(pattern: string): RegExp {
  return new RegExp(
    "^" + pattern.split("*").map((p) => p.replace(/[.+?^${}()|[\]\\]/g, "\\$&")).join("[^/]+") +
      "$",
  );
}

async function runOp(
  s: SharedEmulator,
  op: Op,
  onTrace: (e: GraphTraceEvent) => void,
  sent: { method: string; path: string }[],
): Promise<
  | { ok: true; alreadyDone?: boolean; items?: BulkItemResult[]; itemsFailed?: GraphcallError[] }
  | { error: unknown }
> {
  const graph = await connectTo(s.emulator, s.cert, {
    now: s.clock.now,
    sleep: s.clock.sleep,
    random: () => 0.5,
    maxRetries: MAX_RETRIES,
    timeoutMs: TIMEOUT_MS,
    overallTimeoutMs: 120_000,
    onTrace,
    // Counts what the client sends (Graph and token endpoint), as the emulator may log a
    // request it held past the client's timeout only later.
    fetch: (input, init) => {
      const url = new URL(input instanceof Request ? input.url : String(input));
      sent.push({ method: init?.method ?? "GET", path: url.pathname });
      return fetch(input, init);
    },
  });
  const call = graph.call(IDS.callId);
  try {
    switch (op.name) {
      case "token":
        // What the pipeline does before every request: a token within the per-attempt timeout.
        await graph.credential.getToken({ signal: AbortSignal.timeout(TIMEOUT_MS) });
        return { ok: true };
      case "remove": {
        const r = await call.remove(IDS.adele);
        return { ok: true, alreadyDone: r.alreadyRemoved };
      }
      case "invite":
        await call.invite([user(INVITEE)]);
        return { ok: true };
      case "list": {
        const ids: string[] = [];
        for await (const p of call.participants()) ids.push(p.id);
        assert.equal(ids.length, BULK.length + 2);
        return { ok: true };
      }
      case "get": {
        const r = await call.participant(IDS.adele);
        assert.equal(r.participant.id, IDS.adele);
        return { ok: true };
      }
      case "mute":
        await call.mute(IDS.adele);
        return { ok: true };
      case "bulk remove": {
        const r = await call.removeMany(BULK, { concurrency: 3 });
        assert.equal(r.items.length, BULK.length);
        const failed = r.items.filter((i) => i.outcome === "failed").map((i) => i.error!);
        return { ok: true, items: r.items, itemsFailed: failed };
      }
    }
  } catch (error) {
    return { error };
  }
}

const rows: Row[] = [];
const unhandled: unknown[] = [];

Deno.test("the fault matrix: every operation under every fault ends in its defined state, bounded, nothing half-done", async (t) => {
  const onUnhandled = (e: PromiseRejectionEvent) => {
    unhandled.push(e.reason);
    e.preventDefault();
  };
  globalThis.addEventListener("unhandledrejection", onUnhandled);
  await using s = await sharedEmulator();
  const participants = [
    { id: IDS.adele, user: IDS.adeleUser },
    { id: IDS.megan, identity: { user: { id: "u2", displayName: "Megan Bowen" } } },
    ...BULK.map((id, i) => ({ id, identity: { user: { id, displayName: `User ${i}` } } })),
  ];
  // Warm up (signing keys, the first assertion) so no case pays for it against its timeout.
  await (await connectTo(s.emulator, s.cert)).credential.getToken();
  try {
    for (const op of OPS) {
      for (const fault of FAULTS) {
        for (const persistent of [false, true]) {
          const name = `${op.name} × ${fault.name} (${persistent ? "every attempt" : "once"})`;
          await t.step(name, async () => {
            await s.reset({ calls: [{ id: IDS.callId, appId: IDS.clientId, participants }] });
            const target = fault.atToken ? TOKEN_PATH : op.path;
            const method = fault.atToken ? "POST" : op.method;
            s.emulator.state.faults = [{
              method,
              path: target,
              ...fault.rule(s.clock.now()),
              ...(persistent ? {} : { times: 1 }),
            }];
            const want = expected(op, fault, persistent);
            const events: GraphTraceEvent[] = [];
            const started = Date.now();
            const sentByClient: { method: string; path: string }[] = [];
            const outcome = await runOp(s, op, (e) => events.push(e), sentByClient);
            const wallMs = Date.now() - started;
            const targetRe = pathRegex(target);
            const sent = sentByClient.filter((r) => r.method === method && targetRe.test(r.path));
            // Every request sent has been answered (and logged) before the state is judged and
            // the next case resets it.
            await settle(s, sentByClient.length);
            const context = `${name}: ${
              "error" in outcome ? String((outcome.error as Error)?.stack ?? outcome.error) : "ok"
            }`;

            // The end state: success, or the typed error with its exit code.
            let end: string;
            if ("error" in outcome) {
              assert.ok(outcome.error instanceof GraphcallError, `untyped error: ${context}`);
              end = outcome.error.code;
            } else if (outcome.itemsFailed?.length) {
              const codes = new Set(outcome.itemsFailed.map((e) => e.code));
              assert.equal(codes.size, 1, `${context}: ${[...codes]}`);
              end = [...codes][0]!;
            } else end = "ok";
            assert.equal(end, want.end, context);
            const exit = "error" in outcome
              ? exitCodeFor(outcome.error)
              : outcome.itemsFailed?.length
              ? exitCodeFor(outcome.itemsFailed[0])
              : 0;
            assert.equal(exit, want.exit, context);

            // Bounded: attempts as the policy says, per item for a bulk removal, and time.
            const perItem = op.name === "bulk remove" && !fault.atToken;
            const items = perItem ? BULK.length : 1;
            const attempts = perItem && !persistent
              ? sent.length - (BULK.length - 1) // one item met the fault once
              : sent.length / items;
            if (op.name === "bulk remove" && fault.atToken && persistent) {
              // Items share one token request in flight; each item may ask again after a failure.
              assert.ok(
                sent.length >= TOKEN_ATTEMPTS && sent.length <= TOKEN_ATTEMPTS * BULK.length,
                `${context}: ${sent.length} token requests`,
              );
            } else {
              assert.equal(attempts, want.attempts, `${context}: ${sent.length} requests`);
            }
            assert.ok(wallMs < CASE_BOUND_MS, `${context}: took ${wallMs} ms`);

            // Nothing half-done.
            const r = roster(s);
            if (op.name === "bulk remove" && "items" in outcome && outcome.items) {
              // Per item: removed or already gone means gone; failed means still there, unless
              // its answer was lost.
              for (const item of outcome.items) {
                const gone = !r.has(item.participantId);
                if (item.outcome !== "failed") assert.ok(gone, `${context}: ${item.participantId}`);
                else if (want.acted === "no") assert.ok(!gone, `${context}: ${item.participantId}`);
                else if (want.acted === "yes") assert.ok(gone, `${context}: ${item.participantId}`);
              }
              assert.ok(r.has(IDS.megan) && r.has(IDS.adele), context);
            } else if (op.name === "remove") {
              const ids = [IDS.adele];
              const gone = ids.filter((id) => !r.has(id)).length;
              if (want.acted === "yes") assert.equal(gone, ids.length, context);
              if (want.acted === "no") assert.equal(gone, 0, context);
              if (end === "ok") assert.equal(gone, ids.length, context);
              assert.ok(r.has(IDS.megan), context);
            } else if (op.name === "mute") {
              const muted = r.get(IDS.adele)!.isMuted;
              if (want.acted !== "either") assert.equal(muted, want.acted === "yes", context);
            } else if (op.name === "invite") {
              const made = s.emulator.requests.some((q) =>
                q.path === `${CALL}/invite` && q.status === 200
              );
              if (want.acted !== "either") assert.equal(made, want.acted === "yes", context);
            } else {
              assert.equal(r.size, BULK.length + 2, context);
            }

            const waitsMs = s.clock.sleeps.reduce((a, b) => a + b, 0);
            rows.push({
              op: op.name,
              fault: fault.name,
              persistent,
              end,
              exit,
              attempts,
              waitsMs,
              wallMs,
            });
            void events;
          });
        }
      }
    }
  } finally {
    globalThis.removeEventListener("unhandledrejection", onUnhandled);
  }
  // Give any stray promise a turn to reject before judging.
  await new Promise((r) => setTimeout(r, 50));
  assert.deepEqual(unhandled, [], "unhandled rejections");
  await writeFigures();
});

async function writeFigures() {
  const lines = [
    `| operation | fault | when | end | exit | attempts | waited (injected) | wall ms |`,
    `| --- | --- | --- | --- | --- | --- | --- | --- |`,
    ...rows.map((r) =>
      `| ${r.op} | ${r.fault} | ${
        r.persistent ? "every attempt" : "once"
      } | ${r.end} | ${r.exit} | ${r.attempts} | ${r.waitsMs} ms | ${r.wallMs} |`
    ),
  ];
  const byEnd = new Map<string, number>();
  for (const r of rows) {
    const k = `${r.end} (exit ${r.exit})`;
    byEnd.set(k, (byEnd.get(k) ?? 0) + 1);
  }
  const summary =
    `fault matrix: ${rows.length} cases (${OPS.length} operations × ${FAULTS.length} faults × once/every attempt): ` +
    [...byEnd].map(([k, n]) => `${n} ${k}`).join(", ") +
    `; max wall ${
      Math.max(...rows.map((r) => r.wallMs))
    } ms; unhandled rejections ${unhandled.length}`;
  const out = Deno.env.get("GRAPHCALL_FAULT_MATRIX_OUT") ??
    await Deno.makeTempFile({ prefix: "graphcall-fault-matrix-", suffix: ".md" });
  await Deno.writeTextFile(out, `${summary}\n\n${lines.join("\n")}\n`);
  console.log(`${summary}\ntable: ${out}`);
}

Deno.test("a token endpoint slower than the per-attempt timeout is retried and ends as timeout, typed", async () => {
  await using s = await sharedEmulator();
  await (await connectTo(s.emulator, s.cert)).credential.getToken();
  s.emulator.state.faults = [{ method: "POST", path: TOKEN_PATH, latencyMs: SLOW_MS }];
  const waits: number[] = [];
  const started = Date.now();
  await assert.rejects(
    requestToken({
      tokenEndpoint: `${s.emulator.authorityUrl}${TOKEN_PATH}`,
      clientId: IDS.clientId,
      scope: "https://graph.microsoft.com/.default",
      credential: { clientSecret: "not-needed-the-answer-never-comes" },
      timeoutMs: 100,
      sleep: (ms) => {
        waits.push(ms);
        return Promise.resolve();
      },
    }),
    (e: unknown) => e instanceof GraphcallError && e.code === "timeout" && exitCodeFor(e) === 7,
  );
  assert.deepEqual(waits, [500, 2000]); // three attempts, each cut at 100 ms
  assert.ok(Date.now() - started < 2_000);
  await settle(s, 3);
});

/** The faults of the CLI runs: `[label, argv, faults, exit code]`. */
const CLI_CASES: [string, string[], FaultSpec[], number][] = [
  ["remove, 500", ["participant", "remove", "--participant", IDS.adele], [{
    method: "DELETE",
    path: `${CALL}/*`,
    status: 500,
  }], 6],
  [
    "remove, 429 on every attempt",
    [
      "--max-retries",
      "1",
      "participant",
      "remove",
      "--participant",
      IDS.adele,
    ],
    [{ method: "DELETE", path: `${CALL}/*`, status: 429, retryAfter: 0 }],
    6,
  ],
  ["remove, 429 once", ["participant", "remove", "--participant", IDS.adele], [{
    method: "DELETE",
    path: `${CALL}/*`,
    status: 429,
    retryAfter: 0,
    times: 1,
  }], 0],
  ["remove, answer lost once", ["participant", "remove", "--participant", IDS.adele], [{
    method: "DELETE",
    path: `${CALL}/*`,
    drop: true,
    times: 1,
  }], 0],
  [
    "remove, HTML page from a proxy",
    [
      "--max-retries",
      "0",
      "participant",
      "remove",
      "--participant",
      IDS.adele,
    ],
    [{ method: "DELETE", path: `${CALL}/*`, status: 503, body: "html" }],
    6,
  ],
  ["list, dropped connection", ["--max-retries", "0", "participant", "list"], [{
    method: "GET",
    path: CALL,
    drop: true,
  }], 7],
  [
    "list, slower than --timeout",
    [
      "--timeout",
      "0.2",
      "--max-retries",
      "0",
      "participant",
      "list",
    ],
    [{ method: "GET", path: CALL, latencyMs: 2_000 }],
    7,
  ],
  ["list, malformed JSON", ["participant", "list"], [{
    method: "GET",
    path: CALL,
    body: "malformedJson",
  }], 6],
  ["token, throttled token endpoint", ["token"], [{
    method: "POST",
    path: "/*/oauth2/v2.0/token",
    status: 429,
    retryAfter: 0,
  }], 6],
];

Deno.test("through the real CLI: faults end in their exit codes, with one JSON document or nothing partial on stdout", async () => {
  const cert = await appCertificate();
  const pem = await writePem(cert);
  // One emulator per run (a removal changes the roster), a few runs at a time.
  const runOne = async (argv: string[], faults: FaultSpec[], mode: "json" | "table") => {
    const emulator = await startEmulator({ state: { tenants: [tenantSpec(cert)], faults } });
    try {
      const env = {
        AZURE_TENANT_ID: IDS.tenantId,
        AZURE_CLIENT_ID: IDS.clientId,
        AZURE_CLIENT_CERTIFICATE_PATH: pem,
        GRAPHCALL_EMULATOR_URL: emulator.graphUrl,
      };
      const withCall = argv.includes("participant") ? [...argv, "--call", IDS.callId] : argv;
      const run = await runCli(mode === "json" ? ["--output", "json", ...withCall] : withCall, {
        env,
      });
      const roster = emulator.state.tenant(IDS.tenantId)!.calls.get(IDS.callId)!.participants;
      return { run, adeleThere: roster.has(IDS.adele) };
    } finally {
      await emulator.close();
    }
  };
  const jobs = CLI_CASES.flatMap(([label, argv, faults, exit]) =>
    (["json", "table"] as const).map((mode) => ({ label, argv, faults, exit, mode }))
  );
  const results: Awaited<ReturnType<typeof runOne>>[] = [];
  let next = 0;
  await Promise.all(Array.from({ length: 4 }, async () => {
    while (next < jobs.length) {
      const i = next++;
      const j = jobs[i]!;
      results[i] = await runOne(j.argv, j.faults, j.mode);
    }
  }));
  jobs.forEach(({ label, argv, exit, mode }, i) => {
    const { run, adeleThere } = results[i]!;
    const context = `${label} (${mode}): ${run.stderr}`;
    assert.equal(run.code, exit, context);
    assert.doesNotMatch(run.stderr, /\bat .*\.ts:\d+|Uncaught|unhandled/i, context);
    if (mode === "json") {
      // One complete JSON document, success or error.
      const doc = JSON.parse(run.stdout);
      if (run.code !== 0) {
        assert.equal(doc.ok, false, context);
        assert.equal(doc.exitCode, exit, context);
      }
    } else if (run.code !== 0) {
      assert.equal(run.stdout, "", `${context}: nothing partial on stdout`);
    }
    // A removal that failed left the participant; one that succeeded took it away.
    if (argv.includes("remove")) assert.equal(adeleThere, exit !== 0, context);
  });
});
