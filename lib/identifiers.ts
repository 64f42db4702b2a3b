/**
 * The two kinds of directory identifier graphcall checks before it uses them anywhere (a Graph
 * path, a URL, a PowerShell script): GUIDs (app, tenant and object ids) and tenant names (a GUID
 * or a DNS domain such as `contoso.onmicrosoft.com`).
 *
 * @module
 */

import { InvalidInputError } from "./errors.ts";

/** A GUID, any case. */
export const GUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const DOMAIN =
  /^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)+$/i;

/** Whether a string is a GUID. */
export function isGuid(value: string): boolean {
  return GUID_RE.test(value);
}

/**
 * Checks an app (client) id is a GUID and returns it lower-case.
 *
 * @throws {InvalidInputError} naming `field` for anything else.
 */
export function checkAppId(appId: string, field = "app-id"): string {
  if (typeof appId !== "string" || !isGuid(appId)) {
    throw new InvalidInputError(
      field,
      "the app (client) id must be a GUID like 0b5e8a21-6c4f-4d2e-9a57-3f1c2d8e7b60",
    );
  }
  return appId.toLowerCase();
}

/**
 * Checks a tenant given as a GUID or a DNS domain (`contoso.onmicrosoft.com`); returns it
 * lower-case.
 *
 * @throws {InvalidInputError} naming `field` for anything else.
 */
export function checkTenant(value: string, field = "tenant"): string {
  if (typeof value !== "string" || (!isGuid(value) && !DOMAIN.test(value))) {
    throw new InvalidInputError(
      field,
      "give the tenant id (a GUID) or its domain, e.g. contoso.onmicrosoft.com",
    );
  }
  return value.toLowerCase();
}
