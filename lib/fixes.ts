/**
 * The fixes graphcall prints for refusals, written once: the admin-consent URL, the
 * `Set-CsApplicationMeetingConfiguration` command that lets an app remove participants (and its
 * `Connect-MicrosoftTeams` line per cloud), and the sentence for a missing application
 * permission. The 403 diagnosis, doctor and the tenant-setup script all take them from here.
 *
 * Facts: ../shared/reference/graph-participants.md sections 3, 4 and 6.
 *
 * @module
 */

import { type Cloud, getCloud } from "./clouds.ts";
import { checkAppId, checkTenant } from "./identifiers.ts";

/**
 * The admin-consent URL for an app in a cloud: `{authority}/{tenant}/adminconsent?client_id=`.
 *
 * This is the v1.0-style endpoint: it asks a tenant admin to consent to every permission
 * configured on the app registration and needs no `scope` or registered `redirect_uri` (the
 * v2.0 `/v2.0/adminconsent` form requires both). `tenant` is the tenant id or domain when known;
 * `organizations` lets the admin's own tenant be chosen at sign-in.
 *
 * @example The consent URL for an app in GCC High
 * ```ts
 * import { adminConsentUrl } from "./fixes.ts";
 * console.log(adminConsentUrl("0b5e8a21-6c4f-4d2e-9a57-3f1c2d8e7b60", "USGov"));
 * // https://login.microsoftonline.us/organizations/adminconsent?client_id=0b5e8a21-6c4f-4d2e-9a57-3f1c2d8e7b60
 * ```
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

/**
 * The one-line command that allows an app to remove participants (or revokes it). It is the same
 * in every cloud; only the `Connect-MicrosoftTeams` before it differs.
 *
 * @example The command that allows an app
 * ```ts
 * import { policyCommand } from "./fixes.ts";
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

/** `Connect-MicrosoftTeams` for a cloud, as an admin types it (interactive sign-in). */
export function teamsConnectLine(cloud: Cloud): string {
  return cloud.teamsEnvironmentName
    ? `Connect-MicrosoftTeams -TeamsEnvironmentName ${cloud.teamsEnvironmentName}`
    : "Connect-MicrosoftTeams";
}

/** The fix for a removal refused by the tenant policy: connect, then allow the app. */
export function policyRemediation(appId: string, cloudName: string = "Global"): string {
  const cloud = getCloud(cloudName);
  return `a Teams admin must allow this app once per tenant, in PowerShell: ${
    teamsConnectLine(cloud)
  }; ${policyCommand(appId)}  (or run: graphcall tenant setup --app-id ${
    checkAppId(appId)
  } --cloud ${cloud.name})`;
}

/**
 * The fix for a request refused because the token lacks the role: which application permission
 * to add (the least privileged of `roles`, then the others), and the admin-consent URL.
 *
 * @example What to do when removal lacks its role
 * ```ts
 * import { permissionRemediation } from "./fixes.ts";
 * console.log(permissionRemediation(
 *   ["Calls.JoinGroupCall.All", "Calls.JoinGroupCallAsGuest.All"],
 *   "0b5e8a21-6c4f-4d2e-9a57-3f1c2d8e7b60",
 * ));
 * ```
 */
export function permissionRemediation(
  roles: readonly string[],
  appId: string,
  cloudName: string = "Global",
  tenant = "organizations",
): string {
  const [least, ...others] = roles;
  const alternatives = others.length > 0 ? ` (or ${others.join(" or ")})` : "";
  return `add the Microsoft Graph application permission ${least}${alternatives} to the app ` +
    `registration (API permissions), then have an admin grant consent: ${
      adminConsentUrl(appId, cloudName, tenant)
    }`;
}
