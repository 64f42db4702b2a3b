/** An in-memory Io for running the CLI's `main()` in-process: captures stdout and stderr. */

import type { Io } from "../../lib/cli/io.ts";

/** A capturing Io and what it captured. */
export interface CapturedIo extends Io {
  stdout: string;
  stderr: string;
}

/** Makes a capturing Io with the given environment (nothing else is visible). */
export function captureIo(
  options: {
    env?: Record<string, string>;
    terminal?: boolean;
    stdin?: string;
    answers?: string[];
  } = {},
): CapturedIo {
  const answers = [...(options.answers ?? [])];
  const io: CapturedIo = {
    stdout: "",
    stderr: "",
    out: (text) => void (io.stdout += text),
    err: (text) => void (io.stderr += text),
    env: (name) => options.env?.[name],
    isTerminal: options.terminal ?? false,
    stdinIsTerminal: options.terminal ?? false,
    stdoutIsTerminal: options.terminal ?? false,
    readStdin: () => Promise.resolve(options.stdin ?? ""),
    prompt: (question) => {
      io.stderr += question;
      return Promise.resolve(answers.shift() ?? null);
    },
  };
  return io;
}
