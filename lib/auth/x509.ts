/**
 * The few fields graphcall reads from an X.509 certificate (subject, validity, RSA public key) and
 * from a PKCS#8 private key (its algorithm and RSA modulus), read with the DER reader in
 * `der.ts`. Reading them here rather than with `node:crypto` keeps the certificate path of a
 * one-shot CLI run free of Node's crypto polyfills (about 15 ms of start-up).
 *
 * @module
 */

import {
  children,
  type DerElement,
  DerError,
  expectTag,
  oidText,
  readOnly,
  stringValue,
  TAG,
  timeValue,
  unsignedInteger,
} from "./der.ts";

/** The rsaEncryption algorithm (PKCS#1). */
const RSA_ENCRYPTION = "1.2.840.113549.1.1.1";

/** Short names of the attributes seen in certificate subjects, as OpenSSL prints them. */
const ATTRIBUTE_NAMES: Readonly<Record<string, string>> = {
  "2.5.4.3": "CN",
  "2.5.4.4": "SN",
  "2.5.4.5": "serialNumber",
  "2.5.4.6": "C",
  "2.5.4.7": "L",
  "2.5.4.8": "ST",
  "2.5.4.9": "street",
  "2.5.4.10": "O",
  "2.5.4.11": "OU",
  "2.5.4.12": "title",
  "2.5.4.42": "GN",
  "1.2.840.113549.1.9.1": "emailAddress",
  "0.9.2342.19200300.100.1.1": "UID",
  "0.9.2342.19200300.100.1.25": "DC",
};

/** An RSA public key: modulus and exponent, without sign padding. */
export interface RsaPublicNumbers {
  readonly n: Uint8Array;
  readonly e: Uint8Array;
}

/** What graphcall reads from a certificate. */
export interface CertificateFields {
  /** e.g. `CN=graphcall demo, O=Contoso`, attributes in the certificate's order. */
  readonly subject: string;
  readonly notBefore: Date;
  readonly notAfter: Date;
  /** The RSA public key, or undefined for another key type. */
  readonly rsaPublicKey: RsaPublicNumbers | undefined;
}

/** Reads a DER certificate's subject, validity and public key. Throws DerError when malformed. */
export function readCertificateFields(der: Uint8Array): CertificateFields {
  const [tbs] = children(readOnly(der, TAG.sequence));
  const fields = children(expectTag(tbs, TAG.sequence));
  // version is an explicit [0] and optional (absent in v1 certificates).
  const at = fields[0]?.tag === 0xa0 ? 1 : 0;
  // serialNumber, signature, issuer, validity, subject, subjectPublicKeyInfo
  const validity = children(expectTag(fields[at + 3], TAG.sequence));
  const [notBefore, notAfter] = validity.map((t) => timeValue(t));
  if (!notBefore || !notAfter) throw new DerError("validity needs two times");
  return {
    subject: nameText(expectTag(fields[at + 4], TAG.sequence)),
    notBefore,
    notAfter,
    rsaPublicKey: rsaPublicKey(expectTag(fields[at + 5], TAG.sequence)),
  };
}

/**
 * The RSA numbers of a PKCS#8 private key (modulus and public exponent), or undefined when the
 * key is of another algorithm. Throws DerError when malformed.
 */
export function readPkcs8RsaNumbers(der: Uint8Array): RsaPublicNumbers | undefined {
  const [, algorithm, privateKey] = children(readOnly(der, TAG.sequence));
  const [oid] = children(expectTag(algorithm, TAG.sequence));
  if (oidText(expectTag(oid, TAG.oid)) !== RSA_ENCRYPTION) return undefined;
  const rsa = readOnly(expectTag(privateKey, TAG.octetString).content, TAG.sequence);
  const [, n, e] = children(rsa);
  return {
    n: unsignedInteger(expectTag(n, TAG.integer)),
    e: unsignedInteger(expectTag(e, TAG.integer)),
  };
}

/** Whether two RSA public keys are the same key. */
export function sameRsaKey(a: RsaPublicNumbers, b: RsaPublicNumbers): boolean {
  return equalBytes(a.n, b.n) && equalBytes(a.e, b.e);
}

function rsaPublicKey(spki: DerElement): RsaPublicNumbers | undefined {
  const [algorithm, key] = children(spki);
  const [oid] = children(expectTag(algorithm, TAG.sequence));
  if (oidText(expectTag(oid, TAG.oid)) !== RSA_ENCRYPTION) return undefined;
  const bits = expectTag(key, TAG.bitString).content;
  if (bits[0] !== 0) throw new DerError("the public key has unused bits");
  const [n, e] = children(readOnly(bits.subarray(1), TAG.sequence));
  return {
    n: unsignedInteger(expectTag(n, TAG.integer)),
    e: unsignedInteger(expectTag(e, TAG.integer)),
  };
}

function nameText(name: DerElement): string {
  const parts: string[] = [];
  for (const rdn of children(name)) {
    for (const attribute of children(expectTag(rdn, TAG.set))) {
      const [type, value] = children(expectTag(attribute, TAG.sequence));
      const oid = oidText(expectTag(type, TAG.oid));
      if (!value) throw new DerError("attribute without a value");
      parts.push(`${ATTRIBUTE_NAMES[oid] ?? oid}=${stringValue(value)}`);
    }
  }
  return parts.join(", ");
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
