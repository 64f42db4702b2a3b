import assert from "node:assert/strict";
import { findCommand, ROOT } from "../lib/cli/command_tree.ts";
import { completionNode } from "../lib/cli/commands/completions.ts";
import { renderHelp, wrap } from "../lib/cli/help.ts";
import { parseArgv, UsageError } from "../lib/cli/parse_argv.ts";
import { optionKey } from "../lib/cli/spec.ts";
import { didYouMean, editDistance } from "../lib/cli/suggest.ts";
import { runMain } from "./support/run_main.ts";

const CALL = "112f7296-5fa4-42ca-bae8-6a692b15d4b8";

function usageError(argv: string[]): UsageError {
  try {
    parseArgv(argv, ROOT);
  } catch (e) {
    assert.ok(e instanceof UsageError, String(e));
    return e;
  }
  assert.fail(`no error for ${argv.join(" ")}`);
}

Deno.test("the parser reads --flag value, --flag=value, repeatable flags and global options on either side", () => {
  const p = parseArgv([
    "--output=json",
    "participant",
    "remove",
    "--call",
    CALL,
    "--participant",
    "p1",
    "--participant=p2",
    "-qy",
    "--no-color",
    "--tenant",
    "contoso",
  ], ROOT);
  assert.deepEqual(p.path, ["participant", "remove"]);
  assert.equal(p.options.call, CALL);
  assert.deepEqual(p.options.participant, ["p1", "p2"]);
  assert.equal(p.globals.output, "json");
  assert.equal(p.globals.quiet, true);
  assert.equal(p.globals.yes, true);
  assert.equal(p.globals.color, false);
  assert.equal(p.globals.tenant, "contoso");
  assert.equal(p.help, false);
});

Deno.test("the parser takes '-' and negative numbers as values, and -- ends the options", () => {
  const stdin = parseArgv(["participant", "remove", "--call", CALL, "--from", "-"], ROOT);
  assert.equal(stdin.options.from, "-");
  const negative = parseArgv(["participant", "list", "--call", CALL, "--top", "-1"], ROOT);
  assert.equal(negative.options.top, "-1");
  const rest = parseArgv(["completions", "--", "bash"], ROOT);
  assert.deepEqual(rest.args, ["bash"]);
});

Deno.test("defaults fill options that are not given; required options and arguments are enforced", () => {
  const cert = parseArgv(["cert", "new", "--out", "a.pem"], ROOT);
  assert.equal(cert.options.keySize, "3072");
  assert.equal(cert.options.subject, "CN=graphcall");
  assert.equal(cert.globals.output, "table");
  assert.match(usageError(["cert", "new"]).message, /required option '--out <file>'/);
  assert.match(usageError(["completions"]).message, /missing required argument 'shell'/);
  assert.match(usageError(["completions", "fish"]).message, /allowed: bash, zsh, pwsh/);
});

Deno.test("mistakes are one usage error naming the flag, with a suggestion for near misses", () => {
  const cases: [string[], RegExp][] = [
    [["participant", "remove", "--cal", "x"], /^unknown option '--cal' \(did you mean --call\?\)$/],
    [["partcipant"], /^unknown command 'partcipant' \(did you mean participant\?\)$/],
    [
      ["participant", "remve"],
      /unknown command 'remve' for 'participant' \(did you mean remove\?\)/,
    ],
    [["--outptu", "json"], /unknown option '--outptu' \(did you mean --output\?\)/],
    [
      ["--output", "jsno", "clouds"],
      /argument 'jsno' is invalid; allowed: table, json \(did you mean json\?\)/,
    ],
    [["participant", "list", "--call"], /^option '--call <id>' needs a value$/],
    [["participant", "list", "--call", "--what-if"], /^option '--call <id>' needs a value$/],
    [["participant", "list", "--call", CALL, "--what-if=yes"], /'--what-if' takes no value/],
    [["participant", "list", "--call", "a", "--call", "b"], /'--call' is given more than once/],
    [["clouds", "extra"], /too many arguments for 'clouds': expected none, got 'extra'/],
    [["participant"], /^participant needs a command: remove, invite, list, get, mute$/],
    [["participant", "list", "-Z"], /^unknown option '-Z'$/],
  ];
  for (const [argv, message] of cases) {
    const e = usageError(argv);
    assert.match(e.message, message, argv.join(" "));
    assert.ok(!e.message.includes("\n"), argv.join(" "));
  }
  // A command's own option is not a global one: before the command word it is unknown.
  assert.match(usageError(["--call", CALL, "participant", "list"]).message, /unknown option/);
  // The hidden --client-secret is parsed (to be refused), never suggested.
  assert.doesNotMatch(
    usageError(["--client-secre", "x", "clouds"]).message,
    /--client-secret\?|--client-secret or|--client-secret,/,
  );
  assert.equal(didYouMean("--zzz", ["--call"]), "");
  assert.equal(parseArgv(["--client-secret", "x", "clouds"], ROOT).globals.clientSecret, "x");
});

Deno.test("--help anywhere, -h and 'help <command>' ask for that command's help", () => {
  for (
    const argv of [
      ["participant", "remove", "--help"],
      ["participant", "remove", "--call", "--help"].filter((w) => w !== "--call"),
      ["-h", "participant", "remove"],
      ["help", "participant", "remove"],
    ]
  ) {
    const p = parseArgv(argv, ROOT);
    assert.equal(p.help, true, argv.join(" "));
    assert.deepEqual(p.path, ["participant", "remove"], argv.join(" "));
  }
  assert.equal(parseArgv(["-V"], ROOT).version, true);
});

Deno.test("help is rendered from the spec: usage line, wrapped option columns, footer", () => {
  const help = renderHelp(ROOT, ["participant", "list"]);
  const lines = help.split("\n");
  assert.equal(lines[0], "Usage: graphcall participant list [options]");
  assert.equal(lines[2], "list the participants of a call");
  assert.ok(lines.includes("Options:"));
  assert.match(help, /^ {2}--call <id> {2,}the call id$/m);
  assert.match(help, /^ {2}-h, --help {2,}display help for command$/m);
  assert.match(help, /\nExample:\n {2}graphcall participant list --call /);
  assert.ok(lines.every((l) => l.length <= 80));
  assert.deepEqual(wrap("aaa bbb ccc", 7), ["aaa bbb", "ccc"]);
  // Hidden options stay out of the help.
  assert.doesNotMatch(renderHelp(ROOT, []), /--client-secret </);
});

Deno.test("the root help maps Get-MgCommunicationCallParticipant to both participant list and participant get", async () => {
  const run = await runMain(["--help"]);
  assert.match(
    run.stdout,
    /^ {2}Get-MgCommunicationCallParticipant +participant list\n {47}participant get \(-ParticipantId\)$/m,
  );
});

Deno.test("shell completions come from the specs and never offer --client-secret", async () => {
  const node = completionNode(ROOT);
  const remove = node.children.find((c) => c.name === "participant")!.children.find((c) =>
    c.name === "remove"
  )!;
  assert.ok(remove.flags.includes("--all-except-self"));
  assert.ok(node.flags.includes("--client-secret-file"));
  for (const shell of ["bash", "zsh", "pwsh"]) {
    const run = await runMain(["completions", shell]);
    assert.equal(run.code, 0, run.stderr);
    assert.ok(run.stdout.includes("--client-secret-file"), shell);
    assert.doesNotMatch(run.stdout, /--client-secret(?!-file)/, shell);
  }
});

Deno.test("option keys are the flag in camelCase; --no-x is x", () => {
  assert.equal(optionKey({ flag: "--all-except-self" }), "allExceptSelf");
  assert.equal(optionKey({ flag: "--no-color" }), "color");
  assert.equal(editDistance("--cal", "--call"), 1);
  assert.equal(editDistance("remvoe", "remove"), 1);
  assert.ok(findCommand(["participant", "remove"])?.load);
  assert.equal(findCommand(["nope"]), undefined);
});

Deno.test("a PowerShell parameter mapped to a flag the command lacks is refused in one line", async () => {
  const run = await runMain(["Get-MgEnvironment", "-Name", "Global", "-Debug", "--what-if"]);
  assert.equal(run.code, 2);
  assert.match(run.stderr, /unknown option '--what-if'/);
  assert.equal(run.stderr.trimEnd().split("\n").length, 1);
});
