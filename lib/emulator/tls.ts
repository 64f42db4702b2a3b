/**
 * TLS for the emulator: a certificate of the user's (`--tls-cert`/`--tls-key`), or a self-signed
 * pair made here: a throw-away CA and a server certificate for `localhost`, `127.0.0.1` and `::1`
 * signed by it. The CA's PEM is written to a temp file (`caCertPath`) for clients to trust, e.g.
 * `NODE_EXTRA_CA_CERTS`, `DENO_CERT` or `Deno.createHttpClient({ caCerts })`.
 *
 * The self-signed pair uses ECDSA P-256 keys (fast to make), is made once per process and shared
 * by every emulator started in it; each emulator still writes its own CA file. The X.509 library
 * is loaded only then, so an HTTP emulator starts without it.
 *
 * @module
 */

import { toHex, toPem } from "../encoding.ts";
import { InvalidInputError } from "../errors.ts";

/** A certificate chain and key, PEM, as `Deno.serve` takes them. */
export interface TlsMaterial {
  /** The server certificate (then its chain), PEM. */
  cert: string;
  /** The server's private key, PEM. */
  key: string;
  /** The CA certificate clients must trust, PEM; null for a user's own certificate. */
  caPem: string | null;
}

/** TLS for `startEmulator`: `"self-signed"`, or the server's own certificate and key (PEM text). */
export type TlsOption = "self-signed" | { cert: string; key: string };

let selfSigned: Promise<TlsMaterial> | undefined;

/** The process-wide self-signed CA and localhost certificate. */
export function selfSignedTls(): Promise<TlsMaterial> {
  selfSigned ??= makeSelfSigned();
  selfSigned.catch(() => selfSigned = undefined);
  return selfSigned;
}

async function makeSelfSigned(): Promise<TlsMaterial> {
  // The X.509 library costs about 80 ms to load: only an emulator serving HTTPS pays for it.
  await import("npm:reflect-metadata@^0.2");
  const x509 = await import("npm:@peculiar/x509@^2.2");
  const alg = { name: "ECDSA", namedCurve: "P-256", hash: "SHA-256" };
  const [caKeys, leafKeys] = await Promise.all([
    crypto.subtle.generateKey(alg, true, ["sign", "verify"]),
    crypto.subtle.generateKey(alg, true, ["sign", "verify"]),
  ]);
  // Validity follows the real clock: clients check it against theirs, not the emulator's.
  const notBefore = new Date(Date.now() - 24 * 3600_000);
  const notAfter = new Date(Date.now() + 30 * 24 * 3600_000);
  const serial = () => toHex(crypto.getRandomValues(new Uint8Array(12))).replace(/^[89A-F]/, "1");
  const ca = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serial(),
    name: "CN=graphcall emulator local CA",
    notBefore,
    notAfter,
    signingAlgorithm: alg,
    keys: caKeys,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(
        x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign,
        true,
      ),
      await x509.SubjectKeyIdentifierExtension.create(caKeys.publicKey),
    ],
  });
  const leaf = await x509.X509CertificateGenerator.create({
    serialNumber: serial(),
    subject: "CN=localhost",
    issuer: ca.subject,
    notBefore,
    notAfter,
    signingAlgorithm: alg,
    publicKey: leafKeys.publicKey,
    signingKey: caKeys.privateKey,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth], false),
      new x509.SubjectAlternativeNameExtension([
        { type: "dns", value: "localhost" },
        { type: "ip", value: "127.0.0.1" },
        { type: "ip", value: "::1" },
      ], false),
      await x509.AuthorityKeyIdentifierExtension.create(ca, false),
      await x509.SubjectKeyIdentifierExtension.create(leafKeys.publicKey),
    ],
  });
  const caPem = toPem("CERTIFICATE", new Uint8Array(ca.rawData));
  const pkcs8 = new Uint8Array(await crypto.subtle.exportKey("pkcs8", leafKeys.privateKey));
  return {
    cert: toPem("CERTIFICATE", new Uint8Array(leaf.rawData)) + caPem,
    key: toPem("PRIVATE KEY", pkcs8),
    caPem,
  };
}

/** Resolves the `tls` option to PEM material (and checks a user's pair looks like PEM). */
export async function resolveTls(option: TlsOption): Promise<TlsMaterial> {
  if (option === "self-signed") return await selfSignedTls();
  if (typeof option !== "object" || option === null) {
    throw new InvalidInputError("tls", 'give "self-signed" or { cert, key } (PEM text)');
  }
  if (typeof option.cert !== "string" || !option.cert.includes("-----BEGIN CERTIFICATE-----")) {
    throw new InvalidInputError("tls.cert", "must be PEM text with a CERTIFICATE block");
  }
  if (typeof option.key !== "string" || !/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(option.key)) {
    throw new InvalidInputError("tls.key", "must be PEM text with a PRIVATE KEY block");
  }
  return { cert: option.cert, key: option.key, caPem: null };
}

/** Writes the CA PEM to a fresh temp file and returns its path. */
export async function writeCaFile(caPem: string): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: "graphcall-emulator-ca-" });
  const path = `${dir}/ca.pem`;
  await Deno.writeTextFile(path, caPem);
  return path;
}
