/**
 * Real PowerShell 7 for the tests: finds `pwsh` on the PATH, says plainly when it is absent (the
 * PowerShell tests are then skipped, not failed: `deno task test` passes on a machine with only
 * Node.js), and runs PowerShell code in one long-lived `pwsh -NoProfile -NonInteractive` process
 * per test file, since each start costs about a second.
 */

import { childEnv } from "./child_env.ts";

function onPath(name: string): string | undefined {
  const windows = Deno.build.os === "windows";
  for (const dir of (Deno.env.get("PATH") ?? "").split(windows ? ";" : ":")) {
    if (!dir) continue;
    for (const file of windows ? [`${name}.exe`, `${name}.cmd`] : [name]) {
      const path = `${dir}/${file}`;
      try {
        if (Deno.statSync(path).isFile) return path;
      } catch {
        // not here
      }
    }
  }
  return undefined;
}

/** The `pwsh` on the PATH, or undefined. */
export const PWSH: string | undefined = onPath("pwsh");

/** Whether the PowerShell tests can run. */
export const HAS_PWSH: boolean = PWSH !== undefined;

/**
 * Prints, once per test file, that its PowerShell tests are skipped and why. Call it at the top
 * of every PowerShell test file; it prints nothing when pwsh is there.
 */
export function notePwshSkipped(file: string): void {
  if (HAS_PWSH) return;
  const name = new URL(file).pathname.split("/").pop();
  console.log(
    `SKIPPED PowerShell tests in ${name}: pwsh (PowerShell 7) is not on the PATH; ` +
      "install it with `dotnet tool install --global PowerShell --version 7.6.9` " +
      "(CI does: .ci/run)",
  );
}

/** What one piece of PowerShell code did. */
export interface PwshReply {
  /** False when a terminating error escaped the code. */
  ok: boolean;
  /** The objects the code wrote to the success stream, as JSON values. */
  values: unknown[];
  /** The other streams, one line each: host output, and `error: `, `warning: `, `verbose: `. */
  messages: string[];
  /** The escaped error's message. */
  error: string | null;
  /** The escaped error's FullyQualifiedErrorId. */
  errorId: string | null;
  /** `$LASTEXITCODE` afterwards (a script's `exit N`, or a program's exit code). */
  exitCode: number;
  /** Anything written straight to the console, past PowerShell's streams. */
  stray: string;
}

const MARKER = "@@graphcall-pwsh-reply ";

// Reads one base64 line of code at a time, runs it, and answers with one marked base64 JSON line.
const SERVER = `
$ErrorActionPreference = 'Continue'
$ProgressPreference = 'SilentlyContinue'
$utf8 = [System.Text.UTF8Encoding]::new($false)
while ($true) {
    $line = [Console]::In.ReadLine()
    if ($null -eq $line) { break }
    $code = $utf8.GetString([Convert]::FromBase64String($line))
    $values = [System.Collections.Generic.List[object]]::new()
    $messages = [System.Collections.Generic.List[string]]::new()
    $reply = [ordered]@{ ok = $true; values = $values; messages = $messages; error = $null; errorId = $null; exitCode = 0 }
    $global:LASTEXITCODE = 0
    try {
        & ([scriptblock]::Create($code)) *>&1 | ForEach-Object {
            if ($_ -is [System.Management.Automation.ErrorRecord]) { $messages.Add('error: ' + $_.ToString()) }
            elseif ($_ -is [System.Management.Automation.WarningRecord]) { $messages.Add('warning: ' + $_.Message) }
            elseif ($_ -is [System.Management.Automation.VerboseRecord]) { $messages.Add('verbose: ' + $_.Message) }
            elseif ($_ -is [System.Management.Automation.DebugRecord]) { $messages.Add('debug: ' + $_.Message) }
            elseif ($_ -is [System.Management.Automation.InformationRecord]) { $messages.Add([string]$_.MessageData) }
            else { $values.Add($_) }
        }
    } catch {
        $reply.ok = $false
        $reply.error = $_.Exception.Message
        $reply.errorId = $_.FullyQualifiedErrorId
    }
    $reply.exitCode = if ($global:LASTEXITCODE -is [int]) { $global:LASTEXITCODE } else { 0 }
    $json = ConvertTo-Json -InputObject $reply -Depth 12 -Compress
    [Console]::Out.WriteLine('${MARKER}' + [Convert]::ToBase64String($utf8.GetBytes($json)))
    [Console]::Out.Flush()
}
`;

function encodeCommand(script: string): string {
  const bytes = new Uint8Array(script.length * 2);
  for (let i = 0; i < script.length; i++) {
    const c = script.charCodeAt(i);
    bytes[i * 2] = c & 0xff;
    bytes[i * 2 + 1] = c >> 8;
  }
  let binary = "";
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary);
}

function base64(text: string): string {
  let binary = "";
  for (const b of new TextEncoder().encode(text)) binary += String.fromCharCode(b);
  return btoa(binary);
}

function unbase64(text: string): string {
  return new TextDecoder().decode(Uint8Array.from(atob(text), (c) => c.charCodeAt(0)));
}

/** Quotes text as a PowerShell single-quoted literal (nothing inside is expanded). */
export function psLiteral(text: string): string {
  return `'${text.replace(/['\u2018\u2019\u201a\u201b]/g, (q) => q + q)}'`;
}

/**
 * One `pwsh -NoProfile -NonInteractive` process that runs code sent to it, in order. Start it in
 * the first test that needs it and close it in the file's last test (the tests of a file run one
 * after another).
 */
export class PwshSession {
  #child: Deno.ChildProcess;
  #writer: WritableStreamDefaultWriter<Uint8Array>;
  #reader: ReadableStreamDefaultReader<Uint8Array>;
  #buffer = "";
  #stray = "";
  #queue: Promise<unknown> = Promise.resolve();
  #decoder = new TextDecoder();

  private constructor(child: Deno.ChildProcess) {
    this.#child = child;
    this.#writer = child.stdin.getWriter();
    this.#reader = child.stdout.getReader();
  }

  /** Starts pwsh with the test environment (see child_env.ts) plus `env`. */
  static start(options: { env?: Record<string, string>; cwd?: string } = {}): PwshSession {
    if (!PWSH) throw new Error("pwsh is not on the PATH");
    const child = new Deno.Command(PWSH, {
      args: ["-NoProfile", "-NonInteractive", "-NoLogo", "-EncodedCommand", encodeCommand(SERVER)],
      env: {
        ...childEnv(),
        POWERSHELL_TELEMETRY_OPTOUT: "1",
        POWERSHELL_UPDATECHECK: "Off",
        DOTNET_CLI_TELEMETRY_OPTOUT: "1",
        NO_COLOR: "1",
        ...passThrough("DOTNET_ROOT", "LANG"),
        ...options.env,
      },
      clearEnv: true,
      stdin: "piped",
      stdout: "piped",
      stderr: "null",
      ...(options.cwd ? { cwd: options.cwd } : {}),
    }).spawn();
    return new PwshSession(child);
  }

  /** Runs PowerShell code (after the code sent before it) and says what it did. */
  run(code: string): Promise<PwshReply> {
    const next = this.#queue.then(() => this.#exchange(code));
    this.#queue = next.catch(() => {});
    return next;
  }

  async #exchange(code: string): Promise<PwshReply> {
    await this.#writer.write(new TextEncoder().encode(base64(code) + "\n"));
    for (;;) {
      const newline = this.#buffer.indexOf("\n");
      if (newline >= 0) {
        const line = this.#buffer.slice(0, newline).replace(/\r$/, "");
        this.#buffer = this.#buffer.slice(newline + 1);
        if (line.startsWith(MARKER)) {
          const reply = JSON.parse(unbase64(line.slice(MARKER.length)));
          const stray = this.#stray;
          this.#stray = "";
          return { ...reply, stray } as PwshReply;
        }
        this.#stray += line + "\n";
        continue;
      }
      const { value, done } = await this.#reader.read();
      if (done) throw new Error(`pwsh ended before answering; it printed: ${this.#stray}`);
      this.#buffer += this.#decoder.decode(value, { stream: true });
    }
  }

  /** Ends pwsh and waits for it. */
  async close(): Promise<void> {
    await this.#queue;
    await this.#writer.close().catch(() => {});
    this.#reader.releaseLock();
    await this.#child.stdout.cancel().catch(() => {});
    await this.#child.status;
  }
}

function passThrough(...names: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of names) {
    const v = Deno.env.get(name);
    if (v) out[name] = v;
  }
  return out;
}

/**
 * A directory holding a `graphcall` command that runs this checkout's cli.ts, to put first on the
 * PATH of a PowerShell session: the docs' examples call `graphcall` as an installed admin would.
 */
export async function graphcallShim(): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: "graphcall-shim-" });
  const cli = new URL("../../cli.ts", import.meta.url).pathname;
  const deno = Deno.execPath();
  const flags = "run --quiet --allow-net --allow-read --allow-write --allow-env";
  if (Deno.build.os === "windows") {
    await Deno.writeTextFile(`${dir}/graphcall.cmd`, `@"${deno}" ${flags} "${cli}" %*\r\n`);
  } else {
    await Deno.writeTextFile(
      `${dir}/graphcall`,
      `#!/bin/sh\nexec "${deno}" ${flags} "${cli}" "$@"\n`,
    );
    await Deno.chmod(`${dir}/graphcall`, 0o755);
  }
  return dir;
}
