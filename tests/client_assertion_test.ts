import assert from "node:assert/strict";
import { decodeJwt, decodeProtectedHeader } from "npm:jose@^6.2";
import { loadCertificate } from "../lib/auth/certificate.ts";
import { createClientAssertion } from "../lib/auth/client_assertion.ts";
import { digest, fromBase64Any, parsePemBlocks, toBase64Url } from "../lib/encoding.ts";
import { appCertificate, IDS } from "./support/tenant.ts";

const ENDPOINT = `https://login.microsoftonline.com/${IDS.tenantId}/oauth2/v2.0/token`;

Deno.test("the assertion header is PS256 with x5t#S256 equal to the SHA-256 of the certificate DER", async () => {
  const created = await appCertificate();
  const certificate = await loadCertificate({
    pem: created.certificatePem + created.privateKeyPem,
  });
  const { jwt } = await createClientAssertion({
    clientId: IDS.clientId,
    tokenEndpoint: ENDPOINT,
    certificate,
  });
  const header = decodeProtectedHeader(jwt);
  const der = parsePemBlocks(created.certificatePem)[0]!.der;
  assert.equal(header.alg, "PS256");
  assert.equal(header.typ, "JWT");
  assert.equal(header["x5t#S256"], toBase64Url(await digest("SHA-256", der)));
  assert.equal(header.x5t, undefined);
  assert.equal(header.x5c, undefined);
});

Deno.test("the assertion claims name the client as iss and sub, the exact endpoint as aud, and live at most 10 minutes", async () => {
  const created = await appCertificate();
  const certificate = await loadCertificate({
    pem: created.certificatePem + created.privateKeyPem,
  });
  const now = Date.UTC(2026, 10, 28, 12, 0, 0);
  const { jwt, expiresAt } = await createClientAssertion({
    clientId: IDS.clientId,
    tokenEndpoint: ENDPOINT,
    certificate,
    now: () => now,
  });
  const claims = decodeJwt(jwt);
  assert.equal(claims.iss, IDS.clientId);
  assert.equal(claims.sub, IDS.clientId);
  assert.equal(claims.aud, ENDPOINT);
  assert.equal(claims.nbf, now / 1000);
  assert.ok(claims.exp! - claims.nbf! <= 600);
  assert.equal(expiresAt, claims.exp! * 1000);
  assert.match(String(claims.jti), /^[0-9a-f-]{36}$/);
});

Deno.test("every assertion gets a fresh jti", async () => {
  const created = await appCertificate();
  const certificate = await loadCertificate({
    pem: created.certificatePem + created.privateKeyPem,
  });
  const a = await createClientAssertion({
    clientId: IDS.clientId,
    tokenEndpoint: ENDPOINT,
    certificate,
  });
  const b = await createClientAssertion({
    clientId: IDS.clientId,
    tokenEndpoint: ENDPOINT,
    certificate,
  });
  assert.notEqual(decodeJwt(a.jwt).jti, decodeJwt(b.jwt).jti);
});

Deno.test("RS256 assertions carry the SHA-1 x5t instead", async () => {
  const created = await appCertificate();
  const certificate = await loadCertificate({
    pem: created.certificatePem + created.privateKeyPem,
  });
  const { jwt } = await createClientAssertion({
    clientId: IDS.clientId,
    tokenEndpoint: ENDPOINT,
    certificate,
    algorithm: "RS256",
  });
  const header = decodeProtectedHeader(jwt);
  assert.equal(header.alg, "RS256");
  assert.deepEqual(fromBase64Any(String(header.x5t)).length, 20);
  assert.equal(header["x5t#S256"], undefined);
});
