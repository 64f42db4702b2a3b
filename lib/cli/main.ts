/**
 * The CLI: builds the command tree, runs one command, and turns every outcome into output and
 * an exit code. Parsing and rendering only; the work is in lib/.
 *
 * Heavy commands (`emulator`, `demo`) are loaded only when they run; the rest of the time a
 * placeholder with their name and description stands in for them, so startup stays fast.
 *
 * @module
 */

import { Command, CommanderError } from "npm:@commander-js/extra-typings@15.1.0";
import { EXIT_CODE_TABLE, EXIT_CODES, InvalidInputError } from "../errors.ts";
import * as redaction from "../redact.ts";
import { VERSION } from "../version.ts";
import { colourAllowed, painter } from "./colour.ts";
import { certCommand } from "./commands/cert.ts";
import { cloudsCommand } from "./commands/clouds.ts";
import { completionsCommand, type TreeSource } from "./commands/completions.ts";
import { participantCommand } from "./commands/participant.ts";
import {
  annotateError,
  type CommandStream,
  inGithubActions,
  maskSecretsAsRegistered,
  writeOutputs,
} from "./github_actions.ts";
import { addGlobalOptions } from "./global_options.ts";
import { type Io, processIo } from "./io.ts";
import { POWERSHELL_ALIASES, translateAlias } from "./powershell_aliases.ts";
import { errorDocument, helpHint, type OutputFormat, printJson, reportError } from "./render.ts";

/** A command that is loaded only when it runs. */
interface LazyCommand {
  name: string;
  description: string;
  load(
    io: Io,
    setExit: (code: number) => void,
  ): Promise<Command<unknown[], Record<string, unknown>>>;
}

type AnyCommand = Command<unknown[], Record<string, unknown>>;

const LAZY_COMMANDS: readonly LazyCommand[] = [
  {
    name: "emulator",
    description: "run the local Entra ID + Graph emulator",
    load: async (io, setExit) =>
      (await import("./commands/emulator.ts")).emulatorCommand(
        io,
        setExit,
      ) as unknown as AnyCommand,
  },
  {
    name: "demo",
    description: "remove a participant from a call on a local emulated tenant, step by step",
    load: async (io, setExit) =>
      (await import("./commands/demo.ts")).demoCommand(io, setExit) as unknown as AnyCommand,
  },
  {
    name: "token",
    description: "get an app-only token and show its claims (never the token itself)",
    load: async (io, setExit) =>
      (await import("./commands/token.ts")).tokenCommand(io, setExit) as unknown as AnyCommand,
  },
  {
    name: "tenant",
    description: "tenant setup: the Set-CsApplicationMeetingConfiguration script for an app",
    load: async (io, setExit) =>
      (await import("./commands/tenant.ts")).tenantCommand(io, setExit) as unknown as AnyCommand,
  },
  {
    name: "doctor",
    description: "check credentials, token, roles, clock, cloud and tenant policy, with fixes",
    load: async (io, setExit) =>
      (await import("./commands/doctor.ts")).doctorCommand(io, setExit) as unknown as AnyCommand,
  },
];

const EXIT_HELP = "\nExit codes:\n" +
  EXIT_CODE_TABLE.map((e) => `  ${String(e.code).padStart(3)}  ${e.meaning}`).join("\n") + "\n";

const ALIAS_HELP = "\nPowerShell names (case-insensitive, parameters by unambiguous prefix):\n" +
  POWERSHELL_ALIASES.map((a) => `  ${a.cmdlet.padEnd(44)} ${a.command.join(" ")}`).join("\n") +
  "\n";

/** Options of {@link buildProgram}. */
export interface BuildOptions {
  /** Load these lazy commands for real (default: none); `true` loads them all. */
  load?: readonly string[] | true;
}

/** Builds the program. `setExit` records the exit code an action decided. */
export async function buildProgram(
  io: Io,
  setExit: (code: number) => void,
  options: BuildOptions = {},
) {
  const program = addGlobalOptions(
    new Command("graphcall")
      .description(
        "Remove and invite participants of Microsoft Teams calls through Microsoft Graph.",
      )
      .version(VERSION, "-V, --version", "print the version")
      .showSuggestionAfterError(true),
  );
  program.addHelpText(
    "after",
    "\nExample:\n  graphcall participant remove --call CALL_ID --participant PARTICIPANT_ID\n" +
      "  graphcall Remove-MgCommunicationCallParticipant -CallId CALL_ID -ParticipantId ID -WhatIf\n" +
      ALIAS_HELP + EXIT_HELP,
  );
  program.addCommand(participantCommand(io, setExit));
  program.addCommand(certCommand(io, setExit));
  program.addCommand(cloudsCommand(io, setExit));
  for (const lazy of LAZY_COMMANDS) {
    const load = options.load === true || (options.load ?? []).includes(lazy.name);
    program.addCommand(
      load ? await lazy.load(io, setExit) : new Command(lazy.name).description(lazy.description),
    );
  }
  program.addCommand(
    completionsCommand(
      io,
      setExit,
      async () => await buildProgram(io, setExit, { load: true }) as unknown as TreeSource,
    ),
  );
  return program;
}

/** The full command path of a command, e.g. `participant remove`. */
function pathOf(command: AnyCommand): string {
  const names: string[] = [];
  for (let c: AnyCommand | null = command; c && c.parent; c = c.parent as AnyCommand | null) {
    names.unshift(c.name());
  }
  return names.join(" ");
}

function findCommand(program: AnyCommand, path: readonly string[]): AnyCommand | undefined {
  let current: AnyCommand | undefined = program;
  for (const name of path) {
    current = current?.commands.find((c) => c.name() === name) as AnyCommand | undefined;
  }
  return current;
}

/** The index of the first command word in argv, skipping global options and their values. */
function commandIndex(program: AnyCommand, argv: readonly string[]): number {
  const takesValue = new Set<string>();
  for (const o of program.options) {
    if (o.required || o.optional) {
      if (o.long) takesValue.add(o.long);
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

/** A usage error that commander (or the alias binder) raised, as one line. */
class UsageError extends InvalidInputError {
  constructor(message: string) {
    super("usage", message);
    this.message = message;
  }
  override toJSON(): Record<string, unknown> {
    return { code: "usage", message: this.message };
  }
}

interface ParseState {
  errors: { command: string; text: string }[];
  errText: string[];
}

function configure(command: AnyCommand, io: Io, state: ParseState) {
  command.exitOverride();
  command.configureOutput({
    // Help is always 80 columns and plain, so it reads the same everywhere (and `graphcall --help`
    // can be answered from lib/cli/root_help.ts without loading the parser).
    getOutHelpWidth: () => 80,
    getErrHelpWidth: () => 80,
    getOutHasColors: () => false,
    getErrHasColors: () => false,
    writeOut: (s) => io.out(s),
    writeErr: (s) => state.errText.push(s),
    outputError: (s) => state.errors.push({ command: pathOf(command), text: s }),
  });
  for (const sub of command.commands) configure(sub as AnyCommand, io, state);
}

function oneLine(text: string): string {
  return text.replace(/^error:\s*/i, "").replace(/\s*\n\s*/g, " ").trim();
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
export async function main(argv: readonly string[], io: Io = processIo()): Promise<number> {
  let exitCode: number = EXIT_CODES.ok;
  let command: string | undefined;
  const format = formatFromArgv(argv);
  const github = inGithubActions(io);
  const stream: CommandStream = format === "json" ? "stderr" : "stdout";
  const noColor = argv.includes("--no-color");
  const paint = painter(colourAllowed(io, io.isTerminal, noColor));
  // lib/redact.ts's `onSecretRegistered(listener)` (when present) announces every secret as it
  // is registered; in GitHub Actions each one is masked before anything could print it.
  const subscribe = (redaction as unknown as Record<string, unknown>).onSecretRegistered;
  const unsubscribe = github && typeof subscribe === "function"
    ? maskSecretsAsRegistered(io, subscribe as (l: (v: string) => void) => () => void, stream)
    : () => {};
  const state: ParseState = { errors: [], errText: [] };
  try {
    const bare = await buildProgram(io, () => {});
    const index = commandIndex(bare as unknown as AnyCommand, argv);
    let args = [...argv];
    let word = index >= 0 ? argv[index]! : "";
    if (
      index >= 0 && /^[A-Za-z]+-[A-Za-z]+$/.test(word) &&
      !findCommand(bare as unknown as AnyCommand, [word])
    ) {
      command = word;
      const translation = translateAlias(argv, index);
      if (!translation) {
        throw new UsageError(
          `unknown command '${word}'; PowerShell names graphcall knows: ${
            POWERSHELL_ALIASES.map((a) => a.cmdlet).join(", ")
          }`,
        );
      }
      command = translation.alias.cmdlet;
      const path = translation.command.filter((w) => !w.startsWith("-"));
      word = path[0] ?? "";
      const lazyTarget = LAZY_COMMANDS.find((l) => l.name === word);
      const tree = lazyTarget
        ? await buildProgram(io, () => {}, { load: [lazyTarget.name] })
        : bare;
      const target = findCommand(tree as unknown as AnyCommand, path);
      if (!target) {
        throw new UsageError(
          `${translation.alias.cmdlet} stands for 'graphcall ${
            path.join(" ")
          }', which this build does not have`,
        );
      }
      for (const flag of translation.flags) {
        if (
          !target.options.some((o) => o.long === flag) && !bare.options.some((o) => o.long === flag)
        ) {
          throw new UsageError(
            `${translation.alias.cmdlet}: ${flag} is not supported by 'graphcall ${
              path.join(" ")
            }' in this build`,
          );
        }
      }
      args = translation.argv;
    }
    const load = LAZY_COMMANDS.filter((l) => l.name === word).map((l) => l.name);
    const program = (await buildProgram(io, (code) =>
      exitCode = code, { load })) as unknown as AnyCommand;
    configure(program, io, state);
    program.hook("preAction", (_root, action) => {
      command = pathOf(action as AnyCommand);
    });
    await program.parseAsync(args, { from: "user" });
    return exitCode;
  } catch (e) {
    let error: unknown = e;
    if (e instanceof CommanderError) {
      if (e.code === "commander.helpDisplayed" || e.code === "commander.version") {
        return EXIT_CODES.ok;
      }
      if (e.code === "commander.help") {
        // A command that needs a subcommand was given none.
        const usage = /^Usage: graphcall((?: [a-z][\w-]*)*)/m.exec(state.errText.join(""));
        const path = (usage?.[1] ?? "").trim();
        const parent = findCommand(
          await buildProgram(io, () => {}) as unknown as AnyCommand,
          path ? path.split(" ") : [],
        );
        const names = parent?.commands.map((c) => c.name()).join(", ") ?? "";
        command = path || undefined;
        error = new UsageError(`${path || "graphcall"} needs a command: ${names}`);
      } else {
        const where = state.errors.at(-1);
        command ??= where?.command || undefined;
        if (where?.command) command = where.command;
        error = new UsageError(oneLine(state.errors.map((x) => x.text).join(" ") || e.message));
      }
    }
    const code = reportFailure(io, error, format, command, argv, paint);
    if (github) {
      annotateError(io, redaction.redact(error instanceof Error ? error.message : String(error)), {
        title: `graphcall${command ? " " + command : ""}`,
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
  io: Io,
  error: unknown,
  format: OutputFormat,
  command: string | undefined,
  argv: readonly string[],
  paint: ReturnType<typeof painter>,
): number {
  if (error instanceof UsageError) {
    if (format === "json") {
      printJson(io, errorDocument(error, command));
    } else {
      io.err(`graphcall: ${paint("red", "error:")} ${error.message} ${helpHint(command)}\n`);
    }
    return EXIT_CODES.usage;
  }
  const verbose = argv.includes("--verbose") || argv.includes("-v");
  return reportError(io, error, format, { verbose, ...(command ? { command } : {}), paint });
}
