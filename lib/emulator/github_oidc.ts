/**
 * The emulated GitHub Actions OIDC token service: `GET /_github/token?audience=...` with the job's
 * bearer request token answers `{"value": JWT}`, as `ACTIONS_ID_TOKEN_REQUEST_URL` does in a job
 * with `permissions: id-token: write`. Tokens carry GitHub's real issuer name and live 5 minutes,
 * signed with the emulator's own key (published at `/_github/.well-known/jwks`).
 *
 * @module
 */

import { SignJWT } from "npm:jose@^6.2";
import { GITHUB_ISSUER } from "./entra.ts";
import type { SigningKey } from "./signing_key.ts";

/** What the emulated GitHub job looks like. */
export interface GithubOidcSettings {
  /** The bearer token a job presents (`ACTIONS_ID_TOKEN_REQUEST_TOKEN`). */
  requestToken: string;
  /** The `sub` claim, e.g. `repo:contoso/bots:ref:refs/heads/main`. */
  subject: string;
  /** Token lifetime, seconds. Default 300. */
  lifetimeSeconds: number;
}

/** Default settings: a branch job on `contoso/bots`. */
export const DEFAULT_GITHUB_OIDC: Readonly<GithubOidcSettings> = Object.freeze({
  requestToken: "emulated-actions-request-token",
  subject: "repo:contoso/bots:ref:refs/heads/main",
  lifetimeSeconds: 300,
});

/** Handles `/_github/token` and `/_github/.well-known/jwks`; undefined for other paths. */
export async function handleGithubOidc(
  request: Request,
  url: URL,
  key: SigningKey,
  settings: GithubOidcSettings,
  now: () => number,
): Promise<Response | undefined> {
  if (url.pathname === "/_github/.well-known/jwks") {
    return Response.json({ keys: [key.publicJwk] });
  }
  if (url.pathname === "/_github/.well-known/openid-configuration") {
    return Response.json({
      issuer: GITHUB_ISSUER,
      jwks_uri: `${url.origin}/_github/.well-known/jwks`,
      id_token_signing_alg_values_supported: ["RS256"],
    });
  }
  if (url.pathname !== "/_github/token") return undefined;
  const bearer = /^Bearer\s+(\S+)$/i.exec(request.headers.get("authorization") ?? "")?.[1];
  if (bearer !== settings.requestToken) {
    return Response.json({ message: "Bad credentials" }, { status: 401 });
  }
  const audience = url.searchParams.get("audience") ?? "https://github.com/contoso";
  const iat = Math.floor(now() / 1000);
  const [, repo = "contoso/bots"] = /^repo:([^:]+)/.exec(settings.subject) ?? [];
  const value = await new SignJWT({
    sub: settings.subject,
    aud: audience,
    repository: repo,
    repository_owner: repo.split("/")[0],
    ref: /:ref:(.+)$/.exec(settings.subject)?.[1] ?? "refs/heads/main",
    event_name: "push",
    job_workflow_ref: `${repo}/.github/workflows/ci.yml@refs/heads/main`,
    runner_environment: "github-hosted",
  })
    .setProtectedHeader({ alg: "RS256", typ: "JWT", kid: key.kid, x5t: key.kid })
    .setIssuer(GITHUB_ISSUER)
    .setJti(crypto.randomUUID())
    .setIssuedAt(iat)
    .setNotBefore(iat - 5)
    .setExpirationTime(iat + settings.lifetimeSeconds)
    .sign(key.privateKey);
  return Response.json({ count: 1, value });
}
