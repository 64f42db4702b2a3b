/**
 * The options every command takes (credentials, cloud, hosts, output), and their translation
 * into the API's connect options. One place, so every command reads them the same way.
 *
 * @module
 */

import { type Command, Option } from "npm:@commander-js/extra-typings@15.1.0";
import type { ConnectOptions } from "../graph/connect.ts";
import { InvalidInputError } from "../errors.ts";
import type { Io } from "./io.ts";
import type { OutputFormat } from "./render.ts";

/** The global options as parsed. */
export interface GlobalOptions {
  tenant?: string;
  clientId?: string;
  certificate?: string;
  cloud?: string;
  graphUrl?: string;
  authorityUrl?: string;
  emulator?: string;
  output?: string;
  quiet?: boolean;
  verbose?: boolean;
  graphVersion?: string;
  debug?: boolean;
  timeout?: string;
  maxRetries?: string;
  color?: boolean;
  yes?: boolean;
}

/** Adds the global options to the root program. */
export function addGlobalOptions<C extends Command<[], Record<string, unknown>>>(program: C) {
  return program
    .option("--tenant <id>", "tenant id or domain (env: AZURE_TENANT_ID)")
    .option("--client-id <id>", "app (client) id (env: AZURE_CLIENT_ID)")
    .option(
      "--certificate <file>",
      "PEM file with the app's certificate and key (env: AZURE_CLIENT_CERTIFICATE_PATH)",
    )
    .option("--cloud <name>", "Global, USGov, USGovDoD or China (default: Global)")
    .option("--graph-url <url>", "Graph host override, e.g. a proxy or an emulator")
    .option("--authority-url <url>", "Entra authority host override (env: AZURE_AUTHORITY_HOST)")
    .option("--emulator <url>", "point both hosts at a running graphcall emulator")
    .addOption(
      new Option("--output <format>", "table or json").choices(["table", "json"]).default("table"),
    )
    .option("-q, --quiet", "print nothing but errors")
    .option("-v, --verbose", "say which credential was chosen and what was sent")
    .addOption(
      new Option("--graph-version <version>", "Graph API version").choices(["v1.0", "beta"]),
    )
    .option("--debug", "trace every HTTP exchange on stderr, secrets redacted")
    .option("--timeout <seconds>", "give up on one HTTP request after this many seconds")
    .option("--max-retries <n>", "retries on 429/503/504 and network errors (0 to 10)")
    .option("--no-color", "no colour (also: NO_COLOR set, not a terminal, GitHub Actions)")
    .option("-y, --yes", "answer yes to --confirm (needed when there is no terminal)");
}

/** The output format chosen. */
export function outputFormat(options: GlobalOptions): OutputFormat {
  return options.output === "json" ? "json" : "table";
}

function checkUrl(value: string, field: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new InvalidInputError(field, `"${value}" is not a URL; give e.g. http://127.0.0.1:8080`);
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    throw new InvalidInputError(field, "must be an http or https URL");
  }
  return url.origin + url.pathname.replace(/\/+$/, "");
}

/** Turns the global options into connect options, reading the environment through `io`. */
export function connectOptionsFrom(options: GlobalOptions, io: Io): ConnectOptions {
  const out: ConnectOptions = { env: (name) => io.env(name) };
  if (options.tenant) out.tenantId = options.tenant;
  if (options.clientId) out.clientId = options.clientId;
  if (options.certificate) out.certificate = { path: options.certificate };
  if (options.cloud) out.cloud = options.cloud;
  const emulator = options.emulator ?? io.env("GRAPHCALL_EMULATOR_URL");
  if (emulator) {
    const url = checkUrl(emulator, options.emulator ? "--emulator" : "GRAPHCALL_EMULATOR_URL");
    out.graphUrl = url;
    out.authorityUrl = url;
  }
  if (options.graphUrl) out.graphUrl = checkUrl(options.graphUrl, "--graph-url");
  if (options.authorityUrl) out.authorityUrl = checkUrl(options.authorityUrl, "--authority-url");
  return out;
}

/** Options of the HTTP pipeline that the CLI passes to `connect()`. */
export interface RuntimeOptions {
  /** `v1.0` or `beta`. */
  graphVersion?: "v1.0" | "beta";
  /** Per-request timeout in milliseconds. */
  timeoutMs?: number;
  /** Retries on throttling, unavailability and network errors. */
  maxRetries?: number;
}

/** Validates `--graph-version`, `--timeout` and `--max-retries`; usage errors name the flag. */
export function runtimeOptionsFrom(options: GlobalOptions): RuntimeOptions {
  const out: RuntimeOptions = {};
  if (options.graphVersion === "v1.0" || options.graphVersion === "beta") {
    out.graphVersion = options.graphVersion;
  }
  if (options.timeout !== undefined) {
    const seconds = Number(options.timeout);
    if (!/^\d+(\.\d+)?$/.test(options.timeout.trim()) || !(seconds > 0) || seconds > 3600) {
      throw new InvalidInputError(
        "--timeout",
        `"${options.timeout}" is not a number of seconds from 0.001 to 3600`,
      );
    }
    out.timeoutMs = Math.round(seconds * 1000);
  }
  if (options.maxRetries !== undefined) {
    const n = Number(options.maxRetries);
    if (!/^\d{1,2}$/.test(options.maxRetries.trim()) || n > 10) {
      throw new InvalidInputError(
        "--max-retries",
        `"${options.maxRetries}" is not a whole number from 0 to 10`,
      );
    }
    out.maxRetries = n;
  }
  return out;
}
