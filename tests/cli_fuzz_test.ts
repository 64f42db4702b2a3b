import assert from "node:assert/strict";
import fc from "npm:fast-check@^4";
import { main } from "../lib/cli/main.ts";
import { captureIo } from "./support/capture_io.ts";
import { runCli } from "./support/run_cli.ts";

const CALL = "112f7296-5fa4-42ca-bae8-6a692b15d4b8";
const PID = "a7ebfb2d-871e-419c-87af-27290b22e8db";

const junkWord = fc.stringMatching(/^[a-z][a-z0-9]{2,10}$/).filter((w) =>
  !["participant", "cert", "clouds", "emulator", "demo", "completions", "help"].includes(w)
);
const badId = fc.oneof(
  fc.constantFrom("../x", "a/b", "x?y", "a#b", "%2e", "a b", "a\tb", "..", "a\u200bb"),
  fc.string({ minLength: 1, maxLength: 8 }).map((s) => `${s}/${s}`),
  fc.constant("x".repeat(300)),
);
const unknownFlag = junkWord.map((w) => `--zz-${w}`);

/** Argument vectors that are each wrong in exactly one way the CLI must name. */
const malformed: fc.Arbitrary<readonly string[]> = fc.oneof(
  // an unknown command
  junkWord.map((w) => [w]),
  // an unknown option on a real command
  fc.tuple(
    fc.constantFrom(
      ["participant", "remove", "--call", CALL, "--participant", PID],
      ["participant", "list", "--call", CALL],
      ["participant", "invite", "--call", CALL, "--user", PID],
      ["participant", "get", "--call", CALL, "--participant", PID],
      ["participant", "mute", "--call", CALL, "--participant", PID],
      ["clouds"],
      ["cert", "new", "--out", "x.pem"],
    ),
    unknownFlag,
  ).map(([base, flag]) => [...base, flag]),
  // an option that needs a value, given none
  fc.constantFrom(
    ["participant", "remove", "--call"],
    ["participant", "list", "--call"],
    ["--tenant"],
    ["clouds", "--name"],
    ["participant", "remove", "--call", CALL, "--participant"],
    ["participant", "invite", "--call", CALL, "--user"],
    ["participant", "remove", "--resume"],
    ["participant", "remove", "--call", CALL, "--from", "x", "--journal"],
    ["participant", "mute", "--call", CALL, "--participant", PID, "--client-context"],
    ["participant", "get", "--participant-url"],
  ),
  // required options missing
  fc.constantFrom(
    ["participant", "remove"],
    ["participant", "list"],
    ["participant", "remove", "--call", CALL],
    ["cert", "new"],
    ["participant", "invite", "--call", CALL],
    ["participant", "get", "--call", CALL],
    ["participant", "mute", "--participant", PID],
  ),
  // bad values of the new commands' flags
  fc.oneof(
    fc.tuple(
      fc.constantFrom(
        ["participant", "invite", "--call", CALL, "--user"],
        ["participant", "invite", "--call", CALL, "--application"],
        ["participant", "invite", "--call", CALL, "--user", PID, "--replaces-call-id"],
        ["participant", "invite", "--call", CALL, "--user", PID, "--participant-id"],
        ["participant", "get", "--call", CALL, "--participant"],
        ["participant", "mute", "--call", CALL, "--participant"],
      ),
      badId,
    ),
    fc.tuple(
      fc.constantFrom(
        ["participant", "invite", "--call", CALL, "--phone"],
      ),
      fc.constantFrom("12345", "+0123456789", "x y", "+1 425 555 0123", "0049301234567"),
    ),
    fc.tuple(
      fc.constantFrom(
        ["participant", "remove", "--call", CALL, "--participant", PID, "--concurrency"],
        ["participant", "list", "--call", CALL, "--top"],
      ),
      fc.constantFrom("0", "65", "-1", "x", "1.5", "1e3"),
    ),
    fc.tuple(
      fc.constantFrom(["participant", "get", "--participant-url"], [
        "participant",
        "mute",
        "--participant-url",
      ], ["participant", "remove", "--participant-url"]),
      fc.constantFrom("ftp://a/communications/calls/c/participants/p", "http://h/calls/a", "x y"),
    ),
  ).map(([base, value]) => [...base, value, "--what-if"]),
  // ids that could break out of the Graph path
  fc.tuple(badId, fc.boolean()).map(([id, asCall]) =>
    asCall
      ? ["participant", "remove", "--call", id, "--participant", PID, "--what-if"]
      : ["participant", "remove", "--call", CALL, "--participant", id, "--what-if"]
  ),
  // bad values of global options
  fc.tuple(
    fc.constantFrom("--output", "--graph-version", "--timeout", "--max-retries", "--cloud"),
    fc.string({ minLength: 1, maxLength: 6 }).filter((s) =>
      !/^(json|table|beta|v1\.0|\d+(\.\d+)?|global|usgov|usgovdod|china)$/i.test(s) &&
      !s.startsWith("-")
    ),
  ).map(([flag, value]) => [
    flag,
    value,
    "participant",
    "remove",
    "--call",
    CALL,
    "--participant",
    PID,
    "--what-if",
  ]),
  // a missing subcommand, a bad completions shell, extra arguments
  fc.constantFrom(["participant"], ["cert"], ["completions", "fish"], ["clouds", "extra"]),
  // PowerShell names: unknown or ambiguous parameters, missing values, stray arguments
  fc.tuple(
    fc.constantFrom(
      "Remove-MgCommunicationCallParticipant",
      "remove-mgcommunicationcallparticipant",
      "GET-MGCOMMUNICATIONCALLPARTICIPANT",
    ),
    fc.oneof(
      fc.constantFrom(["-P", "x"], ["-CallId"], ["-Zebra", "1"], ["stray"], ["-WhatIf:maybe"]),
      junkWord.map((w) => [`-Q${w}`, "v"]),
    ),
  ).map(([cmdlet, rest]) => [cmdlet, ...rest]),
  // unknown PowerShell-looking names
  junkWord.map((w) => [`Remove-Mg${w}`]),
);

function assertOneLineUsageError(
  argv: readonly string[],
  code: number,
  stdout: string,
  stderr: string,
) {
  const context = JSON.stringify(argv);
  assert.equal(code, 2, `exit code for ${context}: ${stderr}`);
  assert.equal(stdout, "", `stdout for ${context}`);
  const lines = stderr.trimEnd().split("\n");
  assert.equal(lines.length, 1, `one line for ${context}: ${stderr}`);
  assert.match(lines[0]!, /^graphcall: error: .+ \(see graphcall [^()]*--help\)$/, context);
  assert.doesNotMatch(stderr, /\bat .*\.ts:\d+|Error:|TypeError|undefined/, context);
}

Deno.test("250 generated malformed argument vectors each exit 2 with one line naming the problem", async () => {
  let runs = 0;
  await fc.assert(
    fc.asyncProperty(malformed, async (argv) => {
      const io = captureIo();
      const code = await main(argv, io);
      assertOneLineUsageError(argv, code, io.stdout, io.stderr);
      runs++;
    }),
    { numRuns: 250, seed: 20240601 },
  );
  assert.ok(runs >= 250);
});

Deno.test("malformed argument vectors with --output json print one JSON error document", async () => {
  await fc.assert(
    fc.asyncProperty(malformed, async (argv) => {
      const io = captureIo();
      const code = await main([...argv, "--output", "json"], io);
      assert.equal(code, 2, JSON.stringify(argv));
      const doc = JSON.parse(io.stdout);
      assert.equal(doc.ok, false);
      assert.equal(doc.exitCode, 2);
      assert.equal(typeof doc.error.message, "string");
      assert.match(doc.error.code, /^(usage|invalid_input)$/);
      assert.equal(io.stderr, "");
    }),
    { numRuns: 60, seed: 7 },
  );
});

Deno.test("spawned malformed commands exit 2 with one line and no stack trace", async () => {
  const cases = [
    ["participant", "remove", "--cal", "x"],
    ["nope"],
    ["Remove-MgCommunicationCallParticipant", "-P", "x"],
    ["participant", "remove", "--call", "../../users", "--participant", PID],
    ["--timeout", "soon", "participant", "list", "--call", CALL],
    ["participant", "invite", "--call", CALL, "--phone", "12345"],
    ["Invoke-MgInviteCommunicationCallParticipant", "-CallId", CALL, "-Zz", "1"],
  ];
  for (const argv of cases) {
    const run = await runCli(argv);
    assertOneLineUsageError(argv, run.code, run.stdout, run.stderr);
  }
});
