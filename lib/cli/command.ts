/**
 * What a command module is: typed options, a `parse` step that turns the raw flags into them
 * (validation and errors naming the flag; it reads the input files the flags name, and sends
 * nothing), and a `run` step that does the work with the dependencies it is given and returns an
 * {@link Outcome} for the framework to print (the way gh's `NewCmdX` + `xRun(opts)` split a
 * command). Types only.
 *
 * @module
 */

import type { GraphClient } from "../graph/connect.ts";
import type { CallHandle } from "../graph/call.ts";
import type { Painter } from "./colour.ts";
import type { GlobalOptions } from "./global_options.ts";
import type { Interrupt } from "./interrupt.ts";
import type { Io } from "./io.ts";
import type { Outcome } from "./output.ts";

/** A raw option value as the parser leaves it: text, a list (repeatable) or a switch. */
export type RawValue = string | string[] | boolean;

/** Raw option values by key (`--all-except-self` is `allExceptSelf`); absent when not given. */
export type RawOptions = Record<string, RawValue | undefined>;

/** What `parse` is given besides the raw options. */
export interface ParseContext {
  /** Where input (`-` for stdin) is read from. */
  io: Io;
  /** The global options. */
  globals: GlobalOptions;
  /** Positional arguments. */
  args: readonly string[];
}

/** What `run` is given: the world, injectable. */
export interface CommandDeps {
  /** Streams, environment, prompts. */
  io: Io;
  /** The global options. */
  globals: GlobalOptions;
  /**
   * A Graph client from the global options and the environment (credential, hosts,
   * `--graph-version`, `--timeout`, `--max-retries`, the `--debug` trace).
   */
  connect(extra?: { signal?: AbortSignal }): Promise<GraphClient>;
  /** A call handle for `--what-if`: it describes requests and can never send one. */
  dryRunCall(callId: string): Promise<CallHandle>;
  /** Listens for SIGINT/SIGTERM while a bulk run lasts (`using` removes the listeners). */
  listenForInterrupt(): Interrupt;
  /** Runs another graphcall command line in this process (the demo tells its story with it). */
  runCli(argv: readonly string[], io: Io): Promise<number>;
  /** The painter for stderr. */
  paint: Painter;
}

/** A command: its options' type, how to parse them, how to run. */
export interface CommandModule<O = unknown> {
  /** Turns raw flags into typed options; throws an `InvalidInputError` naming the flag. */
  parse(raw: RawOptions, context: ParseContext): O | Promise<O>;
  /** Does the work and says what happened. */
  run(options: O, deps: CommandDeps): Promise<Outcome>;
}

/**
 * Declares a command module with its options' type checked between `parse` and `run`.
 *
 * @example
 * ```ts ignore
 * export default defineCommand({
 *   parse: (raw) => ({ name: typeof raw.name === "string" ? raw.name : undefined }),
 *   run: async (o) => ({ command: "clouds", result: o, human: () => "" }),
 * });
 * ```
 */
export function defineCommand<O>(module: CommandModule<O>): CommandModule {
  return module as CommandModule;
}
