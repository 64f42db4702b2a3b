/**
 * Auth test fixtures: the app's key in every format graphcall reads (PKCS#8, PKCS#1, encrypted
 * PKCS#8, PFX with AES or 3DES), made in-process from the per-process test certificate, and a
 * state with one tenant per national cloud. Nothing here is committed key material.
 */

import { createPrivateKey } from "node:crypto";
import forgeModule from "npm:node-forge@^1.3";
import { CLOUD_NAMES, type CloudName, CLOUDS } from "../../lib/clouds.ts";
import type { CreatedCertificate } from "../../lib/auth/create_certificate.ts";
import type { TenantSpec } from "../../lib/emulator/state.ts";
import { ALL_ROLES, IDS, tenantSpec } from "./tenant.ts";

// node-forge, typed locally for the few calls used (see lib/auth/pkcs12.ts for why).
// deno-lint-ignore no-explicit-any
const forge = forgeModule as any;

/** The GitHub issuer the emulator plays. */
export const GITHUB_ISSUER = "https://token.actions.githubusercontent.com";
/** The emulated job's subject. */
export const GITHUB_SUBJECT = "repo:contoso/bots:ref:refs/heads/main";
/** The app's client secret in the test tenants (made up). */
export const SECRET = "Xq8~test-secret-value-0123456789abcdef";
/** An expired secret of the same app. */
export const EXPIRED_SECRET = "Xq8~expired-secret-value-9876543210";
/** The password of the encrypted fixtures (made up). */
export const KEY_PASSWORD = "correct horse battery staple";

/** A tenant id and domain per cloud. */
export const CLOUD_TENANTS: Readonly<Record<CloudName, { id: string; domain: string }>> = {
  Global: { id: IDS.tenantId, domain: IDS.domain },
  USGov: { id: "5c3b1a0e-2f4d-4e6a-8b7c-9d0e1f2a3b4c", domain: "fabrikam.onmicrosoft.us" },
  USGovDoD: { id: "6d4c2b1f-3a5e-4f7b-9c8d-0e1f2a3b4c5d", domain: "army.onmicrosoft.us" },
  China: { id: "7e5d3c2a-4b6f-4a8c-8d9e-1f2a3b4c5d6e", domain: "contoso.partner.onmschina.cn" },
};

/** One tenant per cloud, each with the app holding the certificate, secrets and a GitHub FIC. */
export function cloudTenants(cert: CreatedCertificate): TenantSpec[] {
  return CLOUD_NAMES.map((cloud) =>
    tenantSpec(cert, {
      id: CLOUD_TENANTS[cloud].id,
      domains: [CLOUD_TENANTS[cloud].domain],
      cloud,
      apps: [{
        clientId: IDS.clientId,
        displayName: "Meeting bot",
        roles: [...ALL_ROLES],
        certificates: [{ pem: cert.certificatePem }],
        secrets: [
          { value: SECRET },
          { value: EXPIRED_SECRET, expires: "2020-01-01T00:00:00Z" },
        ],
        federatedCredentials: [{
          issuer: GITHUB_ISSUER,
          subject: GITHUB_SUBJECT,
          audiences: [CLOUDS[cloud].federatedAudience],
        }],
      }],
    })
  );
}

/** The app's key and certificate in every format. */
export interface KeyFormats {
  /** PKCS#8 PEM key. */
  pkcs8: string;
  /** PKCS#1 PEM key (`BEGIN RSA PRIVATE KEY`). */
  pkcs1: string;
  /** Encrypted PKCS#8 PEM key (AES-256-CBC), password {@link KEY_PASSWORD}. */
  encryptedPkcs8: string;
  /** PFX with AES-256 (the modern encoding), password {@link KEY_PASSWORD}. */
  pfxAes: Uint8Array;
  /** PFX with 3DES (the legacy encoding), password {@link KEY_PASSWORD}. */
  pfx3des: Uint8Array;
}

/** Makes every key format from the certificate's PKCS#8 key. */
export function keyFormats(cert: CreatedCertificate): KeyFormats {
  const key = createPrivateKey(cert.privateKeyPem);
  const pfx = (algorithm: string) => {
    const asn1 = forge.pkcs12.toPkcs12Asn1(
      forge.pki.privateKeyFromPem(cert.privateKeyPem),
      [forge.pki.certificateFromPem(cert.certificatePem)],
      KEY_PASSWORD,
      { algorithm },
    );
    const bin: string = forge.asn1.toDer(asn1).getBytes();
    return Uint8Array.from(bin, (c) => c.charCodeAt(0));
  };
  return {
    pkcs8: cert.privateKeyPem,
    pkcs1: key.export({ format: "pem", type: "pkcs1" }).toString(),
    encryptedPkcs8: key.export({
      format: "pem",
      type: "pkcs8",
      cipher: "aes-256-cbc",
      passphrase: KEY_PASSWORD,
    }).toString(),
    pfxAes: pfx("aes256"),
    pfx3des: pfx("3des"),
  };
}

/** Fetches a GitHub OIDC token from the emulator for an audience. */
export async function githubToken(requestUrl: string, audience: string): Promise<string> {
  const res = await fetch(`${requestUrl}&audience=${encodeURIComponent(audience)}`, {
    headers: { authorization: "Bearer emulated-actions-request-token" },
  });
  if (!res.ok) throw new Error(`GitHub OIDC emulator answered ${res.status}`);
  return (await res.json()).value;
}
