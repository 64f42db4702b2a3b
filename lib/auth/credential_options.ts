/**
 * The options that choose and configure a credential, with the environment variable each one
 * falls back to.
 *
 * @module
 */

import type { AssertionAlgorithm } from "./client_assertion.ts";
import type { EnvSource } from "./env.ts";
import type { TokenCache } from "./token_cache.ts";
import type { Sleep } from "../sleep.ts";

/** Where a federated token comes from. */
export type FederatedSource = "github" | { tokenFile: string } | (() => Promise<string>);

/** The kinds of credential graphcall takes. */
export type CredentialKind = "secret" | "certificate" | "federated" | "token";

/**
 * Options to resolve a credential. Every field falls back to its environment variable.
 *
 * Choice: an explicit credential option wins over the environment (giving two explicit ones is
 * an error). Among environment variables the order is Azure Identity's EnvironmentCredential
 * (`AZURE_CLIENT_SECRET`, then `AZURE_CLIENT_CERTIFICATE_PATH`), then federated
 * (`AZURE_FEDERATED_TOKEN_FILE`, then GitHub Actions' `ACTIONS_ID_TOKEN_REQUEST_URL` when
 * `GITHUB_ACTIONS=true`), then a given token (`GRAPHCALL_ACCESS_TOKEN`).
 *
 * Errors name these option keys (e.g. `tenantId`) and the variables; the CLI names its flags.
 */
export interface CredentialOptions {
  /** Tenant id (GUID) or domain. Env: `AZURE_TENANT_ID`. */
  tenantId?: string;
  /** App (client) id. Env: `AZURE_CLIENT_ID`. */
  clientId?: string;
  /** Client secret value (not its ID). Env: `AZURE_CLIENT_SECRET`. Never a command-line value. */
  clientSecret?: string;
  /** A file holding the client secret; `-` reads standard input. */
  clientSecretFile?: string;
  /**
   * Certificate: a PEM or PFX path (with an optional separate key file), or PEM text.
   * Env: `AZURE_CLIENT_CERTIFICATE_PATH`, `AZURE_CLIENT_CERTIFICATE_PASSWORD`.
   */
  certificate?: { path: string; keyPath?: string; password?: string } | {
    pem: string;
    password?: string;
  };
  /** A file holding the certificate's (or PFX's) password. */
  certificatePasswordFile?: string;
  /**
   * Federated: `"github"` (the job's OIDC token; default in GitHub Actions when no secret or
   * certificate is set), a token file re-read for each exchange (env `AZURE_FEDERATED_TOKEN_FILE`),
   * or a callback returning a fresh token.
   */
  federated?: FederatedSource;
  /** A pre-acquired Graph access token. Env: `GRAPHCALL_ACCESS_TOKEN`. */
  accessToken?: string;
  /** A file holding a pre-acquired access token. */
  accessTokenFile?: string;
  /** Cloud name. Default Global. Env: `GRAPHCALL_CLOUD`. */
  cloud?: string;
  /**
   * Authority host override. Env: `AZURE_AUTHORITY_HOST`. https, or http for a loopback host
   * only (127.0.0.0/8, localhost, [::1]); the same holds for `graphUrl` and `emulatorUrl`.
   */
  authorityUrl?: string;
  /** Graph host override. */
  graphUrl?: string;
  /**
   * A running graphcall emulator: both hosts point at it unless `authorityUrl` or `graphUrl` is
   * also given. Env: `GRAPHCALL_EMULATOR_URL` (read before `AZURE_AUTHORITY_HOST`).
   */
  emulatorUrl?: string;
  /** PS256 (default) or RS256. */
  assertionAlgorithm?: AssertionAlgorithm;
  /** Send `x5c`. Env: `AZURE_CLIENT_SEND_CERTIFICATE_CHAIN` (`true` or `1`). */
  sendCertificateChain?: boolean;
  /** Keep access tokens in this file between runs (mode 0600; tokens and expiry only). */
  tokenCachePath?: string;
  /** The token cache to use; the process-wide one by default. */
  tokenCache?: TokenCache;
  /** Called with every secret value auth obtains (besides `registerSecret`). */
  onSecret?: (value: string) => void;
  /** Environment to read from; default `Deno.env`. Tests pass a plain object or a function. */
  env?: EnvSource;
  /** Standard input, for `clientSecretFile: "-"`; default `Deno.stdin`. */
  stdin?: ReadableStream<Uint8Array>;
  /** Injectable fetch. */
  fetch?: typeof fetch;
  /** Injectable clock, ms. */
  now?: () => number;
  /** Injectable sleep between token-request retries, ms. */
  sleep?: Sleep;
  /**
   * Bounds each token acquisition as a whole (every attempt and wait, the federated token's
   * request included), ms. Default: 30 s per attempt, 3 attempts. The CLI's `--timeout` sets it.
   */
  tokenTimeoutMs?: number;
}
