/**
 * A pre-acquired access token (`Connect-MgGraph -AccessToken` parity): used as is until it
 * expires, after checking by decoding that it is an unexpired token for this cloud's Graph.
 *
 * @module
 */

import type { AccessToken, TokenCredential } from "./credential.ts";
import { type AccessTokenClaims, decodeAccessToken, GRAPH_APP_ID } from "./claims.ts";
import { AuthError, InvalidInputError } from "../errors.ts";
import { registerSecret } from "../redact.ts";
import { secretFingerprint } from "./secret_credential.ts";

/** Options for {@link AccessTokenCredential.create}. */
export interface AccessTokenCredentialOptions {
  /** The bearer token. Secret. */
  token: string;
  /** Where it came from, for messages (never the token). */
  source: string;
  /** The field named in errors, e.g. `accessTokenFile` or `GRAPHCALL_ACCESS_TOKEN`. */
  field: string;
  /** The Graph root whose audience the token must carry, e.g. `https://graph.microsoft.com`. */
  graphAudience: string;
  /** The expected tenant, when known: a GUID is compared with `tid`. */
  tenantId?: string;
  /** The expected client id, when known. */
  clientId?: string;
  /** Injectable clock, ms. */
  now?: () => number;
}

/** Hands out one token given by the caller; refuses it once expired. */
export class AccessTokenCredential implements TokenCredential {
  readonly kind = "token";
  readonly source: string;
  readonly identity: string;
  /** The token's claims (decoded, not verified). */
  readonly claims: AccessTokenClaims;
  readonly #token: string;
  readonly #field: string;
  readonly #now: () => number;

  private constructor(
    options: AccessTokenCredentialOptions,
    claims: AccessTokenClaims,
    fingerprint: string,
  ) {
    this.#token = options.token;
    this.#field = options.field;
    this.#now = options.now ?? Date.now;
    this.source = options.source;
    this.claims = claims;
    this.identity = `token:${fingerprint}`;
  }

  /**
   * Checks the token (JWT, not expired, audience = this cloud's Graph, tenant and app when
   * known) and creates the credential.
   *
   * @throws {InvalidInputError} naming the field, when a check fails.
   */
  static async create(options: AccessTokenCredentialOptions): Promise<AccessTokenCredential> {
    const token = options.token.trim().replace(/^Bearer\s+/i, "");
    registerSecret(token);
    const claims = decodeAccessToken(token, options.field);
    const now = options.now?.() ?? Date.now();
    if (claims.exp === undefined) {
      throw new InvalidInputError(options.field, "the token has no expiry (exp)");
    }
    if (claims.exp * 1000 <= now) {
      throw new InvalidInputError(
        options.field,
        `the token expired at ${new Date(claims.exp * 1000).toISOString()}; get a new one`,
      );
    }
    const aud = (claims.aud ?? "").replace(/\/+$/, "");
    const want = options.graphAudience.replace(/\/+$/, "");
    if (aud !== want && aud !== GRAPH_APP_ID) {
      throw new InvalidInputError(
        options.field,
        `the token is for "${claims.aud ?? "(no audience)"}", not for ${want}; ` +
          `ask for a token with the scope ${want}/.default (or choose the token's cloud with the cloud option)`,
      );
    }
    const tenant = options.tenantId?.toLowerCase();
    if (tenant && /^[0-9a-f-]{36}$/.test(tenant) && claims.tid && claims.tid !== tenant) {
      throw new InvalidInputError(
        options.field,
        `the token is for tenant ${claims.tid}, not ${options.tenantId}`,
      );
    }
    const client = options.clientId?.toLowerCase();
    if (client && claims.appid && claims.appid.toLowerCase() !== client) {
      throw new InvalidInputError(
        options.field,
        `the token was issued to app ${claims.appid}, not ${options.clientId}`,
      );
    }
    return new AccessTokenCredential(
      { ...options, token },
      claims,
      await secretFingerprint(token),
    );
  }

  getToken(): Promise<AccessToken> {
    const expiresAt = (this.claims.exp ?? 0) * 1000;
    if (expiresAt <= this.#now()) {
      return Promise.reject(
        new AuthError(
          `the access token from ${this.source} expired at ${new Date(expiresAt).toISOString()}`,
          {},
          {
            code: "credential_invalid",
            remediation: `Give a new token (${this.#field}), or use a credential graphcall can ` +
              "renew itself (certificate, secret or federated).",
          },
        ),
      );
    }
    return Promise.resolve({ token: this.#token, expiresAt });
  }
}
