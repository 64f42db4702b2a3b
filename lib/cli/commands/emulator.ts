/**
 * `graphcall emulator`: serves the local Entra + Graph emulator until SIGINT/SIGTERM, printing its
 * URLs first (one JSON line with `--output json`), per ../shared/emulator-state.md.
 *
 * @module
 */

import { Command } from "npm:@commander-js/extra-typings@15.1.0";
import { startEmulator, type TlsOption } from "../../emulator/mod.ts";
import { InvalidInputError } from "../../errors.ts";
import type { Io } from "../io.ts";
import { type GlobalOptions, outputFormat } from "../global_options.ts";

/** How long `graphcall emulator` waits for the emulator to close after SIGINT/SIGTERM, ms. */
const STOP_WITHIN_MS = 1500;

/** The environment variable that holds the admin API token. */
export const ADMIN_TOKEN_ENV = "GRAPHCALL_EMULATOR_ADMIN_TOKEN";

async function readPem(file: string, flag: string): Promise<string> {
  try {
    return await Deno.readTextFile(file);
  } catch (e) {
    throw new InvalidInputError(flag, `${file}: file could not be read`, { cause: e });
  }
}

async function tlsOption(
  opts: { tlsSelfSigned?: true; tlsCert?: string; tlsKey?: string },
): Promise<TlsOption | undefined> {
  if (opts.tlsSelfSigned) {
    if (opts.tlsCert || opts.tlsKey) {
      throw new InvalidInputError(
        "--tls-self-signed",
        "give either --tls-self-signed or --tls-cert with --tls-key, not both",
      );
    }
    return "self-signed";
  }
  if (!opts.tlsCert && !opts.tlsKey) return undefined;
  if (!opts.tlsCert) throw new InvalidInputError("--tls-cert", "--tls-key needs --tls-cert too");
  if (!opts.tlsKey) throw new InvalidInputError("--tls-key", "--tls-cert needs --tls-key too");
  return {
    cert: await readPem(opts.tlsCert, "--tls-cert"),
    key: await readPem(opts.tlsKey, "--tls-key"),
  };
}

/** Builds the `emulator` command. */
export function emulatorCommand(io: Io, setExit: (code: number) => void) {
  return new Command("emulator")
    .description("run the local Entra ID + Graph emulator")
    .option("--host <host>", "address to bind", "127.0.0.1")
    .option("--port <port>", "port, 0 for any free one", "0")
    .option("--state <file>", "JSON state file to seed from")
    .option("--tls-self-signed", "serve HTTPS with a new localhost certificate; prints its CA path")
    .option("--tls-cert <file>", "serve HTTPS with this certificate (PEM; needs --tls-key)")
    .option("--tls-key <file>", "the private key of --tls-cert (PEM)")
    .option(
      "--allowed-host <name>",
      "also answer requests whose Host is this name (repeatable; against DNS rebinding the " +
        "emulator answers only its own addresses)",
      (value: string, previous: string[]) => [...previous, value],
      [] as string[],
    )
    .addHelpText(
      "after",
      `\nThe admin API (/_emulator/) is open on loopback. On another address it needs a token:
set ${ADMIN_TOKEN_ENV} and send it as Authorization: Bearer.

Examples:
  graphcall emulator --state tenant.json --port 8080 --output json
  graphcall emulator --tls-self-signed --output json`,
    )
    .action(async (opts, cmd) => {
      const g = cmd.optsWithGlobals() as GlobalOptions;
      const port = Number(opts.port);
      if (!Number.isInteger(port) || port < 0 || port > 65535) {
        throw new InvalidInputError("--port", "give a port number from 0 to 65535");
      }
      const tls = await tlsOption(opts);
      const adminToken = Deno.env.get(ADMIN_TOKEN_ENV);
      const emulator = await startEmulator({
        hostname: opts.host,
        port,
        ...(opts.state ? { state: opts.state } : {}),
        ...(tls ? { tls } : {}),
        ...(adminToken ? { adminToken } : {}),
        ...(opts.allowedHost.length > 0 ? { allowedHosts: opts.allowedHost } : {}),
      });
      const info = {
        graphUrl: emulator.graphUrl,
        authorityUrl: emulator.authorityUrl,
        adminUrl: emulator.adminUrl,
        githubOidcRequestUrl: emulator.githubOidcRequestUrl,
        notificationJwksUrl: emulator.notificationJwksUrl,
        caCertPath: emulator.caCertPath,
      };
      if (outputFormat(g) === "json") io.out(JSON.stringify(info) + "\n");
      else {
        io.out(
          `graphcall emulator listening\n  graph:     ${info.graphUrl}\n  authority: ${info.authorityUrl}\n  admin:     ${info.adminUrl}\n  github:    ${info.githubOidcRequestUrl}\n  notification keys: ${info.notificationJwksUrl}\n${
            info.caCertPath ? `  CA cert:   ${info.caCertPath} (trust it in your client)\n` : ""
          }Press Ctrl+C to stop.\n`,
        );
      }
      const { promise: stopped, resolve } = Promise.withResolvers<void>();
      const stop = () => resolve();
      Deno.addSignalListener("SIGINT", stop);
      Deno.addSignalListener("SIGTERM", stop);
      await stopped;
      Deno.removeSignalListener("SIGINT", stop);
      Deno.removeSignalListener("SIGTERM", stop);
      // close() ends requests in flight (even half-sent ones) within a moment; the bound is a
      // second line of defence so the process always stops in time.
      let timer: ReturnType<typeof setTimeout> | undefined;
      await Promise.race([
        emulator.close(),
        new Promise<void>((resolve) => timer = setTimeout(resolve, STOP_WITHIN_MS)),
      ]);
      clearTimeout(timer);
      setExit(0);
    });
}
