/**
 * The token cache in front of every credential: a token is reused until 5 minutes before it
 * expires (or until Entra's `refresh_in`), and concurrent callers on a cold cache share one
 * request (single-flight). Entries are keyed by authority, tenant, client, scope and credential
 * identity, so two credentials never see each other's tokens.
 *
 * An opt-in file cache (the CLI's `--token-cache FILE`) keeps access tokens and their expiry
 * between runs, in a file of mode 0600; nothing else (no secret, no key, no assertion) is written.
 *
 * @module
 */

import type { AccessToken, GetTokenOptions, TokenCredential } from "./credential.ts";
import { registerSecret } from "../redact.ts";

/** Renew this long before expiry, as MSAL does. */
export const RENEW_BEFORE_EXPIRY_MS = 5 * 60 * 1000;

/** What makes a cached token reusable for a request. */
export interface TokenCacheKey {
  /** Authority host. */
  authorityUrl: string;
  /** Tenant id or domain. */
  tenantId: string;
  /** App (client) id. */
  clientId: string;
  /** Scope. */
  scope: string;
  /** The credential's identity (thumbprint, secret fingerprint, federated source). */
  identity: string;
}

/** The string form of a key, also used in the file cache and in request counters. */
export function cacheKeyString(key: TokenCacheKey): string {
  return [
    key.authorityUrl.replace(/\/+$/, "").toLowerCase(),
    key.tenantId.toLowerCase(),
    key.clientId.toLowerCase(),
    key.scope,
    key.identity,
  ].join("|");
}

/** Options for {@link TokenCache}. */
export interface TokenCacheOptions {
  /** Injectable clock, ms. */
  now?: () => number;
  /** A JSON file to keep access tokens in between runs (mode 0600). */
  filePath?: string;
}

interface Entry {
  token?: AccessToken;
  inFlight?: Promise<AccessToken>;
}

interface FileShape {
  version: 1;
  tokens: Record<string, { accessToken: string; expiresAt: number; refreshAt?: number }>;
}

/**
 * Tokens by key, with single-flight renewal and a count of the requests made per key.
 *
 * @example Share one cache between two credentials of the same app
 * ```ts ignore
 * import { TokenCache } from "./token_cache.ts";
 * const cache = new TokenCache();
 * const token = await cache.getToken(key, () => credential.getToken());
 * console.log(cache.requestCount(key)); // 1
 * ```
 */
export class TokenCache {
  readonly #now: () => number;
  readonly #filePath: string | undefined;
  readonly #entries = new Map<string, Entry>();
  readonly #requests = new Map<string, number>();
  #fileLoaded: Promise<void> | undefined;

  /** Creates an empty cache (reading `filePath`, if given, on first use). */
  constructor(options: TokenCacheOptions = {}) {
    this.#now = options.now ?? Date.now;
    this.#filePath = options.filePath;
  }

  /** Token requests made (sent to the credential) for a key. */
  requestCount(key: TokenCacheKey | string): number {
    return this.#requests.get(typeof key === "string" ? key : cacheKeyString(key)) ?? 0;
  }

  /** Token requests made, by key string. */
  requestCounts(): ReadonlyMap<string, number> {
    return new Map(this.#requests);
  }

  /** Token requests made in all. */
  get totalRequests(): number {
    let n = 0;
    for (const v of this.#requests.values()) n += v;
    return n;
  }

  #isFresh(token: AccessToken | undefined): token is AccessToken {
    if (!token) return false;
    const renewAt = Math.min(token.refreshAt ?? Infinity, token.expiresAt - RENEW_BEFORE_EXPIRY_MS);
    return this.#now() < renewAt;
  }

  /** Whether a token can still be used while its renewal fails (before its own expiry margin). */
  #isUsable(token: AccessToken | undefined): token is AccessToken {
    return !!token && this.#now() < token.expiresAt - 60_000;
  }

  /**
   * Returns a cached token for the key, or calls `fetchToken` once for all concurrent callers.
   * Past `refresh_in` (but before the 5-minute margin) a failed renewal falls back to the cached
   * token.
   */
  async getToken(
    key: TokenCacheKey,
    fetchToken: () => Promise<AccessToken>,
    options: { forceRefresh?: boolean } = {},
  ): Promise<AccessToken> {
    const k = cacheKeyString(key);
    let entry = this.#entries.get(k);
    if (!entry) this.#entries.set(k, entry = {});
    if (!options.forceRefresh && !entry.token && this.#filePath) {
      await (this.#fileLoaded ??= this.#loadFile());
    }
    if (!options.forceRefresh && this.#isFresh(entry.token)) return entry.token;
    if (entry.inFlight) return entry.inFlight;
    const previous = entry.token;
    const e = entry;
    this.#requests.set(k, (this.#requests.get(k) ?? 0) + 1);
    const flight: Promise<AccessToken> = (async () => {
      try {
        const token = await fetchToken();
        e.token = token;
        if (this.#filePath) await this.#saveFile();
        return token;
      } catch (err) {
        const pastRefreshOnly = previous?.refreshAt !== undefined && !options.forceRefresh &&
          this.#now() < previous.expiresAt - RENEW_BEFORE_EXPIRY_MS;
        if (pastRefreshOnly && this.#isUsable(previous)) return previous;
        throw err;
      }
    })();
    e.inFlight = flight;
    const clear = () => {
      if (e.inFlight === flight) e.inFlight = undefined;
    };
    flight.then(clear, clear);
    return flight;
  }

  /** Forgets every token (not the counters). */
  clear(): void {
    this.#entries.clear();
  }

  async #loadFile(): Promise<void> {
    let text: string;
    try {
      text = await Deno.readTextFile(this.#filePath!);
    } catch {
      return; // No file yet, or unreadable: start cold.
    }
    let data: FileShape;
    try {
      data = JSON.parse(text);
    } catch {
      return; // A damaged cache is ignored and overwritten.
    }
    if (data?.version !== 1 || typeof data.tokens !== "object" || data.tokens === null) return;
    for (const [k, t] of Object.entries(data.tokens)) {
      if (typeof t?.accessToken !== "string" || typeof t.expiresAt !== "number") continue;
      registerSecret(t.accessToken);
      const entry = this.#entries.get(k) ?? {};
      if (!entry.token) {
        entry.token = {
          token: t.accessToken,
          expiresAt: t.expiresAt,
          ...(typeof t.refreshAt === "number" ? { refreshAt: t.refreshAt } : {}),
        };
      }
      this.#entries.set(k, entry);
    }
  }

  async #saveFile(): Promise<void> {
    const path = this.#filePath!;
    const now = this.#now();
    const data: FileShape = { version: 1, tokens: {} };
    for (const [k, e] of this.#entries) {
      if (e.token && e.token.expiresAt > now) {
        data.tokens[k] = {
          accessToken: e.token.token,
          expiresAt: e.token.expiresAt,
          ...(e.token.refreshAt !== undefined ? { refreshAt: e.token.refreshAt } : {}),
        };
      }
    }
    // Write a private temporary file, then rename: never a moment with a readable token file.
    const tmp = `${path}.${crypto.randomUUID()}.tmp`;
    await Deno.writeTextFile(tmp, JSON.stringify(data), { mode: 0o600 });
    try {
      await Deno.chmod(tmp, 0o600);
    } catch { /* Windows: no modes */ }
    await Deno.rename(tmp, path);
  }
}

/** The process-wide cache `connect()` uses unless given another. */
export const defaultTokenCache: TokenCache = new TokenCache();

/** Options for {@link CachedCredential}. */
export interface CachedCredentialOptions {
  /** Injectable clock, ms (used when no cache is given). */
  now?: () => number;
  /** The cache; a private one by default. */
  cache?: TokenCache;
  /** The key; built from the inner credential's identity when absent. */
  key?: TokenCacheKey;
}

/** Wraps a credential with caching and single-flight. */
export class CachedCredential implements TokenCredential {
  readonly #inner: TokenCredential;
  readonly #cache: TokenCache;
  readonly #key: TokenCacheKey;

  /** Wraps `inner`. */
  constructor(inner: TokenCredential, options: CachedCredentialOptions = {}) {
    this.#inner = inner;
    this.#cache = options.cache ?? new TokenCache(options.now ? { now: options.now } : {});
    this.#key = options.key ?? {
      authorityUrl: "",
      tenantId: "",
      clientId: "",
      scope: "",
      identity: inner.identity ?? `${inner.kind}:${inner.source}`,
    };
  }

  get kind(): string {
    return this.#inner.kind;
  }

  get source(): string {
    return this.#inner.source;
  }

  get identity(): string | undefined {
    return this.#inner.identity;
  }

  /** The cache in use. */
  get cache(): TokenCache {
    return this.#cache;
  }

  /** The cache key of this credential. */
  get cacheKey(): TokenCacheKey {
    return this.#key;
  }

  /** How many tokens the inner credential was asked for (for tests and benchmarks). */
  get requests(): number {
    return this.#cache.requestCount(this.#key);
  }

  getToken(options: GetTokenOptions = {}): Promise<AccessToken> {
    const inner = { ...options, forceRefresh: false };
    return this.#cache.getToken(
      this.#key,
      () => this.#inner.getToken(inner),
      options.forceRefresh ? { forceRefresh: true } : {},
    );
  }
}
