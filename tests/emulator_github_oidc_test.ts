import assert from "node:assert/strict";
import { createRemoteJWKSet, decodeJwt, jwtVerify } from "npm:jose@^6.2";
import { startTestEmulator } from "./support/tenant.ts";

Deno.test("the GitHub OIDC endpoint issues a 5-minute token for the requested audience, verifiable by its JWKS", async () => {
  await using t = await startTestEmulator({
    github: { subject: "repo:contoso/bots:environment:prod" },
  });
  const url = `${t.emulator.githubOidcRequestUrl}&audience=${
    encodeURIComponent("api://AzureADTokenExchange")
  }`;
  const res = await fetch(url, {
    headers: { authorization: "Bearer emulated-actions-request-token" },
  });
  assert.equal(res.status, 200);
  const { value } = await res.json();
  const claims = decodeJwt(value);
  assert.equal(claims.iss, "https://token.actions.githubusercontent.com");
  assert.equal(claims.aud, "api://AzureADTokenExchange");
  assert.equal(claims.sub, "repo:contoso/bots:environment:prod");
  assert.equal(claims.exp! - claims.iat!, 300);
  const jwks = createRemoteJWKSet(new URL(`${t.emulator.graphUrl}/_github/.well-known/jwks`));
  await jwtVerify(value, jwks, { issuer: "https://token.actions.githubusercontent.com" });
});

Deno.test("the GitHub OIDC endpoint refuses a wrong request token", async () => {
  await using t = await startTestEmulator();
  const res = await fetch(t.emulator.githubOidcRequestUrl, {
    headers: { authorization: "Bearer nope" },
  });
  assert.equal(res.status, 401);
  await res.body?.cancel();
});
