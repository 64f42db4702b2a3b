/**
 * Reading a JWT's payload without verifying it: what graphcall needs of the tokens it holds (an
 * access token's roles and tenant, a federated token's issuer and expiry), which only their
 * issuers verify. Decoding alone needs no cryptography, so it costs no library at start-up.
 *
 * @module
 */

import { fromBase64Any } from "./encoding.ts";

/**
 * The payload of a compact JWT (`header.payload.signature`), or an Error when the text is not one
 * (three dot-separated base64url parts whose middle part is a JSON object).
 *
 * @example Read a token's claims
 * ```ts
 * import { decodeJwtPayload } from "./jwt_payload.ts";
 * const claims = decodeJwtPayload("eyJhbGciOiJub25lIn0.eyJ0aWQiOiJ0MSJ9.");
 * console.log(claims.tid); // t1
 * ```
 */
export function decodeJwtPayload(token: string): Record<string, unknown> {
  const parts = token.split(".");
  if (parts.length !== 3 || !/^[A-Za-z0-9_-]+$/.test(parts[1]!)) {
    throw new Error("not a compact JWT");
  }
  let payload: unknown;
  try {
    payload = JSON.parse(
      new TextDecoder("utf-8", { fatal: true }).decode(fromBase64Any(parts[1]!)),
    );
  } catch {
    throw new Error("the JWT's payload is not JSON");
  }
  if (typeof payload !== "object" || payload === null || Array.isArray(payload)) {
    throw new Error("the JWT's payload is not a JSON object");
  }
  return payload as Record<string, unknown>;
}
