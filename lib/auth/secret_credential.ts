/**
 * The app client-secret credential (`Connect-MgGraph -ClientSecretCredential`): each token request
 * carries the secret. The secret comes from `AZURE_CLIENT_SECRET`, a file or stdin, never from a
 * command-line value.
 *
 * @module
 */

import type { AccessToken, GetTokenOptions, TokenCredential } from "./credential.ts";
import { type AppTokenRequest, requestAccessToken } from "./token_request.ts";
import { digest, toHex } from "../encoding.ts";
import { registerSecret } from "../redact.ts";

/** Options for {@link SecretCredential}. */
export interface SecretCredentialOptions extends AppTokenRequest {
  /** The secret's value (not its ID). Secret. */
  clientSecret: string;
  /** Where the secret came from, for messages. */
  source: string;
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
