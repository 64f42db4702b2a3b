/**
 * The credential abstraction: anything that can hand out a Graph access token.
 *
 * @module
 */

/** An access token and its timing. The token is secret: never print it. */
export interface AccessToken {
  /** The bearer token. */
  readonly token: string;
  /** When it expires, ms since the epoch. */
  readonly expiresAt: number;
  /** When to renew it early, ms since the epoch (Entra's `refresh_in`), if known. */
  readonly refreshAt?: number;
}

/** Options for {@link TokenCredential.getToken}. */
export interface GetTokenOptions {
  /** Abort signal. */
  signal?: AbortSignal;
  /** Skip any cache and ask the issuer again (used once after a 401). */
  forceRefresh?: boolean;
}

/** Something that can hand out a Graph access token. */
export interface TokenCredential {
  /** What kind of credential this is, e.g. `certificate`, `secret`, `federated`, `token`. */
  readonly kind: string;
  /** Where it came from, for messages and doctor (never the secret itself). */
  readonly source: string;
  /**
   * What distinguishes this credential from others of the same app in cache keys (a thumbprint,
   * a hash of a secret, a file path), never a secret itself.
   */
  readonly identity?: string;
  /** Returns a valid access token. */
  getToken(options?: GetTokenOptions): Promise<AccessToken>;
}
