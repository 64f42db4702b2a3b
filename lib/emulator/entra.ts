/**
 * The emulated Entra ID token endpoint: client credentials with a secret, a certificate
 * assertion (RS256 + `x5t` or PS256 + `x5t#S256`) or a federated assertion, checked in the order
 * of ../shared/reference/entra-tokens.md section 9, answering AADSTS-shaped errors.
 *
 * @module
 */

import {
  decodeJwt,
  decodeProtectedHeader,
  importX509,
  type JWTPayload,
  jwtVerify,
  SignJWT,
} from "npm:jose@^6.2";
import { CLOUDS } from "../clouds.ts";
import { digest, fromBase64Any, parsePemBlocks, toBase64Url } from "../encoding.ts";
import { entraError } from "./entra_errors.ts";
import type { SigningKey } from "./signing_key.ts";
import type { AppSpec, EmulatedTenant as Tenant, EmulatorState } from "./state.ts";

const JWT_BEARER = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

/** Microsoft Graph's application id; `{id}/.default` is the same scope as the Graph URL's. */
const GRAPH_APP_ID = "00000003-0000-0000-c000-000000000000";

/** The GitHub Actions OIDC issuer name the emulator plays. */
export const GITHUB_ISSUER = "https://token.actions.githubusercontent.com";

/** Settings of the token endpoint. */
export interface EntraSettings {
  /** Allowed clock skew for assertions, seconds. Default 300. */
  clockSkewSeconds: number;
  /** Lifetime of issued access tokens, seconds. Default 3599. */
  tokenLifetimeSeconds: number;
  /** Return `refresh_in` (seconds) in token responses; absent by default. */
  refreshInSeconds?: number;
}

/** What the token endpoint needs from the server. */
export interface EntraContext {
  state: EmulatorState;
  key: SigningKey;
  /** The GitHub OIDC issuer's key, made on first use. */
  githubKey: () => Promise<SigningKey>;
  now: () => number;
  settings: EntraSettings;
  /** The base URL the server answers on, e.g. `http://127.0.0.1:1234`. */
  baseUrl: () => string;
  /** Counts issued tokens per client id (tests and benchmarks read it). */
  tokenRequests: Map<string, number>;
}

interface RegisteredCert {
  x5t: string;
  x5tS256: string;
  pem: string;
}

const thumbprintCache = new Map<string, RegisteredCert>();

async function registeredCert(pem: string): Promise<RegisteredCert> {
  const cached = thumbprintCache.get(pem);
  if (cached) return cached;
  const block = parsePemBlocks(pem).find((b) => b.label === "CERTIFICATE");
  if (!block) throw new Error("registered certificate has no CERTIFICATE block");
  const entry = {
    x5t: toBase64Url(await digest("SHA-1", block.der)),
    x5tS256: toBase64Url(await digest("SHA-256", block.der)),
    pem: block.text,
  };
  thumbprintCache.set(pem, entry);
  return entry;
}

/** Normalises a thumbprint sent in either base64 alphabet, padded or not, to base64url. */
function normaliseThumbprint(value: unknown): string | undefined {
  if (typeof value !== "string" || value.length === 0) return undefined;
  try {
    return toBase64Url(fromBase64Any(value));
  } catch {
    return undefined;
  }
}

/** The tenant's cloud Graph URL, the `aud` of its tokens. */
export function graphAudience(tenant: Tenant): string {
  return CLOUDS[tenant.cloud].graphUrl;
}

async function issueAccessToken(
  ctx: EntraContext,
  tenant: Tenant,
  app: AppSpec,
  appidacr: "1" | "2",
): Promise<Response> {
  const now = Math.floor(ctx.now() / 1000);
  const lifetime = ctx.settings.tokenLifetimeSeconds;
  const claims: JWTPayload & Record<string, unknown> = {
    aud: graphAudience(tenant),
    iss: `https://sts.windows.net/${tenant.id}/`,
    iat: now - 300,
    nbf: now - 300,
    exp: now + lifetime,
    appid: app.clientId,
    appidacr,
    idtyp: "app",
    oid: servicePrincipalId(tenant.id, app.clientId),
    sub: servicePrincipalId(tenant.id, app.clientId),
    tid: tenant.id,
    ver: "1.0",
    uti: crypto.randomUUID().replace(/-/g, "").slice(0, 22),
  };
  if (app.displayName) claims.app_displayname = app.displayName;
  if (app.roles && app.roles.length > 0) claims.roles = [...app.roles];
  const token = await new SignJWT(claims)
    .setProtectedHeader({ alg: "RS256", typ: "JWT", kid: ctx.key.kid, x5t: ctx.key.kid })
    .sign(ctx.key.privateKey);
  ctx.tokenRequests.set(app.clientId, (ctx.tokenRequests.get(app.clientId) ?? 0) + 1);
  const body: Record<string, unknown> = {
    token_type: "Bearer",
    expires_in: lifetime,
    ext_expires_in: lifetime,
    access_token: token,
  };
  if (ctx.settings.refreshInSeconds !== undefined) body.refresh_in = ctx.settings.refreshInSeconds;
  return Response.json(body, { headers: { "cache-control": "no-store, no-cache" } });
}

/** A stable fake service-principal object id for an app in a tenant. */
export function servicePrincipalId(tenantId: string, clientId: string): string {
  // Derive a GUID-shaped id from the two ids, so it is stable across runs.
  const s = (tenantId + clientId).replace(/-/g, "").toLowerCase().padEnd(32, "0");
  const hex = Array.from(s.slice(0, 32), (c, i) => ((parseInt(c, 16) || 0) ^ (i % 16)).toString(16))
    .join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${
    hex.slice(20, 32)
  }`;
}

/** Handles `POST /{tenant}/oauth2/v2.0/token`. */
export async function handleToken(
  ctx: EntraContext,
  request: Request,
  tenantSegment: string,
): Promise<Response> {
  const now = ctx.now();
  const correlationId = request.headers.get("client-request-id") ?? undefined;
  const err = (code: number, error: string, text: string) =>
    entraError(code, error, text, { now, ...(correlationId ? { correlationId } : {}) });

  const contentType = request.headers.get("content-type") ?? "";
  if (!contentType.toLowerCase().startsWith("application/x-www-form-urlencoded")) {
    return err(900144, "invalid_request", "The request body must be form-urlencoded.");
  }
  let form: URLSearchParams;
  try {
    const text = await request.text();
    if (text.length > 1_000_000) {
      return err(900144, "invalid_request", "The request body is too large.");
    }
    form = new URLSearchParams(text);
  } catch {
    return err(900144, "invalid_request", "The request body could not be read.");
  }
  // HTTP Basic client authentication (RFC 6749 2.3.1) is accepted too.
  const basic = /^Basic\s+(.+)$/i.exec(request.headers.get("authorization") ?? "")?.[1];
  if (basic) {
    try {
      const [id, secret] = atob(basic).split(":");
      if (id && !form.has("client_id")) form.set("client_id", decodeURIComponent(id));
      if (secret && !form.has("client_secret")) {
        form.set("client_secret", decodeURIComponent(secret));
      }
    } catch { /* ignore malformed basic header: the checks below answer */ }
  }

  // 1. Tenant.
  const tenant = ctx.state.tenant(tenantSegment);
  if (!tenant) {
    return err(
      90002,
      "invalid_tenant",
      `Tenant '${tenantSegment}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud.`,
    );
  }
  // 2. App.
  const clientId = form.get("client_id") ?? "";
  if (!clientId) {
    return err(
      900144,
      "invalid_request",
      "The request body must contain the following parameter: 'client_id'.",
    );
  }
  const app = tenant.apps.get(clientId.toLowerCase());
  if (!app) {
    return err(
      700016,
      "unauthorized_client",
      `Application with identifier '${clientId}' was not found in the directory '${tenant.id}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant.`,
    );
  }
  // 3. Grant type.
  const grantType = form.get("grant_type");
  if (grantType !== "client_credentials") {
    return err(
      70003,
      "unsupported_grant_type",
      `The app requested an unsupported grant type '${grantType ?? ""}'.`,
    );
  }
  // 4. Scope.
  const scope = (form.get("scope") ?? "").trim();
  const scopes = scope.split(/\s+/).filter(Boolean);
  if (scopes.length === 0) {
    return err(
      900144,
      "invalid_request",
      "The request body must contain the following parameter: 'scope'.",
    );
  }
  const resources = new Set(scopes.map((s) => s.replace(/\/\.default$/, "")));
  if (resources.size > 1) {
    return err(
      700022,
      "invalid_scope",
      "The provided value for the input parameter scope is not valid because it contains more than one resource.",
    );
  }
  const audience = graphAudience(tenant);
  const resource = [...resources][0]!;
  if (!scopes[0]!.endsWith("/.default")) {
    return err(
      70011,
      "invalid_scope",
      `The provided request must include a 'scope' input parameter. The provided value for the input parameter 'scope' is not valid. The scope ${scope} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).`,
    );
  }
  if (resource !== audience && resource !== GRAPH_APP_ID && resource !== `${audience}/`) {
    return err(
      500011,
      "invalid_resource",
      `The resource principal named ${resource} was not found in the tenant named ${tenant.id}. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You might have sent your authentication request to the wrong tenant.`,
    );
  }
  // 5. Credential.
  const secret = form.get("client_secret");
  const assertion = form.get("client_assertion");
  const assertionType = form.get("client_assertion_type");
  if (!secret && !assertion) {
    return err(
      7000218,
      "invalid_client",
      "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.",
    );
  }
  if (secret) {
    const match = (app.secrets ?? []).find((s) => s.value === secret);
    if (!match) {
      return err(
        7000215,
        "invalid_client",
        `Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${app.clientId}'.`,
      );
    }
    if (match.expires && Date.parse(match.expires) <= now) {
      return err(
        7000222,
        "invalid_client",
        `The provided client secret keys for app '${app.clientId}' are expired. Visit the Azure portal to create new keys for your app.`,
      );
    }
    return issueAccessToken(ctx, tenant, app, "1");
  }
  if (assertionType !== JWT_BEARER) {
    return err(
      900144,
      "invalid_request",
      `The request body must contain the following parameter: 'client_assertion_type' with the value '${JWT_BEARER}'.`,
    );
  }
  let header: ReturnType<typeof decodeProtectedHeader>;
  let claims: JWTPayload;
  try {
    header = decodeProtectedHeader(assertion!);
    claims = decodeJwt(assertion!);
  } catch {
    return err(
      50027,
      "invalid_request",
      "JWT token is invalid or malformed.",
    );
  }
  // An assertion issued by the app itself names its client id as `iss`; anything issued by an
  // outside identity provider (a URL) is a federated assertion.
  if (typeof claims.iss === "string" && /^https?:\/\//i.test(claims.iss)) {
    return await handleFederated(ctx, tenant, app, assertion!, claims, err);
  }
  return await handleCertificateAssertion(
    ctx,
    tenant,
    app,
    assertion!,
    header,
    claims,
    err,
    request,
  );
}

type ErrorFactory = (code: number, error: string, text: string) => Response;

async function handleCertificateAssertion(
  ctx: EntraContext,
  tenant: Tenant,
  app: AppSpec & { certificatePems: string[] },
  assertion: string,
  header: ReturnType<typeof decodeProtectedHeader>,
  claims: JWTPayload,
  err: ErrorFactory,
  request: Request,
): Promise<Response> {
  const now = Math.floor(ctx.now() / 1000);
  if (claims.sub !== claims.iss) {
    return err(50048, "invalid_client", "Subject must match Issuer claim in the client assertion.");
  }
  if (claims.iss !== app.clientId && claims.iss?.toLowerCase() !== app.clientId.toLowerCase()) {
    return err(
      700021,
      "invalid_client",
      `Client assertion application identifier doesn't match 'client_id' parameter.`,
    );
  }
  // The audience must be the token endpoint the client posted to: the host as the client named
  // it (or the emulator's own base URL), with the tenant by id or any of its domains.
  const endpoint = new URL(request.url);
  const expectedAud = `${endpoint.origin}${endpoint.pathname}`;
  const accepted = new Set<string>();
  for (const origin of [endpoint.origin, ctx.baseUrl()]) {
    for (const t of [tenant.id, ...tenant.domains]) {
      accepted.add(`${origin}/${t}/oauth2/v2.0/token`.toLowerCase());
    }
  }
  accepted.add(expectedAud.toLowerCase());
  const auds = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
  if (!auds.some((a) => typeof a === "string" && accepted.has(a.toLowerCase()))) {
    return err(
      50027,
      "invalid_client",
      `Invalid JWT token. The audience '${
        auds.join(",")
      }' of the client assertion is not the token endpoint '${expectedAud}'.`,
    );
  }
  const skew = ctx.settings.clockSkewSeconds;
  const exp = typeof claims.exp === "number" ? claims.exp : undefined;
  const nbf = typeof claims.nbf === "number" ? claims.nbf : 0;
  if (exp === undefined || now > exp + skew || now + skew < nbf) {
    const fmt = (s: number) => new Date(s * 1000).toISOString();
    return err(
      700024,
      "invalid_client",
      `Client assertion is not within its valid time range. Current time: ${
        fmt(now)
      }, assertion valid from ${fmt(nbf)}, expiry time of assertion ${
        exp === undefined ? "(none)" : fmt(exp)
      }.`,
    );
  }
  const alg = header.alg;
  if (alg !== "RS256" && alg !== "PS256") {
    // UNCONFIRMED upstream: the exact code for an unsupported algorithm; Entra documents only
    // RS256 (with x5t) and PS256 (with x5t#S256) for certificate assertions.
    return err(
      50027,
      "invalid_client",
      `Invalid JWT token. The client assertion algorithm '${
        String(alg ?? "")
      }' is not supported; use PS256 (with x5t#S256) or RS256 (with x5t).`,
    );
  }
  const sent = alg === "PS256"
    ? header["x5t#S256"] ?? header.x5t
    : header.x5t ?? header["x5t#S256"];
  const sentThumb = normaliseThumbprint(sent);
  let cert: RegisteredCert | undefined;
  for (const pem of app.certificatePems) {
    const r = await registeredCert(pem);
    if (sentThumb && (r.x5t === sentThumb || r.x5tS256 === sentThumb)) cert = r;
  }
  if (!cert) {
    return err(
      700027,
      "invalid_client",
      `The certificate with identifier used to sign the client assertion is not registered on application. [Reason - The key was not found., Thumbprint of key used by client: '${
        String(sent ?? "")
      }', Please visit the Azure Portal, Graph Explorer or directly use MS Graph to see configured keys for app Id '${app.clientId}'. Review the documentation at https://docs.microsoft.com/en-us/graph/deployments to determine the corresponding service endpoint and https://docs.microsoft.com/en-us/graph/api/application-get?view=graph-rest-1.0&tabs=http to build a query request URL, such as 'https://graph.microsoft.com/beta/applications/${app.clientId}'].`,
    );
  }
  try {
    const key = await importX509(cert.pem, alg);
    await jwtVerify(assertion, key, {
      algorithms: [alg],
      clockTolerance: Number.MAX_SAFE_INTEGER,
    });
  } catch {
    return err(
      700027,
      "invalid_client",
      `Client assertion failed signature validation. [Reason - The key was not found., Thumbprint of key used by client: '${
        String(sent ?? "")
      }']`,
    );
  }
  return issueAccessToken(ctx, tenant, app, "2");
}

async function handleFederated(
  ctx: EntraContext,
  tenant: Tenant,
  app: AppSpec,
  assertion: string,
  claims: JWTPayload,
  err: ErrorFactory,
): Promise<Response> {
  const now = Math.floor(ctx.now() / 1000);
  const iss = String(claims.iss ?? "");
  const sub = String(claims.sub ?? "");
  const auds = (Array.isArray(claims.aud) ? claims.aud : [claims.aud]).map(String);
  const presented =
    `No matching federated identity record found for presented assertion issuer '${iss}', subject '${sub}', audience '${
      auds.join(",")
    }'.`;
  const fics = app.federatedCredentials ?? [];
  const exact = fics.find((f) =>
    f.issuer === iss && f.subject === sub && f.audiences.some((a) => auds.includes(a))
  );
  if (!exact) {
    const caseOnly = fics.find((f) =>
      f.issuer === iss && f.subject !== sub && f.subject.toLowerCase() === sub.toLowerCase()
    );
    if (caseOnly) {
      return err(
        7002138,
        "invalid_client",
        `No matching federated identity record found for presented assertion subject '${sub}'. The subject matches a federated identity credential '${caseOnly.subject}' only when case is ignored; matching is case-sensitive.`,
      );
    }
    const issuerMatches = fics.filter((f) => f.issuer === iss);
    if (issuerMatches.length > 0 && !issuerMatches.some((f) => f.subject === sub)) {
      return err(
        700213,
        "invalid_client",
        `No matching federated identity record found for presented assertion subject '${sub}'. Please check your federated identity credential Subject, Audience and Issuer against the presented assertion.`,
      );
    }
    return err(70021, "invalid_client", presented);
  }
  // The emulator trusts GitHub's issuer only with its own signature.
  try {
    await jwtVerify(assertion, (await ctx.githubKey()).publicKey, {
      issuer: GITHUB_ISSUER,
      algorithms: ["RS256"],
      currentDate: new Date(now * 1000),
      clockTolerance: ctx.settings.clockSkewSeconds,
    });
  } catch (e) {
    const { code, claim } = e as { code?: string; claim?: string };
    const expired = code === "ERR_JWT_EXPIRED" || claim === "nbf" || claim === "iat";
    if (expired) {
      return err(
        700024,
        "invalid_client",
        `Client assertion is not within its valid time range. Current time: ${
          new Date(now * 1000).toISOString()
        }, expiry time of assertion ${new Date(Number(claims.exp) * 1000).toISOString()}.`,
      );
    }
    return err(
      700211,
      "invalid_client",
      `The signature of the presented assertion from issuer '${iss}' could not be validated.`,
    );
  }
  return issueAccessToken(ctx, tenant, app, "2");
}
