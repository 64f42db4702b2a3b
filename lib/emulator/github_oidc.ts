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
  /**
   * Extra claims, or overrides of the ones derived from the subject (`repository`,
   * `repository_owner`, `ref`, `event_name`, `job_workflow_ref`, `environment`, ...).
   * `iss`, `aud`, `iat`, `nbf`, `exp` and `jti` are always the emulator's.
   */
  claims?: Record<string, unknown>;
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
  if (request.method !== "GET" && request.method !== "POST") {
    return Response.json({ message: "Not Found" }, { status: 404 });
  }
  const bearer = /^Bearer\s+(\S+)$/i.exec(request.headers.get("authorization") ?? "")?.[1];
  if (bearer !== settings.requestToken) {
    return Response.json({ message: "Bad credentials" }, { status: 401 });
  }
  // Without `audience`, GitHub uses the repository owner's URL.
  const claims = subjectClaims(settings.subject);
  const audience = url.searchParams.get("audience") ??
    `https://github.com/${claims.repository_owner}`;
  const iat = Math.floor(now() / 1000);
  const value = await new SignJWT({ ...claims, ...settings.claims, sub: settings.subject })
    .setProtectedHeader({ alg: "RS256", typ: "JWT", kid: key.kid, x5t: key.kid })
    .setIssuer(GITHUB_ISSUER)
    .setAudience(audience)
    .setJti(crypto.randomUUID())
    .setIssuedAt(iat)
    .setNotBefore(iat - 5)
    .setExpirationTime(iat + settings.lifetimeSeconds)
    .sign(key.privateKey);
  return Response.json({ count: 1, value });
}

/** The job claims GitHub derives from a subject such as `repo:ORG/REPO:ref:refs/heads/main`. */
export function subjectClaims(subject: string): Record<string, string> {
  const repo = /^repo:([^:]+)/.exec(subject)?.[1]?.replace(/@\d+/g, "") ?? "contoso/bots";
  const owner = repo.split("/")[0] ?? "contoso";
  const rest = subject.replace(/^repo:[^:]+:?/, "");
  const claims: Record<string, string> = {
    repository: repo,
    repository_owner: owner,
    repository_visibility: "private",
    ref: "refs/heads/main",
    ref_type: "branch",
    event_name: "push",
    actor: "octocat",
    workflow: "CI",
    run_id: "1",
    run_number: "1",
    run_attempt: "1",
    runner_environment: "github-hosted",
  };
  const ref = /^ref:(.+)$/.exec(rest)?.[1];
  if (ref) {
    claims.ref = ref;
    claims.ref_type = ref.startsWith("refs/tags/") ? "tag" : "branch";
  }
  const environment = /^environment:(.+)$/.exec(rest)?.[1];
  if (environment) claims.environment = decodeURIComponent(environment);
  if (rest === "pull_request") {
    claims.event_name = "pull_request";
    claims.ref = "refs/pull/1/merge";
  }
  claims.workflow_ref = `${repo}/.github/workflows/ci.yml@${claims.ref}`;
  claims.job_workflow_ref = claims.workflow_ref;
  return claims;
}
