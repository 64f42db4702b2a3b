/**
 * Runs the CLI in this process (`main(argv, io)`) with a captured Io: the same `{code, stdout,
 * stderr}` as run_cli.ts's `runCli`, without starting a Deno process. The environment the CLI
 * sees is `NO_COLOR=1` plus `env`, nothing of this process's.
 */

import { main } from "../../lib/cli/main.ts";
import { captureIo } from "./capture_io.ts";
import type { CliRun } from "./run_cli.ts";

/** Runs `graphcall ARGS` in-process. */
export async function runMain(
  args: readonly string[],
  options: {
    env?: Record<string, string>;
    stdin?: string;
    terminal?: boolean;
    answers?: string[];
  } = {},
): Promise<CliRun> {
  const io = captureIo({
    env: { NO_COLOR: "1", ...options.env },
    ...(options.stdin !== undefined ? { stdin: options.stdin } : {}),
    ...(options.terminal !== undefined ? { terminal: options.terminal } : {}),
    ...(options.answers ? { answers: options.answers } : {}),
  });
  const code = await main(args, io);
  return { code, stdout: io.stdout, stderr: io.stderr };
}
