/**
 * The CLI: parses the arguments against the command tree, answers help and version from the
 * specs, loads the one command module that runs, has it parse its options and run, prints the
 * outcome, and turns every failure into one line (or one JSON document) and an exit code.
 *
 * Nothing here imports a command's code or the library's HTTP and credential code: a command
 * module is imported when it runs, and the library when the command connects.
 *
 * @module
 */

import { EXIT_CODES } from "../errors.ts";
import * as redaction from "../redact.ts";
import { VERSION } from "../version.ts";
import { colourAllowed, type Painter, painter } from "./colour.ts";
import { findCommand, ROOT } from "./command_tree.ts";
import type { ConnectionSession } from "./connection.ts";
import { commandDeps } from "./deps.ts";
import {
  annotateError,
  type CommandStream,
  inGithubActions,
  maskSecretsAsRegistered,
  writeOutputs,
} from "./github_actions.ts";
import { GLOBAL_OPTIONS, globalOptionsFrom } from "./global_option_specs.ts";
import { connectOptionsFrom, refuseClientSecret, runtimeOptionsFrom } from "./global_options.ts";
import { renderHelp } from "./help.ts";
import { type Io, processIo } from "./io.ts";
import { emit } from "./output.ts";
import { guardedIo } from "./output_guard.ts";
import { parseArgv, UsageError } from "./parse_argv.ts";
import { POWERSHELL_ALIASES, translateAlias } from "./powershell_aliases.ts";
import {
  cliMessage,
  errorDocument,
  helpHint,
  type OutputFormat,
  printJson,
  reportError,
} from "./render.ts";
import { sanitise } from "./sanitise.ts";

/** Options of {@link main} for a run inside another (the demo) or a test. */
export interface MainOptions {
  /** Shared with the runs it starts (one token cache, as in one process). */
  session?: ConnectionSession;
}

/** The index of the first command word in argv, skipping global options and their values. */
function commandIndex(argv: readonly string[]): number {
  const takesValue = new Set<string>();
  for (const o of GLOBAL_OPTIONS) {
    if (o.value !== undefined) {
      takesValue.add(o.flag);
      if (o.short) takesValue.add(o.short);
    }
  }
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === "--") return i + 1 < argv.length ? i + 1 : -1;
    if (!a.startsWith("-") || a === "-") return i;
    if (takesValue.has(a)) i++;
  }
  return -1;
}

/** `--output json` anywhere in argv (so that even usage errors come out as JSON). */
function formatFromArgv(argv: readonly string[]): OutputFormat {
  return argv.some((a, i) => a === "--output=json" || (a === "--output" && argv[i + 1] === "json"))
    ? "json"
    : "table";
}

/** A PowerShell name's translation, checked against the target command's spec. */
function translatePowerShell(argv: readonly string[], index: number): string[] {
  const word = argv[index]!;
  const translation = translateAlias(argv, index);
  if (!translation) {
    throw new UsageError(
      sanitise(word.slice(0, 60)),
      `unknown command '${sanitise(word.slice(0, 60))}'; PowerShell names graphcall knows: ${
        POWERSHELL_ALIASES.map((a) => a.cmdlet).join(", ")
      }`,
    );
  }
  const path = translation.command.filter((w) => !w.startsWith("-"));
  const target = findCommand(path);
  if (!target || target.commands) {
    throw new UsageError(
      translation.alias.cmdlet,
      `${translation.alias.cmdlet} stands for 'graphcall ${
        path.join(" ")
      }', which this build does not have`,
    );
  }
  for (const flag of translation.flags) {
    const known = [...(target.options ?? []), ...GLOBAL_OPTIONS].some((o) => o.flag === flag);
    if (!known) {
      throw new UsageError(
        flag,
        `${translation.alias.cmdlet}: ${flag} is not supported by 'graphcall ${
          path.join(" ")
        }' in this build`,
      );
    }
  }
  return translation.argv;
}

/**
 * Runs the CLI with `argv` (without the program name) and returns the exit code.
 *
 * @example Print the version
 * ```ts ignore
 * import { main } from "./main.ts";
 * Deno.exit(await main(["--version"]));
 * ```
 */
export async function main(
  argv: readonly string[],
  io: Io = processIo(),
  options: MainOptions = {},
): Promise<number> {
  let command: string | undefined;
  const format = formatFromArgv(argv);
  const github = inGithubActions(io);
  const stream: CommandStream = format === "json" ? "stderr" : "stdout";
  const noColor = argv.includes("--no-color");
  const paint = painter(colourAllowed(io, io.isTerminal, noColor));
  const human = guardedIo(io, { actions: github });
  const session = options.session ?? {};
  // In GitHub Actions each secret is masked as soon as auth registers it, before anything could
  // print it.
  const unsubscribe = github
    ? maskSecretsAsRegistered(io, redaction.onSecretRegistered, stream)
    : () => {};
  try {
    let args = [...argv];
    const index = commandIndex(argv);
    const word = index >= 0 ? argv[index]! : "";
    if (index >= 0 && /^[A-Za-z]+-[A-Za-z]+$/.test(word) && !findCommand([word])) {
      command = word;
      args = translatePowerShell(argv, index);
    }
    const parsed = parseArgv(args, ROOT);
    command = parsed.path.join(" ") || undefined;
    if (parsed.version) {
      human.out(`${VERSION}\n`);
      return EXIT_CODES.ok;
    }
    if (parsed.help) {
      human.out(renderHelp(ROOT, parsed.path));
      return EXIT_CODES.ok;
    }
    const globals = globalOptionsFrom(parsed.globals);
    // Global flags are checked before any command runs: a bad one fails early, nothing sent.
    refuseClientSecret(globals);
    connectOptionsFrom(globals, io);
    runtimeOptionsFrom(globals);
    const module = await parsed.command.load!();
    const typed = await module.parse(parsed.options, { io, globals, args: parsed.args });
    const deps = commandDeps({
      io: human,
      globals,
      paint,
      session,
      runCli: (nested, nestedIo) => main(nested, nestedIo, { session }),
    });
    const outcome = await module.run(typed, deps);
    return await emit({ human, raw: io, commandStream: stream }, globals, outcome);
  } catch (error) {
    if (error instanceof UsageError && error.command) command = error.command;
    const code = reportFailure(human, io, error, format, command, argv, paint);
    if (github) {
      annotateError(io, sanitise(redaction.redact(cliMessage(error))), {
        title: `graphcall${command ? " " + sanitise(command) : ""}`,
        stream,
      });
      try {
        await writeOutputs(io, {
          result: redaction.redact(JSON.stringify(errorDocument(error, command))),
        });
      } catch {
        // The failure is already reported; an unwritable GITHUB_OUTPUT must not hide it.
      }
    }
    return code;
  } finally {
    unsubscribe();
  }
}

function reportFailure(
  human: Io,
  raw: Io,
  error: unknown,
  format: OutputFormat,
  command: string | undefined,
  argv: readonly string[],
  paint: Painter,
): number {
  if (error instanceof UsageError) {
    if (format === "json") {
      printJson(raw, errorDocument(error, command));
    } else {
      human.err(
        `graphcall: ${paint("red", "error:")} ${sanitise(error.message)} ${helpHint(command)}\n`,
      );
    }
    return EXIT_CODES.usage;
  }
  const verbose = argv.includes("--verbose") || argv.includes("-v");
  return reportError(format === "json" ? raw : human, error, format, {
    verbose,
    ...(command ? { command } : {}),
    paint,
  });
}
