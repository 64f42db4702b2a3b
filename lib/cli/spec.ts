/**
 * The shape of the command tree: each command is a plain object (a spec) with its name, summary,
 * options, arguments, help footer and, for a leaf, a `load()` that imports its module when it
 * runs. Help, parsing, PowerShell-name checks and shell completions all read these specs, so a
 * command is described once. Types only: importing this file costs nothing at start-up.
 *
 * @module
 */

import type { CommandModule, RawOptions, RawValue } from "./command.ts";

export type { RawOptions, RawValue };

/** One option of a command (or a global option). */
export interface OptionSpec {
  /** The long flag, e.g. `--call`; `--no-color` sets `color` to false. */
  flag: string;
  /** A one-letter alias, e.g. `-q`. */
  short?: string;
  /** The value's name in help (`--call <id>`); without it the option is a switch. */
  value?: string;
  /** One line for the help. */
  description: string;
  /** May be given several times; the raw value is then a list. */
  repeatable?: boolean;
  /** The only values accepted (exact spelling). */
  choices?: readonly string[];
  /** The value when the option is not given (shown in the help). */
  default?: string;
  /** Left out of the help and of shell completions (still parsed, e.g. to refuse it). */
  hidden?: boolean;
  /** The command refuses to run without it. */
  required?: boolean;
}

/** One positional argument of a leaf command. */
export interface ArgumentSpec {
  /** Its name in help, e.g. `shell`. */
  name: string;
  /** One line for the help. */
  description: string;
  /** The only values accepted. */
  choices?: readonly string[];
  /** Whether it must be given (default true). */
  required?: boolean;
}

/** One command: a group of commands (`participant`) or a leaf that runs (`participant remove`). */
export interface CommandSpec {
  /** The word that names it. */
  name: string;
  /** One line, shown in the parent's list of commands (and as the description by default). */
  summary: string;
  /** A longer description for its own help. */
  description?: string;
  /** Its options (global options are the root's). */
  options?: readonly OptionSpec[];
  /** Its positional arguments (leaves only). */
  arguments?: readonly ArgumentSpec[];
  /** Text after the options in its help: examples, exit codes, notes. */
  footer?: string;
  /** Its subcommands (groups only). */
  commands?: readonly CommandSpec[];
  /** Imports the module that parses and runs it (leaves only). */
  load?: () => Promise<CommandModule>;
}

/**
 * The key of an option in {@link RawOptions}: the flag without dashes, in camelCase; a
 * `--no-x` switch is the key `x` (set to false).
 *
 * @example
 * ```ts
 * import { optionKey } from "./spec.ts";
 * console.log(optionKey({ flag: "--all-except-self", description: "" })); // allExceptSelf
 * console.log(optionKey({ flag: "--no-color", description: "" })); // color
 * ```
 */
export function optionKey(option: Pick<OptionSpec, "flag"> & Partial<OptionSpec>): string {
  const name = option.flag.replace(/^--(no-)?/, "");
  return name.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

/** Whether an option is a `--no-x` switch (its value is false when given). */
export function isNegation(option: Pick<OptionSpec, "flag" | "value">): boolean {
  return option.value === undefined && option.flag.startsWith("--no-");
}
