/**
 * The argument parser, over the command tree's specs: command words, then options in any order.
 *
 * - `--flag value`, `--flag=value`, `-q`, `-qy`; a repeatable flag collects its values; a switch
 *   takes no value (`--no-color` sets `color` to false); `--` ends the options.
 * - Global options (the root's) are accepted before or after the command words; a command's own
 *   options only after its name.
 * - `--help`/`-h` anywhere (before `--`), or `help [command...]`, asks for a command's help;
 *   `--version`/`-V` for the version.
 * - Every mistake is one {@link UsageError} naming the flag or word, with a suggestion for near
 *   misses: `unknown option '--cal' (did you mean --call?)`.
 *
 * @module
 */

import { InvalidInputError } from "../errors.ts";
import { isNegation, optionKey, type OptionSpec, type RawOptions } from "./spec.ts";
import type { CommandSpec } from "./spec.ts";
import { didYouMean } from "./suggest.ts";

/** A usage error found by the parser (or the PowerShell-name binder): exit 2. */
export class UsageError extends InvalidInputError {
  /** The command the parser had reached (`participant remove`), when it had. */
  readonly command: string | undefined;
  /** Creates the error; `field` names the flag or word. */
  constructor(field: string, message: string, command?: string) {
    super(field, message);
    this.message = message;
    this.command = command || undefined;
  }
  /** The JSON error body: `{code: "usage", message, field}`. */
  override toJSON(): Record<string, unknown> {
    return { code: "usage", message: this.message, field: this.field };
  }
}

/** What the parser found. */
export interface ParsedArgv {
  /** The command words, e.g. `["participant", "remove"]` (`[]` for the root). */
  path: string[];
  /** The spec of the command reached. */
  command: CommandSpec;
  /** Global option values by key. */
  globals: RawOptions;
  /** The command's own option values by key. */
  options: RawOptions;
  /** Positional arguments. */
  args: string[];
  /** Help was asked for (the path says whose). */
  help: boolean;
  /** `--version` was asked for. */
  version: boolean;
}

/** The help switch every command has, and the root's version switch. */
export const HELP_OPTION: OptionSpec = {
  flag: "--help",
  short: "-h",
  description: "display help for command",
};
/** `-V, --version`: the root's. */
export const VERSION_OPTION: OptionSpec = {
  flag: "--version",
  short: "-V",
  description: "print the version",
};

/** How an option is named in messages: `--call <id>`. */
export function optionTerm(option: OptionSpec): string {
  return option.value ? `${option.flag} <${option.value}>` : option.flag;
}

function findLong(options: readonly OptionSpec[], flag: string): OptionSpec | undefined {
  return options.find((o) => o.flag === flag);
}

function findShort(options: readonly OptionSpec[], short: string): OptionSpec | undefined {
  return options.find((o) => o.short === short);
}

/** Whether a word is an option of this scope (so it cannot be the value of the one before). */
function looksLikeOption(word: string, scope: readonly OptionSpec[]): boolean {
  if (word.startsWith("--") && word.length > 2) return true;
  return /^-[A-Za-z]$/.test(word) && scope.some((o) => o.short === word);
}

function shown(word: string): string {
  return JSON.stringify(word.length > 40 ? word.slice(0, 40) + "..." : word).slice(1, -1);
}

/**
 * Parses `argv` (without the program name) against the tree rooted at `root`.
 *
 * @example
 * ```ts
 * import { parseArgv } from "./parse_argv.ts";
 * import { ROOT } from "./command_tree.ts";
 * const parsed = parseArgv(["--output", "json", "participant", "list", "--call", "c1"], ROOT);
 * console.log(parsed.path, parsed.options.call, parsed.globals.output); // [participant, list] c1 json
 * ```
 */
export function parseArgv(argv: readonly string[], root: CommandSpec): ParsedArgv {
  const globals: RawOptions = {};
  const options: RawOptions = {};
  const args: string[] = [];
  const path: string[] = [];
  let command = root;
  let help = false;
  let version = false;
  let helpWords = false;
  const globalSpecs = root.options ?? [];
  const ownSpecs = () => command === root ? [] : command.options ?? [];
  const scope = () => [...ownSpecs(), ...globalSpecs, HELP_OPTION];
  const where = () => (path.length ? `'${path.join(" ")}'` : "graphcall");
  const fail = (field: string, message: string) => new UsageError(field, message, path.join(" "));

  const set = (option: OptionSpec, value: string | boolean) => {
    const own = ownSpecs().includes(option);
    const target = own ? options : globals;
    const key = optionKey(option);
    if (typeof value === "string" && option.choices && !option.choices.includes(value)) {
      throw fail(
        option.flag,
        `option '${optionTerm(option)}' argument '${shown(value)}' is invalid; allowed: ${
          option.choices.join(", ")
        }${didYouMean(value, option.choices)}`,
      );
    }
    if (option.repeatable && typeof value === "string") {
      const list = target[key];
      target[key] = Array.isArray(list) ? [...list, value] : [value];
      return;
    }
    const before = target[key];
    if (before !== undefined && before !== value) {
      throw fail(option.flag, `option '${option.flag}' is given more than once`);
    }
    target[key] = value;
  };

  const takeValue = (option: OptionSpec, inline: string | undefined, i: number): number => {
    if (inline !== undefined) {
      set(option, inline);
      return i;
    }
    const next = argv[i + 1];
    if (next === undefined || looksLikeOption(next, scope())) {
      throw fail(option.flag, `option '${optionTerm(option)}' needs a value`);
    }
    set(option, next);
    return i + 1;
  };

  for (let i = 0; i < argv.length; i++) {
    const word = argv[i]!;
    if (word === "--") {
      args.push(...argv.slice(i + 1));
      break;
    }
    if (word.startsWith("--")) {
      const eq = word.indexOf("=");
      const flag = eq > 0 ? word.slice(0, eq) : word;
      const inline = eq > 0 ? word.slice(eq + 1) : undefined;
      if (flag === "--help") {
        help = true;
        continue;
      }
      if (flag === "--version" && command === root) {
        version = true;
        continue;
      }
      const option = findLong(ownSpecs(), flag) ?? findLong(globalSpecs, flag);
      if (!option) {
        const candidates = scope().filter((o) => !o.hidden).map((o) => o.flag);
        throw fail(
          shown(flag),
          `unknown option '${shown(flag)}'${didYouMean(flag, candidates)}`,
        );
      }
      if (option.value === undefined) {
        if (inline !== undefined) {
          throw fail(option.flag, `option '${option.flag}' takes no value`);
        }
        set(option, !isNegation(option));
        continue;
      }
      i = takeValue(option, inline, i);
      continue;
    }
    if (word.startsWith("-") && word.length > 1 && !/^-\d/.test(word)) {
      const letters = word.slice(1).split("");
      for (let k = 0; k < letters.length; k++) {
        const short = `-${letters[k]}`;
        if (short === "-h") {
          help = true;
          continue;
        }
        if (short === "-V" && command === root) {
          version = true;
          continue;
        }
        const option = findShort(ownSpecs(), short) ?? findShort(globalSpecs, short);
        if (!option) {
          const candidates = scope().filter((o) => !o.hidden).map((o) => o.flag);
          const name = letters.length === 1 ? word : short;
          throw fail(
            shown(name),
            `unknown option '${shown(name)}'${didYouMean(word.slice(1), candidates)}`,
          );
        }
        if (option.value === undefined) {
          set(option, !isNegation(option));
          continue;
        }
        const rest = letters.slice(k + 1).join("");
        i = takeValue(option, rest.length > 0 ? rest : undefined, i);
        break;
      }
      continue;
    }
    // A word: a command, `help`, or a positional argument.
    if (command.commands) {
      if (command === root && path.length === 0 && word === "help" && !helpWords) {
        helpWords = true;
        help = true;
        continue;
      }
      const next = command.commands.find((c) => c.name === word);
      if (!next) {
        const names = command.commands.map((c) => c.name);
        throw fail(
          shown(word),
          `unknown command '${shown(word)}'${path.length ? ` for ${where()}` : ""}${
            didYouMean(word, names)
          }`,
        );
      }
      path.push(word);
      command = next;
      continue;
    }
    args.push(word);
  }

  if (help || version) return { path, command, globals, options, args, help, version };

  if (command.commands) {
    const names = command.commands.map((c) => c.name).join(", ");
    throw fail(
      path.join(" ") || "graphcall",
      path.length ? `${path.join(" ")} needs a command: ${names}` : `give a command: ${names}`,
    );
  }
  const specs = command.arguments ?? [];
  if (args.length > specs.length) {
    throw fail(
      shown(args[specs.length]!),
      `too many arguments for ${where()}: expected ${
        specs.length === 0 ? "none" : specs.map((a) => `<${a.name}>`).join(" ")
      }, got '${shown(args[specs.length]!)}'`,
    );
  }
  specs.forEach((spec, k) => {
    const value = args[k];
    if (value === undefined) {
      if (spec.required !== false) {
        throw fail(spec.name, `missing required argument '${spec.name}'`);
      }
      return;
    }
    if (spec.choices && !spec.choices.includes(value)) {
      throw fail(
        spec.name,
        `argument '${shown(value)}' is invalid for <${spec.name}>; allowed: ${
          spec.choices.join(", ")
        }${didYouMean(value, spec.choices)}`,
      );
    }
  });
  for (const option of command.options ?? []) {
    const key = optionKey(option);
    if (option.required && options[key] === undefined) {
      throw fail(option.flag, `required option '${optionTerm(option)}' not specified`);
    }
    if (option.default !== undefined && options[key] === undefined) options[key] = option.default;
  }
  for (const option of globalSpecs) {
    const key = optionKey(option);
    if (option.default !== undefined && globals[key] === undefined) globals[key] = option.default;
  }
  return { path, command, globals, options, args, help, version };
}
