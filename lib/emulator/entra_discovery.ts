/**
 * Entra's discovery documents for a tenant: `/{tenant}/v2.0/.well-known/openid-configuration`
 * (and the v1 `/{tenant}/.well-known/openid-configuration`) and the signing keys at
 * `/{tenant}/discovery/v2.0/keys`, shaped like the real ones so that MSAL and Azure Identity,
 * given the emulator as a known authority, find the token endpoint without asking anyone else.
 * The multi-tenant authorities `common` and `organizations` are served too, as Entra does: their
 * issuer names the `{tenantid}` placeholder and the host is the Global cloud's.
 *
 * @module
 */

import { CLOUDS } from "../clouds.ts";
import { entraError } from "./entra_errors.ts";
import type { SigningKey } from "./signing_key.ts";
import type { EmulatorState } from "./state.ts";

const OPENID = /^\/([^/]+)\/(v2\.0\/)?\.well-known\/openid-configuration$/;
const KEYS = /^\/([^/]+)\/discovery\/(?:v2\.0\/)?keys$/;

/** Answers a discovery request, or undefined when the path is not one. */
export function handleDiscovery(
  request: Request,
  url: URL,
  state: EmulatorState,
  key: SigningKey,
  now: number,
): Response | undefined {
  const openid = OPENID.exec(url.pathname);
  const keys = openid ? undefined : KEYS.exec(url.pathname);
  if (!openid && !keys) return undefined;
  if (request.method !== "GET" && request.method !== "HEAD") {
    return new Response(null, { status: 405, headers: { allow: "GET" } });
  }
  const headers = { "cache-control": "max-age=86400, private", "access-control-allow-origin": "*" };
  if (keys) return Response.json({ keys: [key.publicJwk] }, { headers });
  let segment: string;
  try {
    segment = decodeURIComponent(openid![1]!);
  } catch {
    segment = openid![1]!;
  }
  const v2 = openid![2] !== undefined;
  const multi = /^(common|organizations)$/i.test(segment);
  const tenant = multi ? undefined : state.tenant(segment);
  if (!tenant && !multi) {
    return entraError(
      90002,
      "invalid_tenant",
      `Tenant '${segment}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud.`,
      { now },
    );
  }
  // The host is the one the client used, as with the real service's host names.
  const base = `${url.origin}/${tenant ? tenant.id : segment.toLowerCase()}`;
  const cloud = CLOUDS[tenant ? tenant.cloud : "Global"];
  const issuer = tenant
    ? (v2 ? `${base}/v2.0` : `https://sts.windows.net/${tenant.id}/`)
    : (v2 ? `${url.origin}/{tenantid}/v2.0` : "https://sts.windows.net/{tenantid}/");
  const graphHost = new URL(cloud.graphUrl).host;
  const oauth = v2 ? `${base}/oauth2/v2.0` : `${base}/oauth2`;
  return Response.json({
    token_endpoint: `${oauth}/token`,
    token_endpoint_auth_methods_supported: [
      "client_secret_post",
      "private_key_jwt",
      "client_secret_basic",
    ],
    jwks_uri: `${base}/discovery/${v2 ? "v2.0/" : ""}keys`,
    response_modes_supported: ["query", "fragment", "form_post"],
    subject_types_supported: ["pairwise"],
    id_token_signing_alg_values_supported: ["RS256"],
    response_types_supported: ["code", "id_token", "code id_token", "id_token token"],
    scopes_supported: ["openid", "profile", "email", "offline_access"],
    issuer,
    request_uri_parameter_supported: false,
    userinfo_endpoint: `${url.origin}/oidc/userinfo`,
    authorization_endpoint: `${oauth}/authorize`,
    device_authorization_endpoint: `${oauth}/devicecode`,
    http_logout_supported: true,
    frontchannel_logout_supported: true,
    end_session_endpoint: `${oauth}/logout`,
    claims_supported: ["sub", "iss", "aud", "exp", "iat", "nbf", "tid", "oid", "roles"],
    kerberos_endpoint: `${base}/kerberos`,
    tenant_region_scope: tenant ? "WW" : null,
    cloud_instance_name: new URL(cloud.authorityUrl).host.replace(/^login\./, ""),
    cloud_graph_host_name: graphHost,
    msgraph_host: graphHost,
    rbac_url: "https://pas.windows.net",
  }, { headers });
}
