/**
 * The emulator's signing keys: one signs the access tokens it issues (as Entra), one the GitHub
 * OIDC tokens (as GitHub Actions), one the call notifications it POSTs to bots (as the Bot
 * Framework's calling service). Each is published as a JWKS whose key carries `kid`, `x5t` (the
 * SHA-1 thumbprint of its certificate, as Entra's keys do) and `x5c`.
 *
 * On loopback the emulator uses the well-known development keys of dev_keys.ts: importing them
 * takes about a millisecond, where generating RSA keys takes 50 to 350 ms, and they are the same
 * on every run. Off loopback it makes fresh keys at start (see `keys` in `startEmulator`).
 *
 * @module
 */

import type { JWK } from "npm:jose@^6.2";
import { digest, fromBase64Any, toBase64, toBase64Url } from "../encoding.ts";
import { WELL_KNOWN_KEYS } from "./dev_keys.ts";

/** An RS256 key pair with its certificate and key id. */
export interface SigningKey {
  /** The key id (`kid`): the certificate's SHA-1 thumbprint, base64url, also sent as `x5t`. */
  kid: string;
  /** Signs tokens. */
  privateKey: CryptoKey;
  /** Verifies tokens. */
  publicKey: CryptoKey;
  /** The public key as a JWK with `kid`, `use`, `alg`, `x5t` and `x5c`. */
  publicJwk: JWK;
}

/** What each key signs. */
export type KeyPurpose = "entra" | "github" | "notifications";

const RSA = { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" } as const;

const SUBJECTS: Record<KeyPurpose, string> = {
  entra: "CN=graphcall emulator Entra token signing",
  github: "CN=graphcall emulator GitHub OIDC signing",
  notifications: "CN=graphcall emulator call notification signing",
};

async function fromParts(
  privateKey: CryptoKey,
  publicKey: CryptoKey,
  certificateDer: Uint8Array,
): Promise<SigningKey> {
  const kid = toBase64Url(await digest("SHA-1", certificateDer));
  const jwk = await crypto.subtle.exportKey("jwk", publicKey);
  const x5c = toBase64(certificateDer);
  return {
    kid,
    privateKey,
    publicKey,
    publicJwk: {
      kty: "RSA",
      n: jwk.n,
      e: jwk.e,
      kid,
      use: "sig",
      alg: "RS256",
      x5t: kid,
      x5c: [x5c],
    },
  };
}

/** Makes a fresh RS256 key (2048 bits) with a self-signed certificate of its public half. */
export async function createSigningKey(purpose: KeyPurpose = "entra"): Promise<SigningKey> {
  // Loaded only here (about 80 ms): an emulator on the well-known keys never needs it.
  await import("npm:reflect-metadata@^0.2");
  const x509 = await import("npm:@peculiar/x509@^2.2");
  const keys = await crypto.subtle.generateKey(
    { ...RSA, modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]) },
    true,
    ["sign", "verify"],
  ) as CryptoKeyPair;
  const now = Date.now();
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: "01" + Array.from(
      crypto.getRandomValues(new Uint8Array(8)),
      (b) => b.toString(16).padStart(2, "0"),
    ).join(""),
    name: SUBJECTS[purpose],
    notBefore: new Date(now - 86_400_000),
    notAfter: new Date(now + 365 * 86_400_000),
    signingAlgorithm: RSA,
    keys,
  });
  return await fromParts(keys.privateKey, keys.publicKey, new Uint8Array(cert.rawData));
}

async function importWellKnown(purpose: KeyPurpose): Promise<SigningKey> {
  const { jwk, certificate } = WELL_KNOWN_KEYS[purpose];
  const privateKey = await crypto.subtle.importKey("jwk", { ...jwk, ext: true }, RSA, false, [
    "sign",
  ]);
  const publicKey = await crypto.subtle.importKey(
    "jwk",
    { kty: "RSA", n: jwk.n, e: jwk.e, ext: true },
    RSA,
    true,
    ["verify"],
  );
  return await fromParts(privateKey, publicKey, fromBase64Any(certificate));
}

const wellKnown = new Map<KeyPurpose, Promise<SigningKey>>();

/** A well-known development key, imported once per process. */
export function wellKnownKey(purpose: KeyPurpose): Promise<SigningKey> {
  let p = wellKnown.get(purpose);
  if (!p) {
    p = importWellKnown(purpose);
    wellKnown.set(purpose, p);
    p.catch(() => wellKnown.delete(purpose));
  }
  return p;
}

/** The well-known key that signs access tokens on loopback. */
export function sharedEntraKey(): Promise<SigningKey> {
  return wellKnownKey("entra");
}

/** The well-known key of the emulated GitHub OIDC issuer on loopback. */
export function sharedGithubKey(): Promise<SigningKey> {
  return wellKnownKey("github");
}

/**
 * The keys of one emulator: the well-known ones, or fresh ones made on first use (once each).
 */
export class EmulatorKeys {
  readonly #kind: "well-known" | "generated";
  readonly #made = new Map<KeyPurpose, Promise<SigningKey>>();

  /** `"well-known"` (loopback) or `"generated"` (any other bind). */
  constructor(kind: "well-known" | "generated") {
    this.#kind = kind;
  }

  /** Which keys these are. */
  get kind(): "well-known" | "generated" {
    return this.#kind;
  }

  /** The key for one purpose. */
  get(purpose: KeyPurpose): Promise<SigningKey> {
    if (this.#kind === "well-known") return wellKnownKey(purpose);
    let p = this.#made.get(purpose);
    if (!p) {
      p = createSigningKey(purpose);
      this.#made.set(purpose, p);
      p.catch(() => this.#made.delete(purpose));
    }
    return p;
  }
}
