/**
 * The one fact every policy refusal leads to: the exact `Set-CsApplicationMeetingConfiguration`
 * command that allows (or revokes) an app, for a cloud, and the admin-consent URL. Used by the
 * setup script, doctor and the remediation texts of 403 errors, so the command is written in one
 * place.
 *
 * @module
 */

import { type Cloud, getCloud } from "../clouds.ts";
import { InvalidInputError } from "../errors.ts";

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Checks an app id is a GUID (nothing else may reach a PowerShell script); returns it. */
export function checkAppId(appId: string, field = "app-id"): string {
  if (!GUID.test(appId)) {
    throw new InvalidInputError(
      field,
      "the app (client) id must be a GUID like 0b5e8a21-6c4f-4d2e-9a57-3f1c2d8e7b60",
    );
  }
  return appId.toLowerCase();
}

/** `Connect-MicrosoftTeams` for a cloud (with `-TeamsEnvironmentName` outside Global). */
export function connectTeamsCommand(cloud: Cloud): string {
  return cloud.teamsEnvironmentName
    ? `Connect-MicrosoftTeams -TeamsEnvironmentName ${cloud.teamsEnvironmentName}`
    : "Connect-MicrosoftTeams";
}

/**
 * The one-line command that allows an app to remove participants (or revokes it).
 *
 * @example The command for a GCC High tenant
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

/** The admin-consent URL for an app in a cloud (`{authority}/{tenant}/adminconsent?client_id=`). */
export function adminConsentUrl(
  appId: string,
  cloudName: string = "Global",
  tenant = "organizations",
): string {
  const cloud = getCloud(cloudName);
  return `${cloud.authorityUrl}/${encodeURIComponent(tenant)}/adminconsent?client_id=${
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
