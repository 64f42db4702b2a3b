/**
 * Reading an access token's claims without verifying it (Graph tokens are opaque to clients:
 * their signatures are not for us to check). Only the claims doctor reports are kept.
 *
 * NOTE for the integrator: lib/auth/claims.ts (auth engineer) is the intended home of this; switch
 * to it when it lands and delete this file.
 *
 * Facts: ../shared/reference/entra-tokens.md section 5.
 *
 * @module
 */

import { decodeJwt } from "npm:jose@^6.2";

/** The claims of a Graph access token that doctor looks at. None of them is secret. */
export interface TokenClaims {
  /** Tenant id. */
  tid?: string;
  /** App (client) id: `appid` in v1 tokens, `azp` in v2. */
  appId?: string;
  /** Audience. */
  aud?: string;
  /** `app` for app-only tokens. */
  idtyp?: string;
  /** Delegated scopes (user tokens only). */
  scp?: string;
  /** Application permissions. Absent when none was consented. */
  roles?: string[];
  /** Expiry, seconds since the epoch. */
  exp?: number;
}

/** Decodes the payload of a compact JWT; undefined when it is not one. */
export function readTokenClaims(token: string): TokenClaims | undefined {
  let payload: Record<string, unknown>;
  try {
    payload = decodeJwt(token);
  } catch {
    return undefined;
  }
  const str = (v: unknown) => typeof v === "string" ? v : undefined;
  const out: TokenClaims = {};
  const tid = str(payload.tid);
  if (tid) out.tid = tid;
  const appId = str(payload.appid) ?? str(payload.azp);
  if (appId) out.appId = appId;
  const aud = Array.isArray(payload.aud) ? str(payload.aud[0]) : str(payload.aud);
  if (aud) out.aud = aud;
  const idtyp = str(payload.idtyp);
  if (idtyp) out.idtyp = idtyp;
  const scp = str(payload.scp);
  if (scp) out.scp = scp;
  if (Array.isArray(payload.roles)) out.roles = payload.roles.map(String);
  if (typeof payload.exp === "number") out.exp = payload.exp;
  return out;
}
