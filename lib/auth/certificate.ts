/**
 * Loading an app's certificate credential: the certificate(s) and the private key, from PEM text
 * or files, checked (key matches, within validity) and ready to sign client assertions.
 * The common form (a PKCS#8 key beside the certificate, what `graphcall cert new` and
 * `openssl req -newkey` write) is read with WebCrypto and the DER reader in `x509.ts`;
 * `node:crypto` (about 15 ms to load) is imported only for PKCS#1, SEC1 and encrypted keys.
 *
 * @module
 */

import { InvalidInputError } from "../errors.ts";
import { digest, parsePemBlocks, type PemBlock, toBase64Url, toHex } from "../encoding.ts";
import { registerSecret } from "../redact.ts";
import { isPkcs12, pemFromPkcs12 } from "./pkcs12.ts";
import {
  type CertificateFields,
  readCertificateFields,
  readPkcs8RsaNumbers,
  sameRsaKey,
} from "./x509.ts";

/**
 * A certificate credential ready for signing. The private key is not a property: it is held
 * beside the object (see {@link signingKey}), so printing or serialising it shows no key.
 */
export interface LoadedCertificate {
  /** DER bytes of the leaf certificate first, then any chain certificates, in file order. */
  readonly chain: readonly Uint8Array[];
  /** SHA-1 thumbprint, upper-case hex, as the Azure portal shows it. */
  readonly thumbprintSha1: string;
  /** SHA-256 thumbprint, upper-case hex. */
  readonly thumbprintSha256: string;
  /** base64url SHA-1 of the DER leaf: the `x5t` header. */
  readonly x5t: string;
  /** base64url SHA-256 of the DER leaf: the `x5t#S256` header. */
  readonly x5tS256: string;
  /** The leaf's subject, e.g. `CN=graphcall demo`. */
  readonly subject: string;
  /** Start of validity. */
  readonly notBefore: Date;
  /** End of validity. */
  readonly notAfter: Date;
  /** Where it came from, for messages (a path, or "inline"). */
  readonly source: string;
}

/** Where to read a certificate credential from. */
export interface CertificateSource {
  /**
   * A PEM file holding the certificate(s) and the key, in any order; or a PFX/PKCS#12 file
   * (recognised by its content, whatever its extension).
   */
  path?: string;
  /** A separate key file, when `path` holds only certificates. */
  keyPath?: string;
  /** PEM text instead of a file. */
  pem?: string;
  /** PFX/PKCS#12 bytes instead of a file. */
  pfx?: Uint8Array;
  /** Password of an encrypted key or of the PFX file. */
  password?: string;
}

/** Options for {@link loadCertificate}. */
export interface LoadCertificateOptions {
  /** The clock, for the validity check. */
  now?: () => number;
  /** Skip the validity check (doctor reports it separately). */
  allowOutsideValidity?: boolean;
  /** The field name used in error messages. */
  field?: string;
}

async function readBytes(path: string, field: string): Promise<Uint8Array> {
  try {
    return await Deno.readFile(path);
  } catch (e) {
    const why = e instanceof Deno.errors.NotFound
      ? "file not found"
      : e instanceof Deno.errors.PermissionDenied || e instanceof Deno.errors.NotCapable
      ? "file not readable"
      : "could not be read";
    throw new InvalidInputError(field, `${path}: ${why}`, { cause: e });
  }
}

/**
 * Reads and checks a certificate credential.
 *
 * @example Load a PEM file with the certificate and its key
 * ```ts ignore
 * import { loadCertificate } from "./certificate.ts";
 * const cert = await loadCertificate({ path: "app.pem" });
 * console.log(cert.thumbprintSha1);
 * ```
 *
 * @throws {InvalidInputError} naming the file when it is missing, unreadable, has no
 * certificate or key, the key does not match, or the certificate is outside its validity.
 */
export async function loadCertificate(
  source: CertificateSource,
  options: LoadCertificateOptions = {},
): Promise<LoadedCertificate> {
  const field = options.field ?? "certificate";
  const where = source.path ?? (source.pfx ? "inline PFX" : "inline PEM");
  registerSecret(source.password);
  let text = source.pem ?? "";
  let bytes = source.pfx;
  if (source.path) {
    const read = await readBytes(source.path, field);
    if (isPkcs12(read)) bytes = read;
    else text = new TextDecoder().decode(read);
  }
  let password = source.password;
  if (bytes) {
    text = await pemFromPkcs12(bytes, password, field, where);
    // The key came out of the PFX unencrypted; the password was for the PFX.
    password = undefined;
  }
  if (source.keyPath) {
    const key = await readBytes(source.keyPath, field);
    if (isPkcs12(key)) {
      throw new InvalidInputError(
        field,
        `${source.keyPath}: is a PFX file; give it as the certificate, without a key file`,
      );
    }
    text += "\n" + new TextDecoder().decode(key);
  }

  const blocks = parsePemBlocks(text);
  const certBlocks = blocks.filter((b) => b.label === "CERTIFICATE");
  const keyBlock = blocks.find((b) => /PRIVATE KEY$/.test(b.label));
  if (certBlocks.length === 0) {
    throw new InvalidInputError(field, `${where}: no "BEGIN CERTIFICATE" block found`);
  }
  if (!keyBlock) {
    throw new InvalidInputError(
      field,
      `${where}: no private key found; put the key in the same PEM file or give the key file`,
    );
  }
  const keyWhere = source.keyPath ?? where;
  const pkcs8 = await pkcs8Of(keyBlock, password, field, keyWhere);
  let rsa;
  try {
    rsa = readPkcs8RsaNumbers(pkcs8);
  } catch {
    throw unreadableKey(field, keyWhere);
  }
  if (!rsa) throw new InvalidInputError(field, `${where}: the private key must be RSA`);
  // Importing checks the key material itself; the key is kept for the RS256 assertions.
  let rs256: CryptoKey;
  try {
    rs256 = await importKey(pkcs8, "RS256");
  } catch {
    throw unreadableKey(field, keyWhere);
  }

  const chain = certBlocks.map((b) => b.der);
  let leaf: CertificateFields | undefined;
  for (const block of certBlocks) {
    let cert: CertificateFields;
    try {
      cert = readCertificateFields(block.der);
    } catch (e) {
      throw new InvalidInputError(field, `${where}: a certificate could not be parsed`, {
        cause: e,
      });
    }
    if (cert.rsaPublicKey && sameRsaKey(cert.rsaPublicKey, rsa)) {
      leaf = cert;
      // Put the leaf first, keep the others in order.
      chain.splice(chain.indexOf(block.der), 1);
      chain.unshift(block.der);
      break;
    }
  }
  if (!leaf) {
    throw new InvalidInputError(
      field,
      `${keyWhere}: the private key does not match the certificate${
        certBlocks.length > 1 ? "s" : ""
      } in ${where}`,
    );
  }
  const { notBefore, notAfter } = leaf;
  const now = options.now?.() ?? Date.now();
  if (!options.allowOutsideValidity) {
    if (now < notBefore.getTime()) {
      throw new InvalidInputError(
        field,
        `${where}: the certificate is not valid before ${notBefore.toISOString()}`,
      );
    }
    if (now > notAfter.getTime()) {
      throw new InvalidInputError(
        field,
        `${where}: the certificate expired on ${notAfter.toISOString()}; create a new one ` +
          `(graphcall cert new) and upload it to the app registration`,
      );
    }
  }
  const der = chain[0]!;
  const sha1 = await digest("SHA-1", der);
  const sha256 = await digest("SHA-256", der);
  const loaded: LoadedCertificate = {
    chain,
    thumbprintSha1: toHex(sha1),
    thumbprintSha256: toHex(sha256),
    x5t: toBase64Url(sha1),
    x5tS256: toBase64Url(sha256),
    subject: leaf.subject,
    notBefore,
    notAfter,
    source: where,
  };
  privateKeys.set(loaded, { pkcs8, imported: new Map([["RS256", Promise.resolve(rs256)]]) });
  return loaded;
}

/** The algorithms of the client assertion. */
export type SigningAlgorithm = "PS256" | "RS256";

/** The private key of each loaded certificate (PKCS#8), and its imports per algorithm. */
const privateKeys = new WeakMap<
  LoadedCertificate,
  { pkcs8: Uint8Array; imported: Map<SigningAlgorithm, Promise<CryptoKey>> }
>();

/**
 * The certificate's private key as a non-extractable WebCrypto key for `algorithm` (imported once
 * per algorithm).
 */
export function signingKey(
  certificate: LoadedCertificate,
  algorithm: SigningAlgorithm,
): Promise<CryptoKey> {
  const held = privateKeys.get(certificate);
  if (!held) {
    return Promise.reject(new TypeError("not a certificate returned by loadCertificate"));
  }
  let key = held.imported.get(algorithm);
  if (!key) held.imported.set(algorithm, key = importKey(held.pkcs8, algorithm));
  return key;
}

function importKey(pkcs8: Uint8Array, algorithm: SigningAlgorithm): Promise<CryptoKey> {
  return crypto.subtle.importKey(
    "pkcs8",
    pkcs8 as BufferSource,
    { name: algorithm === "PS256" ? "RSA-PSS" : "RSASSA-PKCS1-v1_5", hash: "SHA-256" },
    false,
    ["sign"],
  );
}

/**
 * The key as PKCS#8 DER. A `PRIVATE KEY` block already is; PKCS#1, SEC1 and encrypted keys are
 * read by `node:crypto`, loaded for them alone.
 */
async function pkcs8Of(
  block: PemBlock,
  password: string | undefined,
  field: string,
  keyWhere: string,
): Promise<Uint8Array> {
  if (block.label === "PRIVATE KEY") return block.der;
  const encrypted = block.label === "ENCRYPTED PRIVATE KEY" ||
    /Proc-Type:\s*4,ENCRYPTED/.test(block.text);
  const { createPrivateKey } = await import("node:crypto");
  try {
    const key = createPrivateKey(
      encrypted
        ? { key: block.text, format: "pem", passphrase: password ?? "" }
        : { key: block.text, format: "pem" },
    );
    return new Uint8Array(key.export({ format: "der", type: "pkcs8" }));
  } catch {
    // The cause is dropped on purpose: OpenSSL texts can quote key material.
    if (!encrypted) throw unreadableKey(field, keyWhere);
    throw new InvalidInputError(
      field,
      password === undefined
        ? `${keyWhere}: the private key is encrypted and no password was given; set ` +
          `AZURE_CLIENT_CERTIFICATE_PASSWORD or the certificatePasswordFile option`
        : `${keyWhere}: the private key is encrypted and the password is wrong`,
    );
  }
}

function unreadableKey(field: string, keyWhere: string): InvalidInputError {
  return new InvalidInputError(
    field,
    `${keyWhere}: the private key could not be read (expected PKCS#8 "BEGIN PRIVATE KEY", ` +
      `PKCS#1 "BEGIN RSA PRIVATE KEY" or "BEGIN ENCRYPTED PRIVATE KEY")`,
  );
}
