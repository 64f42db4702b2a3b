/**
 * `Connect-MicrosoftTeams` as the tenant-setup script writes it: per cloud, and optionally as an
 * app-only login with a certificate thumbprint. The policy command itself, its read-back and the
 * admin-consent URL are in ../fixes.ts, shared with the 403 diagnosis.
 *
 * Facts: ../shared/reference/graph-participants.md sections 4 and 6.
 *
 * @module
 */

import type { Cloud } from "../clouds.ts";
import { teamsConnectLine } from "../fixes.ts";
import { checkAppId, checkTenant } from "../identifiers.ts";
import { checkThumbprint, psQuote } from "./powershell.ts";

/**
 * An app-only login of the Teams PowerShell module (`Connect-MicrosoftTeams -CertificateThumbprint
 * -ApplicationId -TenantId`): an admin app with a certificate in the user's certificate store.
 */
export interface TeamsAppOnlyLogin {
  /** SHA-1 thumbprint of the admin app's certificate (40 hex digits). */
  certificateThumbprint: string;
  /** The admin app's (client) id: not necessarily the app being allowed. */
  applicationId: string;
  /** The tenant id or domain. */
  tenantId: string;
}

/**
 * `Connect-MicrosoftTeams` for a cloud (with `-TeamsEnvironmentName` outside Global), optionally
 * app-only. Every value is validated, then written as a single-quoted literal.
 *
 * @example Connect to a GCC High tenant
 * ```ts
 * import { CLOUDS } from "../clouds.ts";
 * import { connectTeamsCommand } from "./policy_command.ts";
 * console.log(connectTeamsCommand(CLOUDS.USGov));
 * // Connect-MicrosoftTeams -TeamsEnvironmentName TeamsGCCH
 * ```
 */
export function connectTeamsCommand(cloud: Cloud, appOnly?: TeamsAppOnlyLogin): string {
  const line = teamsConnectLine(cloud);
  if (!appOnly) return line;
  return [
    line,
    `-CertificateThumbprint ${
      psQuote(checkThumbprint(appOnly.certificateThumbprint, "certificate-thumbprint"))
    }`,
    `-ApplicationId ${psQuote(checkAppId(appOnly.applicationId, "admin-app-id"))}`,
    `-TenantId ${psQuote(checkTenant(appOnly.tenantId, "tenant"))}`,
  ].join(" ");
}
