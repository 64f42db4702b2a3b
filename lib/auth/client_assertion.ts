/**
 * The certificate client assertion Entra takes in place of a secret: a JWT signed with the app's
 * private key, naming the certificate by thumbprint.
 *
 * Facts: ../shared/reference/entra-tokens.md section 2.
 *
 * @module
 */

import { type LoadedCertificate, type SigningAlgorithm, signingKey } from "./certificate.ts";
import { toBase64 } from "../encoding.ts";
import { registerSecret } from "../redact.ts";

/** The two header/algorithm pairs Entra accepts. */
export type AssertionAlgorithm = SigningAlgorithm;

/** Options for {@link createClientAssertion}. */
export interface ClientAssertionOptions {
  /** The app (client) id: both `iss` and `sub`. */
  clientId: string;
  /** The exact token endpoint URL the assertion will be posted to: its `aud`. */
  tokenEndpoint: string;
  /** The loaded certificate credential. */
  certificate: LoadedCertificate;
  /** PS256 + `x5t#S256` (default), or RS256 + SHA-1 `x5t` for older setups. */
  algorithm?: AssertionAlgorithm;
  /** Add the chain as `x5c`, for subject-name/issuer (SNI) setups. */
  sendCertificateChain?: boolean;
  /** Lifetime in seconds; at most 600. Default 600. */
  lifetimeSeconds?: number;
  /** The clock, in milliseconds. */
  now?: () => number;
}

/** A signed assertion and when it stops being valid. */
export interface ClientAssertion {
  /** The compact JWT. Secret: never print it. */
  readonly jwt: string;
  /** Its `exp`, in milliseconds since the epoch. */
  readonly expiresAt: number;
}

/**
 * Builds a fresh client assertion: new `jti`, `nbf` = `iat` = now, `exp` at most 10 minutes on.
 *
 * @example Sign an assertion for a token endpoint
 * ```ts ignore
 * import { loadCertificate } from "./certificate.ts";
 * import { createClientAssertion } from "./client_assertion.ts";
 * const certificate = await loadCertificate({ path: "app.pem" });
 * const { jwt } = await createClientAssertion({
 *   clientId: "0b5e8a21-6c4f-4d2e-9a57-3f1c2d8e7b60",
 *   tokenEndpoint: "https://login.microsoftonline.com/contoso.onmicrosoft.com/oauth2/v2.0/token",
 *   certificate,
 * });
 * ```
 */
export async function createClientAssertion(
  options: ClientAssertionOptions,
): Promise<ClientAssertion> {
  const alg = options.algorithm ?? "PS256";
  const lifetime = Math.min(options.lifetimeSeconds ?? 600, 600);
  const nowSeconds = Math.floor((options.now?.() ?? Date.now()) / 1000);
  const header: Record<string, unknown> = { alg, typ: "JWT" };
  if (alg === "PS256") header["x5t#S256"] = options.certificate.x5tS256;
  else header.x5t = options.certificate.x5t;
  if (options.sendCertificateChain) {
    header.x5c = options.certificate.chain.map((der) => toBase64(der));
  }
  const key = await signingKey(options.certificate, alg);
  const { SignJWT } = await import("npm:jose@^6.2/jwt/sign");
  const jwt = await new SignJWT({})
    .setProtectedHeader(header as { alg: string })
    .setIssuer(options.clientId)
    .setSubject(options.clientId)
    .setAudience(options.tokenEndpoint)
    .setJti(crypto.randomUUID())
    .setIssuedAt(nowSeconds)
    .setNotBefore(nowSeconds)
    .setExpirationTime(nowSeconds + lifetime)
    .sign(key);
  registerSecret(jwt);
  return { jwt, expiresAt: (nowSeconds + lifetime) * 1000 };
}
