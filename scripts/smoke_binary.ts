/**
 * The smoke test for a compiled graphcall binary: `--version`, `--help`, one `--what-if` removal
 * and one real removal against an emulator started in this process.
 *
 * ```sh
 * deno task smoke dist/graphcall-x86_64-unknown-linux-gnu   # test a binary that exists
 * deno task smoke                                          # compile the host target, then test it
 * ```
 *
 * Without a binary it compiles one first, which needs the denort runtime: it runs only when
 * `DENORT_BIN` is set or on GitHub Actions (where dl.deno.land is reachable), and otherwise says
 * "compile check skipped: no denort runtime (set DENORT_BIN)" and exits 0.
 *
 * @module
 */

import { createCertificate } from "../lib/auth/create_certificate.ts";
import { startEmulator } from "../lib/emulator/mod.ts";
import { VERSION } from "../lib/version.ts";
import { binaryName, compileArgs, isTarget } from "./compile.ts";

/** The line printed when no runtime is available to compile with. */
export const SKIP_MESSAGE = "compile check skipped: no denort runtime (set DENORT_BIN)";

/** Whether `deno compile` can get a runtime here: `DENORT_BIN` set, or on GitHub Actions. */
export function runtimeAvailable(env: (name: string) => string | undefined): boolean {
  return Boolean(env("DENORT_BIN")) || env("GITHUB_ACTIONS") === "true";
}

const IDS = Object.freeze({
  tenantId: "72f988bf-86f1-41af-91ab-2d7cd011db47",
  clientId: "0b5e8a21-6c4f-4d2e-9a57-3f1c2d8e7b60",
  callId: "112f7296-5fa4-42ca-bae8-6a692b15d4b8",
  adele: "a7ebfb2d-871e-419c-87af-27290b22e8db",
  megan: "2c8d5c7e-3c0b-4b57-9f5e-9f0e2a7d1b44",
});

/** One check of the smoke test and how it went. */
export interface SmokeStep {
  name: string;
  ok: boolean;
  detail: string;
}

async function run(binary: string, args: string[]) {
  const env: Record<string, string> = { NO_COLOR: "1" };
  for (const name of ["PATH", "HOME", "TMPDIR", "SYSTEMROOT", "USERPROFILE", "TEMP", "TMP"]) {
    const v = Deno.env.get(name);
    if (v) env[name] = v;
  }
  const out = await new Deno.Command(binary, {
    args,
    env,
    clearEnv: true,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  const dec = new TextDecoder();
  return { code: out.code, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
}

/** Runs the smoke test against `binary` and returns every step's outcome. */
export async function smokeBinary(binary: string): Promise<SmokeStep[]> {
  const steps: SmokeStep[] = [];
  const check = (name: string, ok: boolean, detail: string) => steps.push({ name, ok, detail });

  const version = await run(binary, ["--version"]);
  check(
    "--version prints the version",
    version.code === 0 && version.stdout.includes(VERSION),
    `exit ${version.code}: ${version.stdout.trim()} ${version.stderr.trim()}`,
  );
  const help = await run(binary, ["--help"]);
  check(
    "--help lists the participant command",
    help.code === 0 && help.stdout.includes("participant"),
    `exit ${help.code}; ${help.stderr.trim()}`,
  );

  const cert = await createCertificate({ subject: "CN=graphcall smoke", keySize: 2048 });
  const dir = await Deno.makeTempDir({ prefix: "graphcall-smoke-" });
  const pem = `${dir}/app.pem`;
  await Deno.writeTextFile(pem, cert.certificatePem + cert.privateKeyPem, { mode: 0o600 });
  const emulator = await startEmulator({
    state: {
      tenants: [{
        id: IDS.tenantId,
        cloud: "Global",
        allowRemoveParticipantAppIds: [IDS.clientId],
        apps: [{
          clientId: IDS.clientId,
          roles: ["Calls.JoinGroupCall.All"],
          certificates: [{ pem: cert.certificatePem }],
        }],
        calls: [{
          id: IDS.callId,
          appId: IDS.clientId,
          participants: [
            { id: IDS.adele, identity: { user: { id: "u1", displayName: "Adele Vance" } } },
            { id: IDS.megan, identity: { user: { id: "u2", displayName: "Megan Bowen" } } },
          ],
        }],
      }],
    },
  });
  try {
    const credentials = [
      "--emulator",
      emulator.graphUrl,
      "--tenant",
      IDS.tenantId,
      "--client-id",
      IDS.clientId,
      "--certificate",
      pem,
    ];
    const present = () =>
      emulator.state.tenant(IDS.tenantId)?.calls.get(IDS.callId)?.participants.has(IDS.adele);
    const remove = ["participant", "remove", "--call", IDS.callId, "--participant", IDS.adele];

    const whatIf = await run(binary, [...credentials, ...remove, "--what-if"]);
    check(
      "--what-if removal exits 0 and leaves the participant in the call",
      whatIf.code === 0 && present() === true,
      `exit ${whatIf.code}: ${whatIf.stderr.trim()}`,
    );
    const real = await run(binary, [...credentials, ...remove]);
    check(
      "a real removal against the emulator exits 0 and the participant is gone",
      real.code === 0 && present() === false,
      `exit ${real.code}: ${real.stdout.trim()} ${real.stderr.trim()}`,
    );
  } finally {
    await emulator.close();
    await Deno.remove(dir, { recursive: true });
  }
  return steps;
}

async function compileHost(): Promise<string> {
  const target = Deno.build.target;
  if (!isTarget(target)) throw new Error(`this host (${target}) is not a shipped target`);
  const dir = await Deno.makeTempDir({ prefix: "graphcall-compile-" });
  const root = new URL("..", import.meta.url);
  const { code } = await new Deno.Command(Deno.execPath(), {
    args: compileArgs(target, dir),
    cwd: root,
  }).spawn().status;
  if (code !== 0) throw new Error(`deno compile for ${target} failed (exit ${code})`);
  return `${dir}/${binaryName(target)}`;
}

async function main(args: readonly string[]): Promise<number> {
  let binary = args[0];
  if (!binary) {
    if (!runtimeAvailable((n) => Deno.env.get(n))) {
      console.log(SKIP_MESSAGE);
      return 0;
    }
    binary = await compileHost();
  }
  const steps = await smokeBinary(binary);
  for (const s of steps) {
    console.log(`${s.ok ? "ok  " : "FAIL"} ${s.name}${s.ok ? "" : `: ${s.detail}`}`);
  }
  const failed = steps.filter((s) => !s.ok).length;
  console.log(`smoke: ${steps.length - failed} passed, ${failed} failed (${binary})`);
  return failed === 0 ? 0 : 1;
}

if (import.meta.main) Deno.exit(await main(Deno.args));
