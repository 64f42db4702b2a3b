/**
 * The CLI's connection to the world: where it writes, what environment it reads, whether it is on
 * a terminal, how it reads standard input and asks questions. Injected so that the demo and tests
 * can run commands in-process.
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
  /** Whether standard input is a terminal (prompts need one); false when absent. */
  stdinIsTerminal?: boolean;
  /** Whether standard output is a terminal (colour in tables); false when absent. */
  stdoutIsTerminal?: boolean;
  /** Reads all of standard input as text (`--from -`, `--body -`). */
  readStdin?(): Promise<string>;
  /** Asks one question on the terminal and returns the answer line, or null at end of input. */
  prompt?(question: string): Promise<string | null>;
}

const encoder = new TextEncoder();

/** Reads standard input to the end. */
async function readAllStdin(): Promise<string> {
  return await new Response(Deno.stdin.readable).text();
}

/** Reads one line from standard input. */
async function readLine(): Promise<string | null> {
  const buffer = new Uint8Array(1);
  const bytes: number[] = [];
  while (true) {
    const n = await Deno.stdin.read(buffer);
    if (n === null) return bytes.length ? new TextDecoder().decode(new Uint8Array(bytes)) : null;
    if (buffer[0] === 10) break;
    bytes.push(buffer[0]!);
  }
  return new TextDecoder().decode(new Uint8Array(bytes)).replace(/\r$/, "");
}

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
    stdinIsTerminal: Deno.stdin.isTerminal(),
    stdoutIsTerminal: Deno.stdout.isTerminal(),
    readStdin: readAllStdin,
    prompt: async (question) => {
      Deno.stderr.writeSync(encoder.encode(question));
      return await readLine();
    },
  };
}
