/**
 * Making a self-signed certificate for an app registration (`New-SelfSignedCertificate` parity):
 * an RSA key and an X.509 certificate, as PEM. `node:crypto` cannot write certificates, so this
 * uses @peculiar/x509, loaded on the first certificate made: importing this module costs nothing
 * until then.
 *
 * @module
 */

import { InvalidInputError } from "../errors.ts";
import { digest, toBase64Url, toHex, toPem } from "../encoding.ts";

/** Options for {@link createCertificate}. */
export interface CreateCertificateOptions {
  /** The subject, e.g. `CN=graphcall`. Letters, digits, spaces and `.-_=,` only. */
  subject?: string;
  /** Validity in years (1 to 10). Default 1. */
  years?: number;
  /** RSA modulus length: 2048, 3072 (default) or 4096. */
  keySize?: 2048 | 3072 | 4096;
  /** Start of validity; default now. */
  notBefore?: Date;
  /** End of validity; overrides `years` (tests use it to make expired certificates). */
  notAfter?: Date;
}

/** A new certificate and its key. The key is secret. */
export interface CreatedCertificate {
  /** The certificate, PEM. Upload this to the app registration. */
  certificatePem: string;
  /** The PKCS#8 private key, PEM. Secret. */
  privateKeyPem: string;
  /** SHA-1 thumbprint, upper-case hex (what the portal shows). */
  thumbprintSha1: string;
  /** SHA-256 thumbprint, upper-case hex. */
  thumbprintSha256: string;
  /** base64url SHA-256 (`x5t#S256`). */
  x5tS256: string;
  /** base64url SHA-1 (`x5t`). */
  x5t: string;
  /** Start of validity. */
  notBefore: Date;
  /** End of validity. */
  notAfter: Date;
  /** The certificate's subject. */
  subject: string;
}

type X509 = typeof import("npm:@peculiar/x509@^2.2");
let x509Loading: Promise<X509> | undefined;

/** @peculiar/x509, imported on first use (after the metadata polyfill it relies on). */
function loadX509(): Promise<X509> {
  x509Loading ??= import("npm:reflect-metadata@^0.2")
    .then(() => import("npm:@peculiar/x509@^2.2"))
    .catch((e) => {
      x509Loading = undefined;
      throw e;
    });
  return x509Loading;
}

const SUBJECT_RE =
  /^[A-Za-z]{1,8}=[A-Za-z0-9 ._-]{1,64}(,\s*[A-Za-z]{1,8}=[A-Za-z0-9 ._-]{1,64}){0,5}$/;

/**
 * Creates an RSA key and a self-signed certificate.
 *
 * @example Make a certificate for a bot
 * ```ts ignore
 * import { createCertificate } from "./create_certificate.ts";
 * const cert = await createCertificate({ subject: "CN=meeting-bot", keySize: 2048 });
 * console.log(cert.thumbprintSha1);
 * ```
 */
export async function createCertificate(
  options: CreateCertificateOptions = {},
): Promise<CreatedCertificate> {
  const subject = options.subject ?? "CN=graphcall";
  if (!SUBJECT_RE.test(subject)) {
    throw new InvalidInputError(
      "subject",
      "use a distinguished name like CN=meeting-bot (letters, digits, space, . _ - only)",
    );
  }
  const years = options.years ?? 1;
  if (!Number.isInteger(years) || years < 1 || years > 10) {
    throw new InvalidInputError("years", "give a whole number of years from 1 to 10");
  }
  const keySize = options.keySize ?? 3072;
  const algorithm = {
    name: "RSASSA-PKCS1-v1_5",
    hash: "SHA-256",
    publicExponent: new Uint8Array([1, 0, 1]),
    modulusLength: keySize,
  };
  const x509 = await loadX509();
  const keys = await crypto.subtle.generateKey(algorithm, true, ["sign", "verify"]);
  const notBefore = options.notBefore ?? new Date(Date.now() - 60_000);
  const notAfter = options.notAfter ??
    new Date(notBefore.getTime() + years * 365 * 24 * 3600 * 1000);
  const serial = toHex(crypto.getRandomValues(new Uint8Array(16))).replace(/^[89A-F]/, "1");
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serial,
    name: subject,
    notBefore,
    notAfter,
    signingAlgorithm: algorithm,
    keys,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
    ],
  });
  const der = new Uint8Array(cert.rawData);
  const pkcs8 = new Uint8Array(await crypto.subtle.exportKey("pkcs8", keys.privateKey));
  const sha1 = await digest("SHA-1", der);
  const sha256 = await digest("SHA-256", der);
  return {
    certificatePem: toPem("CERTIFICATE", der),
    privateKeyPem: toPem("PRIVATE KEY", pkcs8),
    thumbprintSha1: toHex(sha1),
    thumbprintSha256: toHex(sha256),
    x5t: toBase64Url(sha1),
    x5tS256: toBase64Url(sha256),
    notBefore,
    notAfter,
    subject,
  };
}
