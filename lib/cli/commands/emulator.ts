/**
 * `graphcall emulator`: serves the local Entra + Graph emulator until SIGINT/SIGTERM, printing its
 * URLs first (one JSON line with `--output json`), per ../shared/emulator-state.md.
 *
 * @module
 */

import type { TlsOption } from "../../emulator/mod.ts";
import { InvalidInputError } from "../../errors.ts";
import { defineCommand } from "../command.ts";
import { outputFormat } from "../global_options.ts";
import { flag, list, text } from "../raw_options.ts";

/** How long `graphcall emulator` waits for the emulator to close after SIGINT/SIGTERM, ms. */
const STOP_WITHIN_MS = 1500;

/** The environment variable that holds the admin API token. */
export const ADMIN_TOKEN_ENV = "GRAPHCALL_EMULATOR_ADMIN_TOKEN";

async function readPem(file: string, field: string): Promise<string> {
  try {
    return await Deno.readTextFile(file);
  } catch (e) {
    throw new InvalidInputError(field, `${file}: file could not be read`, { cause: e });
  }
}

/** The options of `emulator`, checked. */
export interface EmulatorOptions {
  /** `--host`. */
  host: string;
  /** `--port` (0 for any free one). */
  port: number;
  /** `--state FILE`. */
  state?: string;
  /** HTTPS, when asked for. */
  tls?: TlsOption;
  /** `--allowed-host NAME`: more Host names to answer (against DNS rebinding, only loopback's). */
  allowedHosts?: string[];
}

export default defineCommand<EmulatorOptions>({
  async parse(raw) {
    const port = Number(text(raw, "port") ?? "0");
    if (!Number.isInteger(port) || port < 0 || port > 65535) {
      throw new InvalidInputError("--port", "give a port number from 0 to 65535");
    }
    const tlsCert = text(raw, "tlsCert");
    const tlsKey = text(raw, "tlsKey");
    let tls: TlsOption | undefined;
    if (flag(raw, "tlsSelfSigned")) {
      if (tlsCert || tlsKey) {
        throw new InvalidInputError(
          "--tls-self-signed",
          "give either --tls-self-signed or --tls-cert with --tls-key, not both",
        );
      }
      tls = "self-signed";
    } else if (tlsCert || tlsKey) {
      if (!tlsCert) throw new InvalidInputError("--tls-cert", "--tls-key needs --tls-cert too");
      if (!tlsKey) throw new InvalidInputError("--tls-key", "--tls-cert needs --tls-key too");
      tls = { cert: await readPem(tlsCert, "--tls-cert"), key: await readPem(tlsKey, "--tls-key") };
    }
    const state = text(raw, "state");
    const allowedHosts = list(raw, "allowedHost") ?? [];
    return {
      host: text(raw, "host") ?? "127.0.0.1",
      port,
      ...(state ? { state } : {}),
      ...(tls ? { tls } : {}),
      ...(allowedHosts.length > 0 ? { allowedHosts } : {}),
    };
  },

  async run(o, deps) {
    const { startEmulator } = await import("../../emulator/mod.ts");
    const adminToken = deps.io.env(ADMIN_TOKEN_ENV);
    const emulator = await startEmulator({
      hostname: o.host,
      port: o.port,
      ...(o.state ? { state: o.state } : {}),
      ...(o.tls ? { tls: o.tls } : {}),
      ...(adminToken ? { adminToken } : {}),
      ...(o.allowedHosts ? { allowedHosts: o.allowedHosts } : {}),
    });
    const info = {
      graphUrl: emulator.graphUrl,
      authorityUrl: emulator.authorityUrl,
      adminUrl: emulator.adminUrl,
      githubOidcRequestUrl: emulator.githubOidcRequestUrl,
      notificationJwksUrl: emulator.notificationJwksUrl,
      caCertPath: emulator.caCertPath,
    };
    if (outputFormat(deps.globals) === "json") deps.io.out(JSON.stringify(info) + "\n");
    else {
      deps.io.out(
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
    return { command: "emulator", result: info, human: () => "", printed: true };
  },
});
