// The msal-node ConfidentialClientApplication the benchmarks use: certificate credential
// (thumbprintSha256 + private key, so PS256 + x5t#S256), pointed at the emulator.
//
// msal-node accepts only an https:// authority. The emulator (in this branch) serves plain HTTP,
// so the authority is named with https:// on the emulator's host and port, marked known, and the
// authority and cloud-discovery metadata are given inline: msal-node then never fetches metadata
// and posts to the token endpoint those metadata name, which is the emulator's http:// URL.
// Both contenders therefore use the same transport (HTTP on loopback). Nothing else is contacted
// (see loopback_guard.mjs).
import "./loopback_guard.mjs";
import { readFileSync } from "node:fs";
import { ConfidentialClientApplication } from "@azure/msal-node";

export function env(name) {
  const v = process.env[name];
  if (!v) {
    process.stderr.write(`missing environment variable ${name}\n`);
    process.exit(2);
  }
  return v;
}

export const SCOPES = ["https://graph.microsoft.com/.default"];

/** The emulator's endpoints as OpenID metadata (http:// URLs on loopback). */
export function authorityMetadata() {
  const base = `${env("GC_AUTHORITY_URL").replace(/\/+$/, "")}/${env("GC_TENANT_ID")}`;
  return {
    token_endpoint: `${base}/oauth2/v2.0/token`,
    authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
    end_session_endpoint: `${base}/oauth2/v2.0/logout`,
    issuer: `${base}/v2.0`,
    jwks_uri: `${base}/discovery/v2.0/keys`,
  };
}

export function createApp() {
  const authorityUrl = env("GC_AUTHORITY_URL").replace(/\/+$/, "");
  const tenant = env("GC_TENANT_ID");
  const host = new URL(authorityUrl).host;
  const cloudDiscoveryMetadata = JSON.stringify({
    tenant_discovery_endpoint: `https://${host}/${tenant}/v2.0/.well-known/openid-configuration`,
    "api-version": "1.1",
    metadata: [{ preferred_network: host, preferred_cache: host, aliases: [host] }],
  });
  return new ConfidentialClientApplication({
    auth: {
      clientId: env("GC_CLIENT_ID"),
      authority: `https://${host}/${tenant}`,
      knownAuthorities: [host],
      authorityMetadata: JSON.stringify(authorityMetadata()),
      cloudDiscoveryMetadata,
      clientCertificate: {
        thumbprintSha256: env("GC_THUMBPRINT_SHA256"),
        privateKey: readFileSync(env("GC_KEY_PATH"), "utf8"),
      },
    },
  });
}
