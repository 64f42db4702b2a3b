/**
 * The CLI's connection to the world: where it writes, what environment it reads, whether it is on
 * a terminal. Injected so that the demo and tests can run commands in-process.
 *
 * @module
 */

/** Where a command writes and what it reads. */
export interface Io {
  /** Writes to standard output (results, JSON). */
  out(text: string): void;
  /** Writes to standard error (logs, progress, errors). */
  err(text: string): void;
  /** Reads an environment variable. */
  env(name: string): string | undefined;
  /** Whether standard error is a terminal (progress bars, prompts). */
  isTerminal: boolean;
}

const encoder = new TextEncoder();

/** The process's real standard streams and environment. */
export function processIo(): Io {
  return {
    out: (text) => void Deno.stdout.writeSync(encoder.encode(text)),
    err: (text) => void Deno.stderr.writeSync(encoder.encode(text)),
    env: (name) => {
      try {
        return Deno.env.get(name);
      } catch {
        return undefined;
      }
    },
    isTerminal: Deno.stderr.isTerminal(),
  };
}
