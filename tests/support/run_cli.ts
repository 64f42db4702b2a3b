/** Spawns the real CLI (`deno run cli.ts`) and collects stdout, stderr and the exit code. */

import { childEnv } from "./child_env.ts";

const CLI = new URL("../../cli.ts", import.meta.url).pathname;

/** What a CLI run produced. */
export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `graphcall ARGS` in a child process with a clean environment plus `env`. */
export async function runCli(
  args: string[],
  options: { env?: Record<string, string>; stdin?: string; cwd?: string } = {},
): Promise<CliRun> {
  const command = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--quiet",
      "--allow-net",
      "--allow-read",
      "--allow-write",
      "--allow-env",
      CLI,
      ...args,
    ],
    env: { NO_COLOR: "1", ...inherited(), ...options.env },
    clearEnv: true,
    stdin: options.stdin === undefined ? "null" : "piped",
    stdout: "piped",
    stderr: "piped",
    ...(options.cwd ? { cwd: options.cwd } : {}),
  });
  const child = command.spawn();
  if (options.stdin !== undefined) {
    const w = child.stdin.getWriter();
    await w.write(new TextEncoder().encode(options.stdin));
    await w.close();
  }
  const out = await child.output();
  const dec = new TextDecoder();
  return { code: out.code, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
}

/** What a child Deno keeps of this environment (see child_env.ts); none of the caller's credentials. */
export function inherited(): Record<string, string> {
  return childEnv();
}
