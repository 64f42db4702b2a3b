/**
 * `graphcall emulator`: serves the local Entra + Graph emulator until SIGINT/SIGTERM, printing its
 * URLs first (one JSON line with `--output json`), per ../shared/emulator-state.md.
 *
 * @module
 */

import { Command } from "npm:@commander-js/extra-typings@15.1.0";
import { startEmulator } from "../../emulator/mod.ts";
import { InvalidInputError } from "../../errors.ts";
import type { Io } from "../io.ts";
import { type GlobalOptions, outputFormat } from "../global_options.ts";

/** Builds the `emulator` command. */
export function emulatorCommand(io: Io, setExit: (code: number) => void) {
  return new Command("emulator")
    .description("run the local Entra ID + Graph emulator")
    .option("--host <host>", "address to bind", "127.0.0.1")
    .option("--port <port>", "port, 0 for any free one", "0")
    .option("--state <file>", "JSON state file to seed from")
    .addHelpText(
      "after",
      "\nExample:\n  graphcall emulator --state tenant.json --port 8080 --output json",
    )
    .action(async (opts, cmd) => {
      const g = cmd.optsWithGlobals() as GlobalOptions;
      const port = Number(opts.port);
      if (!Number.isInteger(port) || port < 0 || port > 65535) {
        throw new InvalidInputError("--port", "give a port number from 0 to 65535");
      }
      const emulator = await startEmulator({
        hostname: opts.host,
        port,
        ...(opts.state ? { state: opts.state } : {}),
      });
      const info = {
        graphUrl: emulator.graphUrl,
        authorityUrl: emulator.authorityUrl,
        adminUrl: emulator.adminUrl,
        githubOidcRequestUrl: emulator.githubOidcRequestUrl,
        caCertPath: emulator.caCertPath,
      };
      if (outputFormat(g) === "json") io.out(JSON.stringify(info) + "\n");
      else {
        io.out(
          `graphcall emulator listening\n  graph:     ${info.graphUrl}\n  authority: ${info.authorityUrl}\n  admin:     ${info.adminUrl}\nPress Ctrl+C to stop.\n`,
        );
      }
      const { promise: stopped, resolve } = Promise.withResolvers<void>();
      const stop = () => resolve();
      Deno.addSignalListener("SIGINT", stop);
      Deno.addSignalListener("SIGTERM", stop);
      await stopped;
      Deno.removeSignalListener("SIGINT", stop);
      Deno.removeSignalListener("SIGTERM", stop);
      await emulator.close();
      setExit(0);
    });
}
