/**
 * The one fact every policy refusal leads to: the exact `Set-CsApplicationMeetingConfiguration`
 * command that allows (or revokes) an app, for a cloud, and the admin-consent URL. Used by the
 * setup script, doctor and the remediation texts of 403 errors, so the command is written in one
 * place.
 *
 * Facts: ../shared/reference/graph-participants.md sections 3, 4 and 6.
 *
 * @module
 */

import { type Cloud, getCloud } from "../clouds.ts";
import { InvalidInputError } from "../errors.ts";
import { isGuid } from "../graph/ids.ts";
import { type Operation, requiredRoles } from "../auth/required_roles.ts";
import { checkTenant, checkThumbprint, psQuote } from "./powershell.ts";

/** Checks an app id is a GUID (nothing else may reach a PowerShell script); returns it. */
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
  const parts = ["Connect-MicrosoftTeams"];
  if (cloud.teamsEnvironmentName) {
    parts.push(`-TeamsEnvironmentName ${cloud.teamsEnvironmentName}`);
  }
  if (appOnly) {
    parts.push(
      `-CertificateThumbprint ${
        psQuote(checkThumbprint(appOnly.certificateThumbprint, "certificate-thumbprint"))
      }`,
      `-ApplicationId ${psQuote(checkAppId(appOnly.applicationId, "admin-app-id"))}`,
      `-TenantId ${psQuote(checkTenant(appOnly.tenantId, "tenant"))}`,
    );
  }
  return parts.join(" ");
}

/**
 * The one-line command that allows an app to remove participants (or revokes it). It is the same
 * in every cloud; only the `Connect-MicrosoftTeams` before it differs.
 *
 * @example The command that allows an app
 * ```ts
 * import { policyCommand } from "./policy_command.ts";
 * console.log(policyCommand("0b5e8a21-6c4f-4d2e-9a57-3f1c2d8e7b60"));
 * // Set-CsApplicationMeetingConfiguration -AllowRemoveParticipantAppIds @{Add="0b5e8a21-6c4f-4d2e-9a57-3f1c2d8e7b60"}
 * ```
 */
export function policyCommand(appId: string, options: { revoke?: boolean } = {}): string {
  const id = checkAppId(appId);
  return `Set-CsApplicationMeetingConfiguration -AllowRemoveParticipantAppIds @{${
    options.revoke ? "Remove" : "Add"
  }="${id}"}`;
}

/** The read-only command that lists the apps the tenant policy allows. */
export const POLICY_READ_COMMAND =
  "(Get-CsApplicationMeetingConfiguration).AllowRemoveParticipantAppIds";

/**
 * The admin-consent URL for an app in a cloud: `{authority}/{tenant}/adminconsent?client_id=`.
 *
 * This is the v1.0-style endpoint: it asks a tenant admin to consent to every permission
 * configured on the app registration and needs no `scope` or registered `redirect_uri` (the
 * v2.0 `/v2.0/adminconsent` form requires both). `tenant` is the tenant id or domain when known;
 * `organizations` lets the admin's own tenant be chosen at sign-in.
 */
export function adminConsentUrl(
  appId: string,
  cloudName: string = "Global",
  tenant = "organizations",
): string {
  const cloud = getCloud(cloudName);
  const t = tenant === "organizations" ? tenant : checkTenant(tenant);
  return `${cloud.authorityUrl}/${encodeURIComponent(t)}/adminconsent?client_id=${
    checkAppId(appId)
  }`;
}

/** The fix for a removal refused by the tenant policy: connect, then allow the app. */
export function policyRemediation(appId: string, cloudName: string = "Global"): string {
  const cloud = getCloud(cloudName);
  return `a Teams admin must allow this app once per tenant, in PowerShell: ${
    connectTeamsCommand(cloud)
  }; ${policyCommand(appId)}  (or run: graphcall tenant setup --app-id ${
    checkAppId(appId)
  } --cloud ${cloud.name})`;
}

/**
 * The fix for an operation refused because the token lacks the role: which application
 * permission to add, and the admin-consent URL.
 *
 * @example What to do when removal lacks its role
 * ```ts
 * import { permissionRemediation } from "./policy_command.ts";
 * console.log(permissionRemediation("remove", "0b5e8a21-6c4f-4d2e-9a57-3f1c2d8e7b60"));
 * ```
 */
export function permissionRemediation(
  operation: Operation,
  appId: string,
  cloudName: string = "Global",
  tenant = "organizations",
): string {
  const [least, ...others] = requiredRoles(operation);
  const alternatives = others.length > 0 ? ` (or ${others.join(" or ")})` : "";
  return `add the Microsoft Graph application permission ${least}${alternatives} to the app ` +
    `registration (API permissions), then have an admin grant consent: ${
      adminConsentUrl(appId, cloudName, tenant)
    }`;
}
