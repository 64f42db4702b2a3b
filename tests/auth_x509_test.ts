/**
 * The certificate and key fields graphcall reads without `node:crypto` (lib/auth/x509.ts) agree
 * with what `node:crypto` reads from the same files, and malformed bytes end as a DerError.
 */

import assert from "node:assert/strict";
import { createPrivateKey, X509Certificate } from "node:crypto";
import fc from "npm:fast-check@^4";
import { createCertificate } from "../lib/auth/create_certificate.ts";
import { loadCertificate } from "../lib/auth/certificate.ts";
import { DerError } from "../lib/auth/der.ts";
import { readCertificateFields, readPkcs8RsaNumbers, sameRsaKey } from "../lib/auth/x509.ts";
import { parsePemBlocks } from "../lib/encoding.ts";
import { InvalidInputError } from "../lib/errors.ts";

const der = (pem: string) => parsePemBlocks(pem)[0]!.der;

Deno.test("subject, validity and public key read as node:crypto reads them, in both time forms", async () => {
  const cases = [
    { subject: "CN=graphcall demo", notAfter: new Date("2027-06-30T12:34:56Z") },
    // After 2049 a certificate's times are GeneralizedTime, not UTCTime.
    {
      subject: "CN=app.contoso.com, O=Contoso Ltd, OU=IT, C=US",
      notAfter: new Date("2061-01-02T03:04:05Z"),
    },
  ];
  for (const c of cases) {
    const made = await createCertificate(c);
    const fields = readCertificateFields(der(made.certificatePem));
    const node = new X509Certificate(made.certificatePem);
    assert.equal(fields.subject, node.subject.replace(/\n/g, ", "));
    assert.equal(fields.subject, c.subject);
    assert.equal(fields.notBefore.getTime(), new Date(node.validFrom).getTime());
    assert.equal(fields.notAfter.getTime(), c.notAfter.getTime());
    const key = readPkcs8RsaNumbers(der(made.privateKeyPem));
    assert.ok(key && fields.rsaPublicKey);
    assert.ok(sameRsaKey(fields.rsaPublicKey, key));
    const jwk = createPrivateKey(made.privateKeyPem).export({ format: "jwk" });
    assert.equal(Buffer.from(key.n).toString("base64url"), jwk.n);
  }
});

Deno.test("another certificate's key does not match, and an EC key is refused as not RSA", async () => {
  const a = await createCertificate({ subject: "CN=a" });
  const b = await createCertificate({ subject: "CN=b" });
  const fields = readCertificateFields(der(a.certificatePem));
  assert.equal(sameRsaKey(fields.rsaPublicKey!, readPkcs8RsaNumbers(der(b.privateKeyPem))!), false);

  const ec = await crypto.subtle.generateKey({ name: "ECDSA", namedCurve: "P-256" }, true, [
    "sign",
  ]);
  const ecPkcs8 = new Uint8Array(await crypto.subtle.exportKey("pkcs8", ec.privateKey));
  assert.equal(readPkcs8RsaNumbers(ecPkcs8), undefined);
  const pem = a.certificatePem +
    `-----BEGIN PRIVATE KEY-----\n${
      Buffer.from(ecPkcs8).toString("base64")
    }\n-----END PRIVATE KEY-----\n`;
  await assert.rejects(
    loadCertificate({ pem }),
    (e) => e instanceof InvalidInputError && /the private key must be RSA/.test(e.message),
  );
});

Deno.test("a loaded certificate holds no key material in its properties", async () => {
  const made = await createCertificate({ subject: "CN=quiet" });
  const loaded = await loadCertificate({ pem: made.certificatePem + made.privateKeyPem });
  const shown = JSON.stringify(loaded) + Deno.inspect(loaded, { depth: 10 });
  const keyBase64 = made.privateKeyPem.split("\n")[3]!;
  assert.ok(!shown.includes(keyBase64));
  assert.equal(loaded.subject, "CN=quiet");
});

Deno.test("truncated or altered certificate and key bytes end as a DerError or as fields, never a crash", async () => {
  const made = await createCertificate({ subject: "CN=fuzz" });
  for (const bytes of [der(made.certificatePem), der(made.privateKeyPem)]) fuzz(bytes);
});

function fuzz(bytes: Uint8Array): void {
  const altered = fc.oneof(
    fc.integer({ min: 0, max: bytes.length - 1 }).map((n) => bytes.slice(0, n)),
    fc.tuple(fc.integer({ min: 0, max: bytes.length - 1 }), fc.integer({ min: 0, max: 255 }))
      .map(([i, v]) => {
        const copy = bytes.slice();
        copy[i] = v;
        return copy;
      }),
    fc.uint8Array({ maxLength: 512 }),
  );
  fc.assert(
    fc.property(altered, (input) => {
      try {
        const fields = readCertificateFields(input);
        assert.equal(typeof fields.subject, "string");
      } catch (e) {
        assert.ok(e instanceof DerError, String(e));
      }
      try {
        readPkcs8RsaNumbers(input);
      } catch (e) {
        assert.ok(e instanceof DerError, String(e));
      }
    }),
    { numRuns: 2000, seed: 11 },
  );
}
