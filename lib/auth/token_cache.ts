/**
 * An in-memory token cache in front of any credential: a token is reused until 5 minutes before
 * it expires (or until Entra's `refresh_in`), and concurrent callers on a cold cache share one
 * request (single-flight).
 *
 * @module
 */

import type { AccessToken, GetTokenOptions, TokenCredential } from "./credential.ts";

/** Renew this long before expiry, as MSAL does. */
export const RENEW_BEFORE_EXPIRY_MS = 5 * 60 * 1000;

/** Options for {@link CachedCredential}. */
export interface CachedCredentialOptions {
  /** Injectable clock, ms. */
  now?: () => number;
}

/** Wraps a credential with caching and single-flight. */
export class CachedCredential implements TokenCredential {
  readonly #inner: TokenCredential;
  readonly #now: () => number;
  #cached: AccessToken | undefined;
  #inFlight: Promise<AccessToken> | undefined;
  /** How many tokens the inner credential was asked for (for tests and benchmarks). */
  requests = 0;

  constructor(inner: TokenCredential, options: CachedCredentialOptions = {}) {
    this.#inner = inner;
    this.#now = options.now ?? Date.now;
  }

  get kind(): string {
    return this.#inner.kind;
  }

  get source(): string {
    return this.#inner.source;
  }

  #fresh(token: AccessToken | undefined): token is AccessToken {
    if (!token) return false;
    const now = this.#now();
    const renewAt = Math.min(token.refreshAt ?? Infinity, token.expiresAt - RENEW_BEFORE_EXPIRY_MS);
    return now < renewAt;
  }

  getToken(options: GetTokenOptions = {}): Promise<AccessToken> {
    if (!options.forceRefresh && this.#fresh(this.#cached)) return Promise.resolve(this.#cached);
    if (this.#inFlight) return this.#inFlight;
    this.requests++;
    const inner = { ...options, forceRefresh: false };
    const p = this.#inner.getToken(inner).then(
      (token) => {
        this.#cached = token;
        return token;
      },
    ).finally(() => {
      if (this.#inFlight === p) this.#inFlight = undefined;
    });
    this.#inFlight = p;
    return p;
  }
}
