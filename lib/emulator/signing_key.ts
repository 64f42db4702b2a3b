/**
 * A signing key of the emulator's own: it signs the access tokens it issues (as Entra) and the
 * GitHub OIDC tokens (as GitHub), and publishes the public half as a JWKS.
 *
 * @module
 */

import { exportJWK, generateKeyPair, type JWK } from "npm:jose@^6.2";

/** An RS256 key pair with a key id. */
export interface SigningKey {
  kid: string;
  privateKey: CryptoKey;
  publicKey: CryptoKey;
  publicJwk: JWK;
}

/** Makes a fresh RS256 key (2048 bits). */
export async function createSigningKey(): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair("RS256", { modulusLength: 2048 });
  const publicJwk = await exportJWK(publicKey);
  const kid = crypto.randomUUID().replace(/-/g, "").slice(0, 27);
  return { kid, privateKey, publicKey, publicJwk: { ...publicJwk, kid, use: "sig", alg: "RS256" } };
}
