/**
 * A signing key of the emulator's own: it signs the access tokens it issues (as Entra) and the
 * GitHub OIDC tokens (as GitHub), and publishes the public half as a JWKS.
 *
 * Generating RSA keys is the slow part of starting an emulator (tens to hundreds of ms), so the
 * two keys are made once per process, on first use, and shared by every emulator started in it.
 * Tokens from one emulator are therefore accepted by another in the same process; tenants and
 * apps are per emulator, so this changes nothing a test can observe through the tenant checks.
 *
 * @module
 */

import { exportJWK, generateKeyPair, type JWK } from "npm:jose@^6.2";

/** An RS256 key pair with a key id. */
export interface SigningKey {
  /** The key id (`kid`, also sent as `x5t`). */
  kid: string;
  /** Signs tokens. */
  privateKey: CryptoKey;
  /** Verifies tokens. */
  publicKey: CryptoKey;
  /** The public key as a JWK with `kid`, `use` and `alg`. */
  publicJwk: JWK;
}

/** Makes a fresh RS256 key (2048 bits). */
export async function createSigningKey(): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair("RS256", { modulusLength: 2048 });
  const publicJwk = await exportJWK(publicKey);
  const kid = crypto.randomUUID().replace(/-/g, "").slice(0, 27);
  return { kid, privateKey, publicKey, publicJwk: { ...publicJwk, kid, use: "sig", alg: "RS256" } };
}

let entraKey: Promise<SigningKey> | undefined;
let githubKey: Promise<SigningKey> | undefined;

function cached(
  get: () => Promise<SigningKey> | undefined,
  set: (p?: Promise<SigningKey>) => void,
) {
  let p = get();
  if (!p) {
    p = createSigningKey();
    set(p);
    // A failed generation is not kept, so a later call can try again.
    p.catch(() => set(undefined));
  }
  return p;
}

/** The process-wide key that signs access tokens, made on the first call and shared after. */
export function sharedEntraKey(): Promise<SigningKey> {
  return cached(() => entraKey, (p) => entraKey = p);
}

/**
 * The process-wide key of the emulated GitHub OIDC issuer, made on the first call (the first
 * GitHub token or federated login) and shared after.
 */
export function sharedGithubKey(): Promise<SigningKey> {
  return cached(() => githubKey, (p) => githubKey = p);
}
