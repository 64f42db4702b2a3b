/**
 * The real dependencies a command runs with (see {@link CommandDeps}): the library behind
 * `connect` and `dryRunCall` is imported only when a command asks for it.
 *
 * @module
 */

import type { CommandDeps } from "./command.ts";
import type { Painter } from "./colour.ts";
import type { ConnectionSession } from "./connection.ts";
import type { GlobalOptions } from "./global_options.ts";
import { listenForInterrupt } from "./interrupt.ts";
import type { Io } from "./io.ts";

/** What {@link commandDeps} needs. */
export interface DepsSource {
  /** The guarded streams commands write to. */
  io: Io;
  /** The global options. */
  globals: GlobalOptions;
  /** The painter for stderr. */
  paint: Painter;
  /** Shared by the connections of one run. */
  session: ConnectionSession;
  /** The CLI itself, for commands that run others (the demo). */
  runCli: (argv: readonly string[], io: Io) => Promise<number>;
}

/** The dependencies of a command run. */
export function commandDeps(source: DepsSource): CommandDeps {
  const { io, globals, session } = source;
  return {
    io,
    globals,
    paint: source.paint,
    connect: async (extra = {}) =>
      await (await import("./connection.ts")).connectClient(globals, io, { ...extra, session }),
    dryRunCall: async (callId) =>
      await (await import("./connection.ts")).dryRunCall(globals, io, callId),
    listenForInterrupt: () => listenForInterrupt(io),
    runCli: source.runCli,
  };
}
