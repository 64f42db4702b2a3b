/**
 * Doctor check of a certificate credential: it can be read, its key matches, and it is within
 * its validity (with a warning when it expires soon).
 *
 * @module
 */

import { type CertificateSource, loadCertificate } from "../auth/certificate.ts";
import { EXIT_CODES, GraphcallError } from "../errors.ts";
import { redact } from "../redact.ts";
import { type Finding, finding } from "./doctor_check.ts";

/** Warn when the certificate expires within this many days. */
export const EXPIRY_WARNING_DAYS = 30;

const DAY = 86_400_000;
const TITLE = "Certificate (validity, expiry, key)";
const RENEW = "create a new certificate (graphcall cert new --subject CN=... --out app.pem), " +
  "upload its public part to the app registration (Certificates & secrets), and use it here";

/** Checks a certificate source; `undefined` source means the credential is not a certificate. */
export async function certificateCheck(
  source: CertificateSource | undefined,
  now: () => number,
): Promise<Finding> {
  if (!source) {
    return finding("certificate", TITLE, "skip", "the credential is not a certificate");
  }
  let cert;
  try {
    cert = await loadCertificate(source, { now, allowOutsideValidity: true });
  } catch (e) {
    const message = redact(e instanceof Error ? e.message : String(e));
    return finding("certificate", TITLE, "fail", message, {
      fix: /does not match/.test(message)
        ? "put the private key that belongs to this certificate in the PEM file (or give the right key file)"
        : "give a readable PEM file with the certificate and its private key",
      exitCode: e instanceof GraphcallError ? e.exitCode : EXIT_CODES.usage,
    });
  }
  const t = now();
  const id = `${cert.subject}, thumbprint ${cert.thumbprintSha1}`;
  if (t < cert.notBefore.getTime()) {
    return finding(
      "certificate",
      TITLE,
      "fail",
      `${id}: not valid before ${cert.notBefore.toISOString()} (check this machine's clock too)`,
      { fix: RENEW, exitCode: EXIT_CODES.auth },
    );
  }
  if (t > cert.notAfter.getTime()) {
    return finding(
      "certificate",
      TITLE,
      "fail",
      `${id}: expired on ${cert.notAfter.toISOString()}`,
      { fix: RENEW, exitCode: EXIT_CODES.auth },
    );
  }
  const days = Math.floor((cert.notAfter.getTime() - t) / DAY);
  const detail = `${id}: key matches, valid until ${cert.notAfter.toISOString()} (${days} days)`;
  if (days < EXPIRY_WARNING_DAYS) {
    return finding("certificate", TITLE, "warn", detail, { fix: `renew it soon: ${RENEW}` });
  }
  return finding("certificate", TITLE, "pass", detail);
}
