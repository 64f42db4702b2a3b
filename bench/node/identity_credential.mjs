// Azure Identity's ClientCertificateCredential (instance discovery off) pointed at the emulator.
//
// Like msal-node, Azure Identity accepts only an https:// authority, and the emulator here serves
// plain HTTP on loopback. So the authority host is named https://127.0.0.1:PORT and the
// credential gets an HttpClient that is core-rest-pipeline's own default client sending the same
// requests to the same host and port over http:// (the transport every contender uses here).
// Azure Identity cannot take authority metadata inline as msal-node can (msal_config.mjs), so the
// same metadata is the answer to its OpenID-configuration request: like the msal-node scripts,
// it then fetches no metadata and posts its assertion to the emulator's token endpoint. Nothing
// else is contacted (see loopback_guard.mjs).
import "./loopback_guard.mjs";
import { readFileSync } from "node:fs";
import { ClientCertificateCredential } from "@azure/identity";
import { createDefaultHttpClient, createHttpHeaders } from "@azure/core-rest-pipeline";
import { authorityMetadata, env, SCOPES } from "./msal_config.mjs";

export function createIdentityCredential() {
  const host = new URL(env("GC_AUTHORITY_URL")).host;
  const inner = createDefaultHttpClient();
  const httpClient = {
    sendRequest(request) {
      if (request.method === "GET" && request.url.includes("/.well-known/openid-configuration")) {
        return Promise.resolve({
          request,
          status: 200,
          headers: createHttpHeaders({ "content-type": "application/json" }),
          // MSAL checks that the issuer has the authority's scheme and host.
          bodyAsText: JSON.stringify({
            ...authorityMetadata(),
            issuer: `https://${host}/${env("GC_TENANT_ID")}/v2.0`,
          }),
        });
      }
      if (request.url.startsWith(`https://${host}/`)) {
        request.url = `http://${host}/` + request.url.slice(`https://${host}/`.length);
      }
      if (request.url.startsWith(`http://${host}/`)) request.allowInsecureConnection = true;
      return inner.sendRequest(request);
    },
  };
  return new ClientCertificateCredential(
    env("GC_TENANT_ID"),
    env("GC_CLIENT_ID"),
    { certificate: readFileSync(env("GC_PEM_PATH"), "utf8") },
    { authorityHost: `https://${host}`, disableInstanceDiscovery: true, httpClient },
  );
}

/** A token getter for the Graph client's bearer middleware. */
export function identityTokenGetter(credential) {
  return async () => {
    const token = await credential.getToken(SCOPES[0]);
    if (!token?.token) throw new Error("Azure Identity returned no access token");
    return token.token;
  };
}
