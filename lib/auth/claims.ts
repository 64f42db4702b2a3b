/**
 * Reading an app-only Graph access token's claims without verifying it (Graph tokens are opaque
 * to clients: their signatures are not meant to be checked by anyone but Graph). Which operations
 * its roles allow is the operation catalogue's business (../graph/operations.ts).
 *
 * Facts: ../shared/reference/entra-tokens.md section 5.
 *
 * @module
 */

import { decodeJwtPayload } from "../jwt_payload.ts";
import { InvalidInputError } from "../errors.ts";

/** The claims graphcall reads from an access token. */
export interface AccessTokenClaims {
  /** Application permissions granted (empty when none were consented). */
  roles: string[];
  /** Tenant id. */
  tid: string | undefined;
  /** App (client) id: `appid` in v1 tokens, `azp` in v2. */
  appid: string | undefined;
  /** Audience: the Graph root of the cloud, or Graph's app id. */
  aud: string | undefined;
  /** `app` for app-only tokens. */
  idtyp: string | undefined;
  /** Expiry, seconds since the epoch. */
  exp: number | undefined;
  /** Issued at, seconds since the epoch. */
  iat: number | undefined;
  /** Not before, seconds since the epoch. */
  nbf: number | undefined;
  /** Issuer. */
  iss: string | undefined;
  /** Object id of the app's service principal. */
  oid: string | undefined;
  /** How the app authenticated: `1` secret, `2` certificate or federated. */
  appidacr: string | undefined;
  /** Token version (`1.0` for Graph). */
  ver: string | undefined;
  /** Delegated scopes: present only in user tokens, which the participants API refuses. */
  scp: string | undefined;
  /** Whether the token has a `roles` claim at all (absent when no permission is consented). */
  rolesClaimPresent: boolean;
  /** The app's display name, when Entra includes it. */
  appDisplayName: string | undefined;
}

/** Graph's well-known application id, which may stand as a token's `aud`. */
export const GRAPH_APP_ID = "00000003-0000-0000-c000-000000000000";

const str = (v: unknown) => (typeof v === "string" ? v : undefined);
const num = (v: unknown) => (typeof v === "number" ? v : undefined);

/**
 * Decodes (never verifies) an access token's claims.
 *
 * @example Read the roles of a token
 * ```ts ignore
 * import { decodeAccessToken } from "./claims.ts";
 * const claims = decodeAccessToken(token);
 * console.log(claims.roles, claims.tid, new Date(claims.exp! * 1000));
 * ```
 *
 * @throws {InvalidInputError} when the text is not a JWT with a JSON payload (the message never
 * contains the text).
 */
export function decodeAccessToken(token: string, field = "access token"): AccessTokenClaims {
  let c: Record<string, unknown>;
  try {
    c = decodeJwtPayload(token.trim());
  } catch {
    throw new InvalidInputError(field, "is not a JWT access token (three dot-separated parts)");
  }
  const aud = Array.isArray(c.aud) ? str(c.aud[0]) : str(c.aud);
  return {
    roles: Array.isArray(c.roles) ? c.roles.filter((r): r is string => typeof r === "string") : [],
    tid: str(c.tid),
    appid: str(c.appid) ?? str(c.azp),
    aud,
    idtyp: str(c.idtyp),
    exp: num(c.exp),
    iat: num(c.iat),
    nbf: num(c.nbf),
    iss: str(c.iss),
    oid: str(c.oid),
    appidacr: str(c.appidacr) ?? str(c.azpacr),
    ver: str(c.ver),
    appDisplayName: str(c.app_displayname),
    scp: str(c.scp),
    rolesClaimPresent: Array.isArray(c.roles),
  };
}
