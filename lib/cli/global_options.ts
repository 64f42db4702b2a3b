/**
 * The options every command takes (credentials, cloud, hosts, output), and their translation
 * into the API's connect options. One place, so every command reads them the same way.
 *
 * @module
 */

import type { ConnectOptions } from "../graph/connect.ts";
import { InvalidInputError } from "../errors.ts";
import { checkHostUrl } from "../auth/host_url.ts";
import { registerSecret } from "../redact.ts";
import type { Io } from "./io.ts";
import type { OutputFormat } from "./render.ts";

/** The global options as parsed. */
export interface GlobalOptions {
  tenant?: string;
  clientId?: string;
  certificate?: string;
  key?: string;
  certificatePasswordFile?: string;
  clientSecretFile?: string;
  /** Refused: a secret is never taken as a command-line value. */
  clientSecret?: string;
  assertionAlg?: string;
  sendCertificateChain?: boolean;
  federated?: string;
  accessTokenFile?: string;
  tokenCache?: string;
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

/** Why `--client-secret VALUE` is refused. One line, and it never repeats the value. */
export const CLIENT_SECRET_REFUSAL =
  "a secret is never taken as a command-line value, because it would show in process listings " +
  "and shell history; use --client-secret-file FILE, --client-secret-file - (stdin) or " +
  "AZURE_CLIENT_SECRET (and rotate this secret if it was a real one)";

/**
 * Refuses `--client-secret VALUE` (the value is registered as a secret first, so that it is
 * redacted wherever it might appear).
 */
export function refuseClientSecret(options: GlobalOptions): void {
  if (options.clientSecret !== undefined) {
    registerSecret(options.clientSecret);
    throw new InvalidInputError("--client-secret", CLIENT_SECRET_REFUSAL);
  }
}

/** The output format chosen. */
export function outputFormat(options: GlobalOptions): OutputFormat {
  return options.output === "json" ? "json" : "table";
}

/** Turns the global options into connect options, reading the environment through `io`. */
export function connectOptionsFrom(options: GlobalOptions, io: Io): ConnectOptions {
  refuseClientSecret(options);
  const out: ConnectOptions = { env: (name) => io.env(name) };
  if (options.tenant) out.tenantId = options.tenant;
  if (options.clientId) out.clientId = options.clientId;
  if (options.certificate) {
    out.certificate = {
      path: options.certificate,
      ...(options.key ? { keyPath: options.key } : {}),
    };
  } else if (options.key) {
    throw new InvalidInputError("--key", "give the certificate too: --certificate FILE --key FILE");
  }
  if (options.certificatePasswordFile) {
    out.certificatePasswordFile = options.certificatePasswordFile;
  }
  if (options.clientSecretFile) {
    out.clientSecretFile = options.clientSecretFile;
    if (options.clientSecretFile === "-" && io.readStdin) out.stdin = stdinStream(io);
  }
  if (options.assertionAlg) {
    if (options.assertionAlg !== "PS256" && options.assertionAlg !== "RS256") {
      throw new InvalidInputError("--assertion-alg", "use PS256 or RS256");
    }
    out.assertionAlgorithm = options.assertionAlg;
  }
  if (options.sendCertificateChain) out.sendCertificateChain = true;
  if (options.federated) {
    if (options.federated === "github") out.federated = "github";
    else if (options.federated.startsWith("file:") && options.federated.length > 5) {
      out.federated = { tokenFile: options.federated.slice(5) };
    } else {
      throw new InvalidInputError("--federated", "use github or file:PATH");
    }
  }
  if (options.accessTokenFile) out.accessTokenFile = options.accessTokenFile;
  if (options.tokenCache) out.tokenCachePath = options.tokenCache;
  if (options.cloud) out.cloud = options.cloud;
  // The library reads GRAPHCALL_EMULATOR_URL and AZURE_AUTHORITY_HOST itself (as `connect()`
  // does for a script); flags are checked here, by the same policy, so a bad one fails early.
  if (options.emulator) out.emulatorUrl = checkHostUrl(options.emulator, "--emulator");
  if (options.graphUrl) out.graphUrl = checkHostUrl(options.graphUrl, "--graph-url");
  if (options.authorityUrl) {
    out.authorityUrl = checkHostUrl(options.authorityUrl, "--authority-url");
  }
  return out;
}

/** Standard input as the library reads it (`--client-secret-file -`), read only when pulled. */
function stdinStream(io: Io): ReadableStream<Uint8Array> {
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      controller.enqueue(new TextEncoder().encode(await io.readStdin!()));
      controller.close();
    },
  }, { highWaterMark: 0 });
}

/** Options of the HTTP pipeline that the CLI passes to `connect()`. */
export interface RuntimeOptions {
  /** `v1.0` or `beta`. */
  graphVersion?: "v1.0" | "beta";
  /** Per-request timeout in milliseconds. */
  timeoutMs?: number;
  /** The same bound on each token acquisition as a whole (all attempts and waits). */
  tokenTimeoutMs?: number;
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
    out.tokenTimeoutMs = out.timeoutMs;
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
