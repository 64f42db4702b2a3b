/**
 * Hostile input, property-based (fast-check, fixed seeds, bounded runs): ids, phone numbers,
 * invitation bodies, PEM and PFX files and emulator state files. The client refuses each with a
 * clear one-line InvalidInputError (exit 2) naming the field, BEFORE sending anything (the
 * emulator counts zero requests, token requests included); the emulator refuses a bad state
 * file with an error naming the field, never a crash.
 *
 * Raw HTTP to the emulator: tests/emulator_fuzz_requests_test.ts (2,900 random requests) and
 * tests/hostile_emulator_test.ts (Graph-shaped answers to hostile requests with a valid token).
 */

import assert from "node:assert/strict";
import { createPublicKey } from "node:crypto";
import fc from "npm:fast-check@^4";
import { exitCodeFor, GraphcallError, InvalidInputError } from "../lib/errors.ts";
import { phone } from "../lib/graph/identities.ts";
import { loadCertificate } from "../lib/auth/certificate.ts";
import { loadState } from "../lib/emulator/state.ts";
import { IDS, startTestEmulator } from "./support/tenant.ts";
import { connectTo } from "./support/graph_fixtures.ts";
import { KEY_PASSWORD, keyFormats } from "./support/auth_fixtures.ts";
import { hostileInviteBody, nest, notAString, withTrick } from "./support/hostile_arbitraries.ts";

const SEED = Number(Deno.env.get("HOSTILE_SEED") ?? 20260309);
const RUNS = Number(Deno.env.get("HOSTILE_RUNS") ?? 300);
/** Inputs generated per target, for the figures. */
const generated = new Map<string, number>();

function count(target: string) {
  generated.set(target, (generated.get(target) ?? 0) + 1);
}

/** Ids that must be refused: path and control characters, unicode tricks, length, wrong types. */
const hostileId: fc.Arbitrary<unknown> = fc.oneof(
  withTrick,
  fc.constantFrom("../../users", "..", "a/../b", "%2e%2e", "..%2f", "\u202egnp.exe", ""),
  fc.string({ minLength: 257, maxLength: 600 }),
  fc.constant("x".repeat(1 << 20)), // a megabyte
  notAString,
);

/** Exactly one message line, naming the field, with no stack and no raw control characters. */
function assertClearRefusal(e: unknown, field: RegExp, context: string) {
  assert.ok(e instanceof InvalidInputError, `${context}: ${e}`);
  assert.equal(e.code, "invalid_input", context);
  assert.equal(exitCodeFor(e), 2, context);
  assert.match(e.field, field, context);
  // deno-lint-ignore no-control-regex
  assert.doesNotMatch(e.message, /[\n\r\u2028\u2029\u0000-\u0008\u001b]/, context);
  assert.ok(e.message.length < 400, `${context}: ${e.message.length} characters`);
}

async function refusal(f: () => unknown): Promise<unknown> {
  try {
    await f();
  } catch (e) {
    return e;
  }
  return undefined;
}

Deno.test(`hostile ids are refused before anything is sent (seed ${SEED})`, async () => {
  await using t = await startTestEmulator();
  const graph = await connectTo(t.emulator, t.cert);
  const call = graph.call(IDS.callId);
  const operations: [string, RegExp, (id: unknown) => unknown][] = [
    ["call", /^callId$/, (id) => graph.call(id as string)],
    ["remove", /^participantId$/, (id) => call.remove(id as string)],
    ["get", /^participantId$/, (id) => call.participant(id as string)],
    ["mute", /^participantId$/, (id) => call.mute(id as string)],
    ["bulk", /^items\[1\]\.participantId$/, (id) => call.removeMany([IDS.adele, id as string])],
    ["what-if remove", /^participantId$/, (id) => call.remove(id as string, { dryRun: true })],
  ];
  await fc.assert(
    fc.asyncProperty(hostileId, fc.nat(operations.length - 1), async (id, which) => {
      count("ids");
      const [name, field, op] = operations[which]!;
      const e = await refusal(() => op(id));
      assertClearRefusal(e, field, `${name}(${JSON.stringify(id)?.slice(0, 80)})`);
      assert.equal(t.emulator.requests.length, 0, "nothing was sent, not even a token request");
    }),
    { seed: SEED, numRuns: RUNS },
  );
  // Any other string is either refused the same way, or stays inside its path segment: Graph
  // sees exactly that id (and answers 404, as no such participant exists).
  await fc.assert(
    fc.asyncProperty(fc.string({ minLength: 1, maxLength: 40, unit: "binary" }), async (id) => {
      count("ids");
      const before = t.emulator.requests.length;
      const e = await refusal(() => call.participant(id));
      if (e instanceof InvalidInputError) {
        assertClearRefusal(e, /^participantId$/, JSON.stringify(id));
        assert.equal(t.emulator.requests.length, before);
        return;
      }
      assert.ok(
        e instanceof GraphcallError && e.code === "not_found",
        `${JSON.stringify(id)}: ${e}`,
      );
      const seen = t.emulator.requests.at(-1)!;
      assert.equal(decodeURIComponent(seen.path.split("/").pop()!), id);
      assert.equal(seen.path.split("/").length, 7, seen.path);
    }),
    { seed: SEED + 1, numRuns: RUNS },
  );
  assert.equal(t.emulator.state.tenant(IDS.tenantId)!.calls.get(IDS.callId)!.participants.size, 2);
});

Deno.test(`hostile phone numbers are refused before anything is sent (seed ${SEED})`, async () => {
  await using t = await startTestEmulator();
  const graph = await connectTo(t.emulator, t.cert);
  const call = graph.call(IDS.callId);
  const digits = fc.string({ unit: fc.constantFrom(..."0123456789"), minLength: 1, maxLength: 20 });
  const hostilePhone: fc.Arbitrary<unknown> = fc.oneof(
    digits, // no +
    digits.map((d) => `+0${d}`), // a country code cannot start with 0
    fc.string({ unit: fc.constantFrom(..."0123456789"), minLength: 1, maxLength: 5 }).map((d) =>
      `+1${d}`
    ), // too short
    fc.string({ unit: fc.constantFrom(..."0123456789"), minLength: 15, maxLength: 40 }).map((
      d,
    ) => `+1${d}`), // too long
    fc.tuple(digits, fc.constantFrom(" ", "-", "(", ")", ".", "\n", "\u200b", "\u202e"), digits)
      .map(([a, s, b]) => `+1${a}${s}${b}`),
    fc.constantFrom(
      "+١٤٢٥٥٥٥٠١٢٣", // Arabic-Indic digits
      "+１４２５５５５０１２３", // fullwidth digits
      "＋14255550123", // fullwidth plus
      "+14255550123\n",
      "+14255550123\u0000",
      "tel:+14255550123",
      "+1 425 555 0123",
      "",
    ),
    fc.constant(`+1${"5".repeat(1 << 20)}`),
    notAString,
  );
  await fc.assert(
    fc.asyncProperty(hostilePhone, fc.boolean(), async (number, raw) => {
      count("phone numbers");
      const e = await refusal(() =>
        raw
          ? call.inviteRaw({ participants: [{ identity: { phone: { id: number } } }] })
          : call.invite([phone(number as string)])
      );
      assertClearRefusal(
        e,
        raw ? /^participants\[0\]\.identity\.phone\.id$/ : /^phone$/,
        String(number).slice(0, 40),
      );
      assert.equal(t.emulator.requests.length, 0);
    }),
    { seed: SEED, numRuns: RUNS },
  );
  // And whatever phone() accepts is plain-ASCII E.164.
  fc.assert(
    fc.property(fc.string({ maxLength: 20, unit: "binary" }), (s) => {
      count("phone numbers");
      const accepted = !(refusalSync(() => phone(s)) instanceof InvalidInputError);
      assert.equal(accepted, /^\+[1-9][0-9]{6,14}$/.test(s), JSON.stringify(s));
    }),
    { seed: SEED, numRuns: RUNS },
  );
});

function refusalSync(f: () => unknown): unknown {
  try {
    f();
  } catch (e) {
    return e;
  }
  return undefined;
}

Deno.test(`hostile invitation bodies are refused before anything is sent (seed ${SEED})`, async () => {
  await using t = await startTestEmulator();
  const graph = await connectTo(t.emulator, t.cert);
  const call = graph.call(IDS.callId);
  await fc.assert(
    fc.asyncProperty(hostileInviteBody, async (body) => {
      count("invitation bodies");
      const e = await refusal(() => call.inviteRaw(body));
      const shown = (JSON.stringify(body) ?? String(body)).slice(0, 100);
      assertClearRefusal(e, /.+/, shown);
      assert.equal(t.emulator.requests.length, 0, shown);
    }),
    { seed: SEED, numRuns: RUNS },
  );
});

Deno.test(`hostile PEM and PFX files are refused with the file named, before any token request (seed ${SEED})`, async () => {
  await using t = await startTestEmulator();
  const formats = keyFormats(t.cert);
  const good = t.cert.certificatePem + formats.pkcs8;
  const dir = await Deno.makeTempDir({ prefix: "graphcall-hostile-pem-" });
  const keyStart = good.indexOf("-----BEGIN PRIVATE KEY-----");
  const keyEnd = good.indexOf("-----END PRIVATE KEY-----");
  const bytes = (s: string) => new TextEncoder().encode(s);
  type Case = [string, Uint8Array, string | undefined];
  const hostileFile: fc.Arbitrary<Case> = fc.oneof<fc.Arbitrary<Case>[]>(
    // PEM truncated inside the certificate or the key
    fc.integer({ min: 0, max: keyEnd - 1 }).map((
      n,
    ) => ["truncated PEM", bytes(good.slice(0, n)), undefined]),
    // a base64 character changed inside the key
    fc.tuple(fc.integer({ min: keyStart + 40, max: keyEnd - 40 }), fc.constantFrom(..."!*~")).map((
      [i, c],
    ) => ["corrupted key", bytes(good.slice(0, i) + c + good.slice(i + 1)), undefined]),
    // the wrong kind of file
    fc.constantFrom<[string, Uint8Array, string | undefined]>(
      ["certificate only", bytes(t.cert.certificatePem), undefined],
      ["key only", bytes(formats.pkcs8), undefined],
      ["public key", bytes(publicPem(formats.pkcs8)), undefined],
      [
        "encrypted key without password",
        bytes(t.cert.certificatePem + formats.encryptedPkcs8),
        undefined,
      ],
      [
        "encrypted key, wrong password",
        bytes(t.cert.certificatePem + formats.encryptedPkcs8),
        "wrong",
      ],
      ["PFX, wrong password", formats.pfxAes, "wrong"],
      ["PFX, no password", formats.pfx3des, undefined],
      ["empty", new Uint8Array(), undefined],
      ["JSON", bytes('{"certificate": true}'), undefined],
    ),
    // PFX truncated, or garbage bytes
    fc.integer({ min: 0, max: formats.pfxAes.length - 1 }).map((
      n,
    ) => ["truncated PFX", formats.pfxAes.slice(0, n), KEY_PASSWORD]),
    fc.uint8Array({ minLength: 1, maxLength: 4096 }).map((b) => ["garbage", b, undefined]),
    fc.uint8Array({ minLength: 1, maxLength: 200 }).map((b) => [
      "garbage in PEM armour",
      bytes(
        `-----BEGIN CERTIFICATE-----\n${
          btoa(String.fromCharCode(...b))
        }\n-----END CERTIFICATE-----\n${formats.pkcs8}`,
      ),
      undefined,
    ]),
  );
  let n = 0;
  await fc.assert(
    fc.asyncProperty(hostileFile, async ([kind, content, password]) => {
      count("PEM and PFX files");
      const path = `${dir}/case-${n++}.${kind.includes("PFX") ? "pfx" : "pem"}`;
      await Deno.writeFile(path, content);
      const e = await refusal(async () => {
        const client = await connectTo(t.emulator, t.cert, {
          certificate: { path, ...(password !== undefined ? { password } : {}) },
        });
        await client.credential.getToken();
      });
      assert.ok(e instanceof GraphcallError, `${kind}: ${e}`);
      assert.ok(
        ["invalid_input", "credential_invalid", "missing_credential"].includes(e.code),
        `${kind}: ${e.code} ${e.message}`,
      );
      assert.ok(exitCodeFor(e) === 2 || exitCodeFor(e) === 3, kind);
      assert.ok(e.message.includes(path), `${kind}: names the file: ${e.message}`);
      assert.doesNotMatch(e.message, /\n|PRIVATE KEY-----|MII[A-Za-z0-9+/]{20}/, kind);
      assert.equal(t.emulator.requests.length, 0, `${kind}: nothing was sent`);
      await Deno.remove(path);
    }),
    { seed: SEED, numRuns: Math.min(RUNS, 200) },
  );
  // The untouched file still works: the refusals above are the damage's doing.
  const path = `${dir}/good.pem`;
  await Deno.writeTextFile(path, good);
  assert.ok((await loadCertificate({ path })).thumbprintSha1);
});

function publicPem(pkcs8: string): string {
  return createPublicKey(pkcs8).export({ format: "pem", type: "spki" }).toString();
}

Deno.test(`hostile emulator state files are refused naming the field, never a crash (seed ${SEED})`, async () => {
  const dir = await Deno.makeTempDir({ prefix: "graphcall-hostile-state-" });
  const validTenant = {
    id: IDS.tenantId,
    apps: [{ clientId: IDS.clientId, secrets: [{ value: "s" }] }],
    calls: [{ id: IDS.callId, participants: [{ id: IDS.adele, identity: {} }] }],
  };
  const fields = [
    "tenants",
    "faults",
    "throttle",
    "github",
    "settings",
  ];
  const tenantFields = [
    "id",
    "domains",
    "cloud",
    "allowRemoveParticipantAppIds",
    "apps",
    "users",
    "calls",
  ];
  const junk = fc.oneof(
    fc.string({ maxLength: 30 }),
    fc.integer(),
    fc.double(),
    fc.boolean(),
    fc.constant(null),
    fc.array(fc.anything({ maxDepth: 2 }), { maxLength: 4 }),
    fc.object({ maxDepth: 2 }),
  );
  const hostileState: fc.Arbitrary<string> = fc.oneof(
    // not JSON, or not an object
    fc.string({ maxLength: 200 }),
    junk.map((v) => JSON.stringify(v)),
    // a top-level field of the wrong type
    fc.tuple(fc.constantFrom(...fields), junk).map(([k, v]) =>
      JSON.stringify({ tenants: [validTenant], [k]: v })
    ),
    // a tenant field of the wrong type
    fc.tuple(fc.constantFrom(...tenantFields), junk).map(([k, v]) =>
      JSON.stringify({ tenants: [{ ...validTenant, [k]: v }] })
    ),
    // tenants of the wrong shape, deep nesting, a huge string
    fc.array(junk, { minLength: 1, maxLength: 3 }).map((t) => JSON.stringify({ tenants: t })),
    fc.integer({ min: 100, max: 3000 }).map((d) => JSON.stringify({ tenants: [nest(d, false)] })),
    fc.constant(JSON.stringify({ tenants: [{ ...validTenant, id: "t".repeat(1 << 20) }] })),
    // a valid file cut short
    fc.integer({ min: 1, max: 120 }).map((n) =>
      JSON.stringify({ tenants: [validTenant], faults: [] }).slice(0, n)
    ),
  );
  let n = 0;
  let loaded = 0;
  await fc.assert(
    fc.asyncProperty(hostileState, async (text) => {
      count("emulator state files");
      const path = `${dir}/state-${n++}.json`;
      await Deno.writeTextFile(path, text);
      try {
        await loadState(path);
        loaded++; // some generated values are valid (e.g. an empty github section)
      } catch (e) {
        assert.ok(e instanceof InvalidInputError, `${text.slice(0, 120)}: ${e}`);
        assert.match(e.field, /^state(\.|$)/, text.slice(0, 120));
        assert.ok(e.message.length < 600, text.slice(0, 120));
      }
      await Deno.remove(path);
    }),
    { seed: SEED, numRuns: RUNS },
  );
  assert.ok(loaded < n / 2, `most generated state files are refused (${loaded} of ${n} loaded)`);
});

Deno.test("the figures: inputs generated per hostile-input target", () => {
  // Runs last in this file (tests run in order); the counts are printed for the report.
  const line = [...generated].map(([k, v]) => `${k} ${v}`).join(", ");
  console.log(`hostile inputs generated: ${line}`);
  assert.ok(generated.size >= 5, line);
});
