/**
 * Reading PFX/PKCS#12 files (what Windows' certificate export and `New-SelfSignedCertificate`
 * produce) into PEM text the certificate loader understands. `node:crypto` has no PKCS#12 reader,
 * so this uses node-forge, which reads both the modern (PBES2/AES, SHA-256 MAC) and the legacy
 * (3DES/RC2, SHA-1 MAC) encodings. node-forge is large, so it is loaded on the first PFX file
 * only: importing this module costs nothing until then.
 *
 * @module
 */

import { InvalidInputError } from "../errors.ts";

// The few node-forge functions used here, typed locally: @types/node-forge would pull
// @types/node into the whole program and change the global WebCrypto types.
interface ForgeBag {
  key?: unknown;
  cert?: unknown;
  asn1?: unknown;
}
interface ForgeSubset {
  asn1: { fromDer(bytes: string): unknown; toDer(asn1: unknown): { bytes(): string } };
  util: { binary: { raw: { encode(bytes: Uint8Array): string } } };
  pkcs12: {
    pkcs12FromAsn1(asn1: unknown, password: string): {
      getBags(filter: { bagType: string }): Record<string, ForgeBag[] | undefined>;
    };
  };
  pki: {
    certificateToPem(cert: unknown): string;
    privateKeyToAsn1(key: unknown): unknown;
    wrapRsaPrivateKey(asn1: unknown): unknown;
    privateKeyInfoToPem(asn1: unknown): string;
  };
  pem: { encode(msg: { type: string; body: string }): string };
}

let forgeLoading: Promise<ForgeSubset> | undefined;

/** node-forge, imported on first use. */
function loadForge(): Promise<ForgeSubset> {
  forgeLoading ??= import("npm:node-forge@^1.3").then(
    (m) => (m.default ?? m) as unknown as ForgeSubset,
    (e) => {
      forgeLoading = undefined;
      throw e;
    },
  );
  return forgeLoading;
}

// PKCS#12 bag types (RFC 7292 section 4.2).
const KEY_BAG = "1.2.840.113549.1.12.10.1.1";
const SHROUDED_KEY_BAG = "1.2.840.113549.1.12.10.1.2";
const CERT_BAG = "1.2.840.113549.1.12.10.1.3";

/**
 * Whether bytes look like a DER PKCS#12 file: a SEQUENCE whose first element is INTEGER 3 (the
 * PFX version). PEM text never starts with 0x30.
 */
export function isPkcs12(bytes: Uint8Array): boolean {
  if (bytes.length < 8 || bytes[0] !== 0x30) return false;
  // Skip the outer length (short or long form), then expect INTEGER(1) = 3.
  let i = 1;
  const len = bytes[i]!;
  i += len & 0x80 ? 1 + (len & 0x7f) : 1;
  return bytes[i] === 0x02 && bytes[i + 1] === 0x01 && bytes[i + 2] === 0x03;
}

/**
 * Converts PFX bytes to PEM text: the certificates (leaf and chain, in file order) and the
 * private key as unencrypted PKCS#8. The text holds a private key: never print it.
 *
 * @throws {InvalidInputError} naming `where` when the password is missing or wrong, or the file
 * holds no key or no certificate.
 */
export async function pemFromPkcs12(
  bytes: Uint8Array,
  password: string | undefined,
  field: string,
  where: string,
): Promise<string> {
  const forge = await loadForge();
  let p12: ReturnType<ForgeSubset["pkcs12"]["pkcs12FromAsn1"]>;
  try {
    const asn1 = forge.asn1.fromDer(forge.util.binary.raw.encode(bytes));
    p12 = forge.pkcs12.pkcs12FromAsn1(asn1, password ?? "");
  } catch (e) {
    const text = e instanceof Error ? e.message : String(e);
    const badPassword = /password|mac|decrypt|invalid/i.test(text);
    throw new InvalidInputError(
      field,
      badPassword
        ? password === undefined
          ? `${where}: the PFX file is protected and no password was given; set ` +
            `AZURE_CLIENT_CERTIFICATE_PASSWORD or the certificatePasswordFile option`
          : `${where}: the PFX password is wrong`
        : `${where}: the PFX file could not be read`,
    );
  }
  const bags = (oid: string) => p12.getBags({ bagType: oid })[oid] ?? [];
  const keyBags = [...bags(SHROUDED_KEY_BAG), ...bags(KEY_BAG)];
  const certBags = bags(CERT_BAG);
  const key = keyBags.find((b) => b.key)?.key;
  if (!key) throw new InvalidInputError(field, `${where}: the PFX file holds no private key`);
  const pems: string[] = [];
  for (const bag of certBags) {
    if (bag.cert) pems.push(forge.pki.certificateToPem(bag.cert));
    else if (bag.asn1) {
      // A certificate forge cannot model (e.g. non-RSA): keep its DER as is.
      pems.push(
        forge.pem.encode({ type: "CERTIFICATE", body: forge.asn1.toDer(bag.asn1).bytes() }),
      );
    }
  }
  if (pems.length === 0) {
    throw new InvalidInputError(field, `${where}: the PFX file holds no certificate`);
  }
  const pkcs8 = forge.pki.wrapRsaPrivateKey(forge.pki.privateKeyToAsn1(key));
  pems.push(forge.pki.privateKeyInfoToPem(pkcs8));
  return pems.join("\n");
}
