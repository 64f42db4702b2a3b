/**
 * Authorization of Graph requests in the emulator: the bearer token must be one the emulator
 * issued (its signature, `alg`, time window, tenant, and the audience of the tenant's cloud),
 * and its roles must grant the operation.
 *
 * @module
 */

import { decodeProtectedHeader, type JWTPayload, jwtVerify } from "npm:jose@^6.2";
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
  let alg: string | undefined;
  try {
    alg = decodeProtectedHeader(token).alg;
  } catch {
    return {
      status: 401,
      code: "InvalidAuthenticationToken",
      message: "IDX14100: JWT is not well formed.",
    };
  }
  if (alg !== "RS256") {
    return {
      status: 401,
      code: "InvalidAuthenticationToken",
      message: "Access token validation failure. Invalid signature algorithm.",
    };
  }
  let claims: JWTPayload;
  try {
    ({ payload: claims } = await jwtVerify(token, key.publicKey, {
      algorithms: ["RS256"],
      currentDate: new Date(now),
      clockTolerance: 0,
    }));
  } catch (e) {
    const expired = (e as { code?: string }).code === "ERR_JWT_EXPIRED";
    return {
      status: 401,
      code: "InvalidAuthenticationToken",
      message: expired
        ? "Lifetime validation failed, the token is expired."
        : "Access token validation failure. Invalid signature or token.",
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
