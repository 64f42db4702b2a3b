/**
 * `tenantSetupScript()`: the idempotent PowerShell script a Teams admin runs once per tenant so
 * that an app may remove participants (`Set-CsApplicationMeetingConfiguration
 * -AllowRemoveParticipantAppIds @{Add=...}`), or no longer may (`--revoke`).
 *
 * The script installs or imports the MicrosoftTeams module, connects to the right cloud, reads
 * the policy, changes it only when needed, reads it back and says plainly whether it worked
 * (exit 1 when not). Its output is deterministic (no dates), pure ASCII (Windows PowerShell 5.1
 * reads BOM-less files as ANSI), and holds no text that was not validated first: GUIDs, a
 * 40-digit thumbprint, a tenant id or domain, and a cloud from the table.
 *
 * Facts: ../shared/reference/graph-participants.md sections 3, 4 and 6.
 *
 * @module
 */

import { type CloudName, getCloud } from "../clouds.ts";
import { InvalidInputError } from "../errors.ts";
import { type OperationName, PARTICIPANT_OPERATIONS, requiredRoles } from "../graph/operations.ts";
import { adminConsentUrl, POLICY_READ_COMMAND, policyCommand } from "../fixes.ts";
import { checkAppId, checkTenant } from "../identifiers.ts";
import { connectTeamsCommand, type TeamsAppOnlyLogin } from "./policy_command.ts";
import { checkThumbprint, psQuote } from "./powershell.ts";

/**
 * The minimum MicrosoftTeams module version the script asks for.
 *
 * App-only `Connect-MicrosoftTeams -CertificateThumbprint -ApplicationId -TenantId` is documented
 * from 4.7.1-preview (commercial, GCC) and 5.0.1-preview (GCC High, DoD). graphcall asks for a
 * general-availability release at or after those: 5.0.0 for Global and 5.1.0 elsewhere (an
 * assumption for GCC High/DoD/China: the first GA release after 5.0.1-preview; China is not named
 * in the docs). Interactive sign-in asks for 5.0.0 everywhere. Override with
 * `minimumModuleVersion`.
 */
export const TEAMS_MODULE_MINIMUM: Readonly<{
  interactive: string;
  appOnly: Readonly<Record<CloudName, string>>;
}> = Object.freeze({
  interactive: "5.0.0",
  appOnly: Object.freeze({ Global: "5.0.0", USGov: "5.1.0", USGovDoD: "5.1.0", China: "5.1.0" }),
});

/** Options for {@link tenantSetupScript}. */
export interface TenantSetupOptions {
  /** The app (client) id to allow (or revoke). A GUID. */
  appId: string;
  /** Cloud name: Global (default), USGov, USGovDoD or China. */
  cloud?: string;
  /** Remove the app from the list instead of adding it. */
  revoke?: boolean;
  /** The tenant id or domain: used in the admin-consent URL (default `organizations`). */
  tenantId?: string;
  /**
   * Sign the admin in app-only (unattended runs) instead of interactively: the admin app's id,
   * the thumbprint of its certificate in the CurrentUser store, and the tenant.
   */
  appOnlyAdmin?: TeamsAppOnlyLogin;
  /** Override the minimum MicrosoftTeams version, e.g. `6.1.0`. */
  minimumModuleVersion?: string;
}

/** The application permission an operation needs: any one of `roles`, least privileged first. */
export interface OperationPermission {
  /** The participant operation. */
  operation: OperationName;
  /** The roles that grant it. */
  roles: readonly string[];
}

/** A generated setup script and the facts it was built from. */
export interface TenantSetupScript {
  /** The PowerShell script (LF line ends, ASCII). */
  script: string;
  /** The app id, lower-case. */
  appId: string;
  /** The cloud. */
  cloud: CloudName;
  /** Whether the script revokes. */
  revoke: boolean;
  /** The minimum MicrosoftTeams version the script asks for. */
  minimumModuleVersion: string;
  /** The `Connect-MicrosoftTeams` line. */
  connectCommand: string;
  /** The `Set-CsApplicationMeetingConfiguration` line. */
  policyCommand: string;
  /** The admin-consent URL for the app in this cloud. */
  adminConsentUrl: string;
  /** The permissions each operation needs. */
  permissions: readonly OperationPermission[];
}

const VERSION_RE = /^\d{1,4}\.\d{1,4}\.\d{1,4}$/;

/** The permissions each operation needs, in a stable order. */
export function operationPermissions(): OperationPermission[] {
  return [...PARTICIPANT_OPERATIONS, "join" as const, "lookup" as const].map((operation) => ({
    operation,
    roles: requiredRoles(operation),
  }));
}

/**
 * Builds the setup (or revoke) script for an app and a cloud.
 *
 * @example Write the script for a GCC High tenant
 * ```ts
 * import { tenantSetupScript } from "./setup_script.ts";
 * const setup = tenantSetupScript({
 *   appId: "0b5e8a21-6c4f-4d2e-9a57-3f1c2d8e7b60",
 *   cloud: "USGov",
 * });
 * console.log(setup.connectCommand); // Connect-MicrosoftTeams -TeamsEnvironmentName TeamsGCCH
 * console.log(setup.script.startsWith("#Requires -Version 5.1")); // true
 * ```
 *
 * @throws {InvalidInputError} naming the field when the app id, cloud, tenant, thumbprint, admin
 * app id or version is not of its expected form.
 */
export function tenantSetupScript(options: TenantSetupOptions): TenantSetupScript {
  const appId = checkAppId(options.appId, "app-id");
  const cloud = getCloud(options.cloud ?? "Global");
  const revoke = options.revoke === true;
  const appOnly = options.appOnlyAdmin
    ? {
      certificateThumbprint: checkThumbprint(options.appOnlyAdmin.certificateThumbprint),
      applicationId: checkAppId(options.appOnlyAdmin.applicationId, "admin-app-id"),
      tenantId: checkTenant(options.appOnlyAdmin.tenantId, "tenant"),
    }
    : undefined;
  const tenant = options.tenantId !== undefined
    ? checkTenant(options.tenantId)
    : appOnly?.tenantId ?? "organizations";
  const minimum = options.minimumModuleVersion ??
    (appOnly ? TEAMS_MODULE_MINIMUM.appOnly[cloud.name] : TEAMS_MODULE_MINIMUM.interactive);
  if (!VERSION_RE.test(minimum)) {
    throw new InvalidInputError("minimum-module-version", "give a version like 6.1.0");
  }
  const connect = connectTeamsCommand(cloud, appOnly);
  const command = policyCommand(appId, { revoke });
  const consent = adminConsentUrl(appId, cloud.name, tenant);
  const permissions = operationPermissions();

  const width = Math.max(...permissions.map((p) => p.operation.length));
  const permissionLines = permissions.map((p) =>
    `    ${p.operation.padEnd(width)}  ${p.roles.join(" or ")}`
  );
  const signIn = appOnly
    ? `app-only, as admin app ${appOnly.applicationId} with the certificate ${appOnly.certificateThumbprint}\n                from the CurrentUser certificate store`
    : "interactively, as a Teams administrator";
  const purpose = revoke
    ? `Revoke app ${appId}'s right to remove participants from Teams calls and meetings`
    : `Allow app ${appId} to remove participants from Teams calls and meetings`;

  const lines = [
    "#Requires -Version 5.1",
    "<#",
    ".SYNOPSIS",
    `  ${purpose}`,
    `  (tenant policy AllowRemoveParticipantAppIds). Generated by "graphcall tenant setup".`,
    "",
    ".DESCRIPTION",
    "  Safe to run again: it changes the policy only when needed, then reads it back and says",
    "  whether it worked (exit code 0 when it did, 1 when it did not).",
    "",
    `  Cloud:        ${cloud.name} (${cloud.description})`,
    `  Sign-in:      ${signIn}`,
    `  Teams module: MicrosoftTeams ${minimum} or later (installed for the current user if missing)`,
    ...(cloud.participantsApi ? [] : [
      "",
      `  NOTE: Microsoft Graph does not offer the participants API in the ${cloud.name} cloud, so`,
      "  graphcall cannot remove participants there; the policy is set for other clients only.",
    ]),
    "",
    "  The app also needs Microsoft Graph application permissions, admin-consented; each",
    "  operation needs one of:",
    ...permissionLines,
    `  Admin consent: ${consent}`,
    "#>",
    "",
    "$ErrorActionPreference = 'Stop'",
    "",
    `$AppId = ${psQuote(appId)}`,
    `$MinimumVersion = [version]${psQuote(minimum)}`,
    ...(revoke ? [] : [`$ConsentUrl = ${psQuote(consent)}`]),
    "",
    "# 1. The MicrosoftTeams module: install it for the current user when missing or too old.",
    "function Test-TeamsModule {",
    "    [bool](Get-Module -ListAvailable -Name MicrosoftTeams | Where-Object { $_.Version -ge $MinimumVersion })",
    "}",
    "if (-not (Test-TeamsModule)) {",
    '    Write-Host "Installing the MicrosoftTeams module ($MinimumVersion or later) for the current user..."',
    ...(appOnly
      ? [
        "    # Unattended: -Force answers the untrusted-repository question, which no one is there to answer.",
      ]
      : []),
    "    try {",
    `        Install-Module -Name MicrosoftTeams -MinimumVersion $MinimumVersion -Scope CurrentUser -Repository PSGallery${
      appOnly ? " -Force" : ""
    } -ErrorAction Stop`,
    "    } catch {",
    '        Write-Host "The installation failed: $($_.Exception.Message)"',
    "    }",
    "    if (-not (Test-TeamsModule)) {",
    '        Write-Host "FAILED: the MicrosoftTeams module $MinimumVersion or later is not installed (the installation was declined, or the PowerShell Gallery could not be reached). Install it with: Install-Module -Name MicrosoftTeams -MinimumVersion $MinimumVersion -Scope CurrentUser, then run this script again."',
    "        exit 1",
    "    }",
    "}",
    "Import-Module -Name MicrosoftTeams -MinimumVersion $MinimumVersion",
    "",
    `# 2. Sign in to Teams (${cloud.name}).`,
    ...(appOnly && cloud.teamsEnvironmentName
      ? [
        "# Some module versions take -TeamsEnvironmentName with interactive sign-in only; signing in",
        "# app-only without it would reach the commercial cloud, so stop instead.",
        "$appOnlyWithCloud = (Get-Command -Name Connect-MicrosoftTeams).ParameterSets | Where-Object {",
        "    $names = @($_.Parameters | ForEach-Object { $_.Name; $_.Aliases })",
        "    ($names -contains 'CertificateThumbprint') -and ($names -contains 'TeamsEnvironmentName')",
        "}",
        "if (-not $appOnlyWithCloud) {",
        `    Write-Host "FAILED: this MicrosoftTeams module ($((Get-Module -Name MicrosoftTeams).Version)) cannot sign in app-only to ${cloud.teamsEnvironmentName}: its Connect-MicrosoftTeams takes -TeamsEnvironmentName only with interactive sign-in. Sign in interactively instead (a script made without --app-only-admin), or use a module version that takes -TeamsEnvironmentName with -CertificateThumbprint."`,
        "    exit 1",
        "}",
      ]
      : []),
    "try {",
    `    ${connect}`,
    "} catch {",
    `    Write-Host "FAILED: the sign-in to Teams (${cloud.name}${
      cloud.teamsEnvironmentName ? `, ${cloud.teamsEnvironmentName}` : ""
    }) did not work: $($_.Exception.Message)"`,
    `    Write-Host "This script is for the ${cloud.name} cloud; for a tenant in another cloud, make it again with --cloud."`,
    "    exit 1",
    "}",
    "",
    "function Get-AllowedAppIds {",
    `    @(${POLICY_READ_COMMAND} | ForEach-Object { "$_".Trim().ToLowerInvariant() })`,
    "}",
    "",
    "try {",
    "    # 3. Read the policy; change it only when needed.",
    ...(revoke
      ? [
        "    # The tenant may hold the id in another case or with spaces: remove each spelling it holds.",
        "    $stored = @((Get-CsApplicationMeetingConfiguration).AllowRemoveParticipantAppIds |",
        '        Where-Object { "$_".Trim().ToLowerInvariant() -eq $AppId })',
        "    if ($stored.Count -eq 0) {",
        '        Write-Host "The app $AppId is not in AllowRemoveParticipantAppIds: nothing to change."',
        "    } else {",
        '        Write-Host "Removing the app $AppId from AllowRemoveParticipantAppIds..."',
        `        # For the id as given, this is: ${command}`,
        "        foreach ($entry in $stored) {",
        "            Set-CsApplicationMeetingConfiguration -AllowRemoveParticipantAppIds @{Remove = $entry}",
        "        }",
        "    }",
        "",
        "    # 4. Read it back and say whether it worked.",
        "    if ((Get-AllowedAppIds) -notcontains $AppId) {",
        '        Write-Host "OK: the app $AppId is no longer allowed to remove participants in this tenant."',
        "    } else {",
        '        Write-Host "FAILED: the app $AppId is still in AllowRemoveParticipantAppIds. Check that you are a Teams administrator, then run this script again."',
        "        exit 1",
        "    }",
      ]
      : [
        "    if ((Get-AllowedAppIds) -contains $AppId) {",
        '        Write-Host "The app $AppId is already allowed to remove participants: nothing to change."',
        "    } else {",
        '        Write-Host "Adding the app $AppId to AllowRemoveParticipantAppIds..."',
        `        ${command}`,
        "    }",
        "",
        "    # 4. Read it back and say whether it worked.",
        "    if ((Get-AllowedAppIds) -contains $AppId) {",
        '        Write-Host "OK: the app $AppId is allowed to remove participants in this tenant."',
        '        Write-Host "If not done yet, an admin grants the app\'s Graph permissions here: $ConsentUrl"',
        "    } else {",
        '        Write-Host "FAILED: the app $AppId is still not in AllowRemoveParticipantAppIds. Check that you are a Teams administrator, then run this script again."',
        "        exit 1",
        "    }",
      ]),
    "} finally {",
    "    Disconnect-MicrosoftTeams -ErrorAction SilentlyContinue",
    "}",
    "",
  ];
  return {
    script: lines.join("\n"),
    appId,
    cloud: cloud.name,
    revoke,
    minimumModuleVersion: minimum,
    connectCommand: connect,
    policyCommand: command,
    adminConsentUrl: consent,
    permissions,
  };
}
