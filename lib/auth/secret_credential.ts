/**
 * The app client-secret credential (`Connect-MgGraph -ClientSecretCredential`): each token request
 * carries the secret. The secret comes from `AZURE_CLIENT_SECRET`, a file or stdin, never from a
 * command-line value.
 *
 * @module
 */

import type { AccessToken, GetTokenOptions, TokenCredential } from "./credential.ts";
import { requestAccessToken } from "./token_request.ts";
import { digest, toHex } from "../encoding.ts";
import { registerSecret } from "../redact.ts";
import type { Sleep } from "../sleep.ts";

/** Options for {@link SecretCredential}. */
export interface SecretCredentialOptions {
  /** Tenant id (GUID) or domain. */
  tenantId: string;
  /** App (client) id. */
  clientId: string;
  /** The secret's value (not its ID). Secret. */
  clientSecret: string;
  /** Authority host. */
  authorityUrl: string;
  /** Scope, e.g. `https://graph.microsoft.com/.default`. */
  scope: string;
  /** Where the secret came from, for messages. */
  source: string;
  /** Injectable fetch. */
  fetch?: typeof fetch;
  /** Injectable clock, ms. */
  now?: () => number;
  /** Injectable sleep between retries, ms. */
  sleep?: Sleep;
  /** Called with each secret value sent or received (besides registerSecret). */
  onSecret?: (value: string) => void;
}

/** A short, non-reversible fingerprint of a secret for cache keys (SHA-256, 16 hex digits). */
export async function secretFingerprint(secret: string): Promise<string> {
  return toHex(await digest("SHA-256", new TextEncoder().encode(secret))).slice(0, 16);
}

/** Gets app-only tokens with a client secret. */
export class SecretCredential implements TokenCredential {
  readonly kind = "secret";
  readonly source: string;
  readonly identity: string;
  readonly #options: SecretCredentialOptions;

  /** Use {@link SecretCredential.create}, which fingerprints the secret for the cache key. */
  constructor(options: SecretCredentialOptions, fingerprint: string) {
    registerSecret(options.clientSecret);
    this.#options = options;
    this.source = options.source;
    this.identity = `secret:${fingerprint}`;
  }

  /** Creates the credential. */
  static async create(options: SecretCredentialOptions): Promise<SecretCredential> {
    return new SecretCredential(options, await secretFingerprint(options.clientSecret));
  }

  async getToken(options: GetTokenOptions = {}): Promise<AccessToken> {
    const o = this.#options;
    return await requestAccessToken(o, { clientSecret: o.clientSecret }, {
      signal: options.signal,
    });
  }
}
