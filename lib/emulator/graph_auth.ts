/**
 * Authorization of Graph requests in the emulator: the bearer token must be one the emulator
 * issued (its signature, `alg`, time window, tenant, and the audience of the tenant's cloud),
 * and its roles must grant the operation.
 *
 * @module
 */

import { compactVerify, decodeProtectedHeader, type JWTPayload } from "npm:jose@^6.2";
import type { SigningKey } from "./signing_key.ts";
import type { EmulatedTenant as Tenant, EmulatorState } from "./state.ts";
import { graphAudience } from "./entra.ts";

/**
 * The call operations that need a role of their own, and the roles that grant each (the
 * permission tables of participant-delete, participant-get, participant-mute and
 * participant-invite). The others (get, hang up and keep alive a call, list its participants,
 * read its operations) need only that the app owns the call: Graph checks their permissions
 * when the call is created.
 */
export const OPERATION_ROLES: Readonly<Record<string, readonly string[]>> = Object.freeze({
  remove: ["Calls.JoinGroupCall.All", "Calls.JoinGroupCallAsGuest.All"],
  get: ["Calls.JoinGroupCall.All", "Calls.JoinGroupCallAsGuest.All"],
  mute: ["Calls.JoinGroupCall.All", "Calls.JoinGroupCallAsGuest.All"],
  invite: ["Calls.InitiateGroupCall.All"],
});

/** A verified caller. */
export interface Caller {
  tenant: Tenant;
  appId: string;
  roles: string[];
  claims: JWTPayload;
}

/** Why a token was refused. */
export interface Refusal {
  status: 401 | 403;
  code: string;
  message: string;
}

/** Tokens whose signature was checked, per key: the claims, or null for a bad signature. */
const verifiedTokens = new WeakMap<SigningKey, Map<string, JWTPayload | null>>();

/**
 * Tokens remembered per key; past it the memory starts afresh. A client reuses its token until
 * it nears expiry, so a thousand covers any test's clients; each entry holds the token and its
 * claims (about 2 KB), so ten thousand made a long soak's heap climb by 15 MB before the reset.
 */
export const VERIFIED_TOKEN_CACHE = 1_000;

/**
 * The claims of a token whose RS256 signature the key verifies, or null. A signature is checked
 * once per token string (RSA verification was most of the cost of a Graph request); the claims
 * are checked on every request by the caller.
 */
async function verifiedClaims(token: string, key: SigningKey): Promise<JWTPayload | null> {
  let cache = verifiedTokens.get(key);
  if (!cache) verifiedTokens.set(key, cache = new Map());
  const known = cache.get(token);
  if (known !== undefined) return known;
  let claims: JWTPayload | null = null;
  try {
    const { payload } = await compactVerify(token, key.publicKey, { algorithms: ["RS256"] });
    const parsed: unknown = JSON.parse(new TextDecoder().decode(payload));
    if (typeof parsed === "object" && parsed !== null && !Array.isArray(parsed)) {
      claims = parsed as JWTPayload;
    }
  } catch {
    claims = null;
  }
  if (cache.size >= VERIFIED_TOKEN_CACHE) cache.clear();
  cache.set(token, claims);
  return claims;
}

const BAD_SIGNATURE: Refusal = Object.freeze({
  status: 401,
  code: "InvalidAuthenticationToken",
  message: "Access token validation failure. Invalid signature or token.",
});

/** The claims of a token not seen before: its `alg`, then its signature. */
async function checkedClaims(
  token: string,
  key: SigningKey,
): Promise<{ claims: JWTPayload } | { refusal: Refusal }> {
  let alg: string | undefined;
  try {
    alg = decodeProtectedHeader(token).alg;
  } catch {
    return {
      refusal: {
        status: 401,
        code: "InvalidAuthenticationToken",
        message: "IDX14100: JWT is not well formed.",
      },
    };
  }
  if (alg !== "RS256") {
    return {
      refusal: {
        status: 401,
        code: "InvalidAuthenticationToken",
        message: "Access token validation failure. Invalid signature algorithm.",
      },
    };
  }
  const claims = await verifiedClaims(token, key);
  return claims ? { claims } : { refusal: BAD_SIGNATURE };
}

/** Verifies the `Authorization` header; returns the caller or a refusal. */
export async function authorize(
  header: string | null,
  state: EmulatorState,
  key: SigningKey,
  now: number,
): Promise<Caller | Refusal> {
  const token = /^Bearer\s+(\S+)$/i.exec(header ?? "")?.[1];
  if (!token) {
    return {
      status: 401,
      code: "InvalidAuthenticationToken",
      message: "Access token is empty.",
    };
  }
  const cached = verifiedTokens.get(key)?.get(token);
  const checked = cached === undefined
    ? await checkedClaims(token, key)
    : cached === null
    ? { refusal: BAD_SIGNATURE }
    : { claims: cached };
  if ("refusal" in checked) return checked.refusal;
  const claims = checked.claims;
  // The time window, by the emulator's clock, on every request (jose's rules, no tolerance).
  const seconds = Math.floor(now / 1000);
  const { exp, nbf, iat } = claims;
  if (
    typeof exp !== "number" || (nbf !== undefined && typeof nbf !== "number") ||
    (iat !== undefined && typeof iat !== "number")
  ) {
    return {
      status: 401,
      code: "InvalidAuthenticationToken",
      message: "Access token validation failure. Invalid signature or token.",
    };
  }
  if (exp <= seconds) {
    return {
      status: 401,
      code: "InvalidAuthenticationToken",
      message: "Lifetime validation failed, the token is expired.",
    };
  }
  if (typeof nbf === "number" && nbf > seconds) {
    return {
      status: 401,
      code: "InvalidAuthenticationToken",
      message: "Access token validation failure. Invalid signature or token.",
    };
  }
  const tenant = typeof claims.tid === "string" ? state.tenant(claims.tid) : undefined;
  if (!tenant || claims.iss !== `https://sts.windows.net/${tenant.id}/`) {
    return {
      status: 401,
      code: "InvalidAuthenticationToken",
      message: "Access token validation failure. Invalid issuer or tenant.",
    };
  }
  if (claims.aud !== graphAudience(tenant)) {
    return {
      status: 401,
      code: "InvalidAuthenticationToken",
      message: "Access token validation failure. Invalid audience.",
    };
  }
  const appId = typeof claims.appid === "string" ? claims.appid : "";
  const roles = Array.isArray(claims.roles) ? claims.roles.map(String) : [];
  return { tenant, appId, roles, claims };
}

/** Whether the caller's roles grant an operation (case-insensitive). */
export function hasRole(caller: Caller, operation: keyof typeof OPERATION_ROLES): boolean {
  const needed = (OPERATION_ROLES[operation] ?? []).map((r) => r.toLowerCase());
  return caller.roles.some((r) => needed.includes(r.toLowerCase()));
}
