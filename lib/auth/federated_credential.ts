/**
 * Federated (workload identity) credentials: a token issued by another identity provider (GitHub
 * Actions, Kubernetes, or any callback) exchanged at Entra as the client assertion. There is no
 * stored secret; each exchange gets a fresh external token.
 *
 * Facts: ../shared/reference/entra-tokens.md section 3.
 *
 * @module
 */

import { decodeJwtPayload } from "../jwt_payload.ts";
import type { AccessToken, GetTokenOptions, TokenCredential } from "./credential.ts";
import {
  type AppTokenRequest,
  requestAccessToken,
  type TokenRequestCredential,
} from "./token_request.ts";
import { AuthError, InvalidInputError, MissingCredentialError } from "../errors.ts";
import { type Answer, exchange, ExchangeFailure } from "../http_exchange.ts";
import { redact, registerSecret } from "../redact.ts";

/** Supplies a fresh external token (a JWT) for each exchange. */
export type AssertionSource = () => Promise<string>;

/** Never send an external token in its last minute: fetch or read a new one instead. */
export const ASSERTION_MIN_REMAINING_MS = 60_000;

/** Options for {@link githubActionsAssertion}. */
export interface GithubActionsAssertionOptions {
  /** `ACTIONS_ID_TOKEN_REQUEST_URL`. */
  requestUrl: string;
  /** `ACTIONS_ID_TOKEN_REQUEST_TOKEN`. Secret. */
  requestToken: string;
  /** The audience: the cloud's federated audience, e.g. `api://AzureADTokenExchange`. */
  audience: string;
  /** Injectable fetch. */
  fetch?: typeof fetch;
  /** Give up on GitHub's answer after this long, ms (default 10 000). */
  timeoutMs?: number;
}

/** The largest answer read from GitHub's OIDC token service (a token is a few kilobytes). */
export const MAX_OIDC_BODY_BYTES = 64 * 1024;

/**
 * A source that asks GitHub Actions for a new OIDC token on every call (they live about 5
 * minutes, so one is never reused across exchanges).
 *
 * @example Exchange the job's token in a workflow with `permissions: id-token: write`
 * ```ts ignore
 * import { githubActionsAssertion } from "./federated_credential.ts";
 * const source = githubActionsAssertion({
 *   requestUrl: Deno.env.get("ACTIONS_ID_TOKEN_REQUEST_URL")!,
 *   requestToken: Deno.env.get("ACTIONS_ID_TOKEN_REQUEST_TOKEN")!,
 *   audience: "api://AzureADTokenExchange",
 * });
 * ```
 */
export function githubActionsAssertion(options: GithubActionsAssertionOptions): AssertionSource {
  registerSecret(options.requestToken);
  return async () => {
    let url: URL;
    try {
      url = new URL(options.requestUrl);
    } catch {
      throw new InvalidInputError("ACTIONS_ID_TOKEN_REQUEST_URL", "is not a URL");
    }
    url.searchParams.set("audience", options.audience);
    const budgetMs = Math.max(1, Math.min(options.timeoutMs ?? 10_000, 10_000));
    let answer: Answer;
    try {
      answer = await exchange(options.fetch ?? fetch, url.href, {
        method: "GET",
        headers: {
          authorization: `Bearer ${options.requestToken}`,
          accept: "application/json; api-version=2.0",
        },
      }, { budgetMs, maxBodyBytes: MAX_OIDC_BODY_BYTES });
    } catch (e) {
      if (!(e instanceof ExchangeFailure)) throw e;
      const why = e.kind === "timeout"
        ? `did not answer within ${budgetMs} ms`
        : e.kind === "redirect"
        ? `answered ${e.status} redirecting to ${
          redact(e.location ?? "(no location)")
        }, which graphcall does not follow`
        : e.kind === "tooLarge"
        ? `answered with a body over ${MAX_OIDC_BODY_BYTES} bytes, which was not read`
        : `could not be reached: ${redact(e.message)}`;
      throw new AuthError(
        `GitHub's OIDC token service at ${url.origin} ${why}`,
        {},
        {
          code: e.kind === "timeout" ? "timeout" : e.kind === "network" ? "network" : "auth_failed",
          remediation: "Retry the job; check ACTIONS_ID_TOKEN_REQUEST_URL is GitHub's own.",
        },
      );
    }
    const { response, text } = answer;
    if (!response.ok) {
      throw new AuthError(
        `GitHub's OIDC token service answered ${response.status}`,
        { status: response.status },
        {
          remediation: response.status === 401 || response.status === 403
            ? "Give the job `permissions: id-token: write`, and run in the job itself " +
              "(ACTIONS_ID_TOKEN_REQUEST_TOKEN is valid only there)."
            : "Retry the job; GitHub's OIDC service may be unavailable.",
        },
      );
    }
    let value: unknown;
    try {
      value = (JSON.parse(text) as { value?: unknown }).value;
    } catch {
      value = undefined;
    }
    if (typeof value !== "string" || value.length === 0) {
      throw new AuthError("GitHub's OIDC token service answered without a token (`value`)");
    }
    registerSecret(value);
    return value;
  };
}

/**
 * A source that re-reads a token file (`AZURE_FEDERATED_TOKEN_FILE`, as Kubernetes workload
 * identity projects it) for every exchange.
 *
 * @example Use a projected service-account token
 * ```ts ignore
 * import { tokenFileAssertion } from "./federated_credential.ts";
 * const source = tokenFileAssertion("/var/run/secrets/azure/tokens/azure-identity-token");
 * ```
 */
export function tokenFileAssertion(
  path: string,
  field = "AZURE_FEDERATED_TOKEN_FILE",
): AssertionSource {
  return async () => {
    let text: string;
    try {
      text = await Deno.readTextFile(path);
    } catch (e) {
      throw new InvalidInputError(
        field,
        `${path}: ${e instanceof Deno.errors.NotFound ? "file not found" : "could not be read"}`,
      );
    }
    const token = text.trim();
    if (!token) throw new InvalidInputError(field, `${path}: the file is empty`);
    registerSecret(token);
    return token;
  };
}

/** Where a federated credential's token comes from, for messages. */
export interface FederatedCredentialOptions extends AppTokenRequest {
  /** Supplies the external token, fresh for each exchange. */
  getAssertion: AssertionSource;
  /** Where the token comes from, for messages. */
  source: string;
  /** Identifies the source in cache keys (e.g. `file:/path`, `github:host`). */
  identity: string;
}

function presented(jwt: string): { issuer: string; subject: string; audience: string } | undefined {
  try {
    const c = decodeJwtPayload(jwt);
    return {
      issuer: String(c.iss ?? ""),
      subject: String(c.sub ?? ""),
      audience: (Array.isArray(c.aud) ? c.aud : [c.aud ?? ""]).join(","),
    };
  } catch {
    return undefined;
  }
}

function expiresAt(jwt: string): number | undefined {
  try {
    const exp = decodeJwtPayload(jwt).exp;
    return typeof exp === "number" ? exp * 1000 : undefined;
  } catch {
    return undefined;
  }
}

/** Gets app-only tokens by exchanging an external identity provider's token. */
export class FederatedCredential implements TokenCredential {
  readonly kind = "federated";
  readonly source: string;
  readonly identity: string;
  readonly #options: FederatedCredentialOptions;

  constructor(options: FederatedCredentialOptions) {
    if (!options.getAssertion) {
      throw new MissingCredentialError("federated", "no federated token source was given");
    }
    this.#options = options;
    this.source = options.source;
    this.identity = `federated:${options.identity}`;
  }

  async #assertion(): Promise<TokenRequestCredential> {
    const o = this.#options;
    const now = o.now ?? Date.now;
    let jwt = await o.getAssertion();
    let exp = expiresAt(jwt);
    // In its last minute: ask once more (GitHub mints a new one; a file may have been rotated).
    if (exp !== undefined && exp - now() < ASSERTION_MIN_REMAINING_MS) {
      jwt = await o.getAssertion();
      exp = expiresAt(jwt);
      if (exp !== undefined && exp - now() < ASSERTION_MIN_REMAINING_MS) {
        throw new AuthError(
          `the federated token from ${o.source} ${exp <= now() ? "expired" : "expires"} at ${
            new Date(exp).toISOString()
          }; it is not sent in its last minute`,
          {},
          {
            code: "credential_invalid",
            remediation: "Refresh the token file (or the provider that writes it), then retry.",
          },
        );
      }
    }
    registerSecret(jwt);
    const p = presented(jwt);
    return { clientAssertion: jwt, ...(p ? { presented: p } : {}) };
  }

  async getToken(options: GetTokenOptions = {}): Promise<AccessToken> {
    const o = this.#options;
    return await requestAccessToken(o, () => this.#assertion(), { signal: options.signal });
  }
}
