/**
 * The CLI: builds the command tree, runs one command, and turns every outcome into output and
 * an exit code. Parsing and rendering only; the work is in lib/.
 *
 * @module
 */

import { Command, CommanderError } from "npm:@commander-js/extra-typings@15.1.0";
import { EXIT_CODE_TABLE, EXIT_CODES } from "../errors.ts";
import { VERSION } from "../version.ts";
import { demoCommand } from "./commands/demo.ts";
import { emulatorCommand } from "./commands/emulator.ts";
import { participantCommand } from "./commands/participant.ts";
import { tokenCommand } from "./commands/token.ts";
import { addGlobalOptions, type GlobalOptions, outputFormat } from "./global_options.ts";
import { type Io, processIo } from "./io.ts";
import { reportError } from "./render.ts";

const EXIT_HELP = "\nExit codes:\n" +
  EXIT_CODE_TABLE.map((e) => `  ${String(e.code).padStart(3)}  ${e.meaning}`).join("\n") + "\n";

/** Builds the program. `setExit` records the exit code an action decided. */
export function buildProgram(io: Io, setExit: (code: number) => void) {
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
      EXIT_HELP,
  );
  program.addCommand(participantCommand(io, setExit));
  program.addCommand(emulatorCommand(io, setExit));
  program.addCommand(demoCommand(io, setExit));
  program.addCommand(tokenCommand(io, setExit));
  return program;
}

function configure(command: Command<unknown[], Record<string, unknown>>, io: Io, errors: string[]) {
  command.exitOverride();
  command.configureOutput({
    writeOut: (s) => io.out(s),
    writeErr: (s) => io.err(s),
    outputError: (s) => errors.push(s),
  });
  for (const sub of command.commands) {
    configure(sub as unknown as Command<unknown[], Record<string, unknown>>, io, errors);
  }
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
  const program = buildProgram(io, (code) => exitCode = code);
  const parseErrors: string[] = [];
  configure(program as unknown as Command<unknown[], Record<string, unknown>>, io, parseErrors);
  let format = argv.includes("--output=json") ||
      argv.some((a, i) => a === "--output" && argv[i + 1] === "json")
    ? "json" as const
    : "table" as const;
  try {
    await program.parseAsync([...argv], { from: "user" });
    format = outputFormat(program.opts() as GlobalOptions);
    return exitCode;
  } catch (e) {
    if (e instanceof CommanderError) {
      if (
        e.code === "commander.helpDisplayed" || e.code === "commander.version" ||
        e.code === "commander.help"
      ) {
        return EXIT_CODES.ok;
      }
      const line = (parseErrors.join(" ") || e.message).replace(/^error:\s*/i, "").replace(
        /\s*\n\s*/g,
        " ",
      ).trim();
      if (format === "json") {
        io.out(
          JSON.stringify(
            { ok: false, exitCode: EXIT_CODES.usage, error: { code: "usage", message: line } },
            null,
            2,
          ) + "\n",
        );
      } else {
        io.err(`graphcall: error: ${line} (see graphcall --help)\n`);
      }
      return EXIT_CODES.usage;
    }
    const verbose = argv.includes("--verbose") || argv.includes("-v");
    return reportError(io, e, format, verbose);
  }
}
