/**
 * `graphcall tenant setup`: the PowerShell script a Teams admin runs once per tenant so that an
 * app may remove participants (`Set-CsApplicationMeetingConfiguration
 * -AllowRemoveParticipantAppIds @{Add=...}`), or `--revoke` it; plus the admin-consent URL and the
 * permissions each operation needs.
 *
 * @module
 */

import { InvalidInputError } from "../../errors.ts";
import {
  type TenantSetupOptions,
  type TenantSetupScript,
  tenantSetupScript,
} from "../../tenant/setup_script.ts";
import { CLOUDS } from "../../clouds.ts";
import { defineCommand } from "../command.ts";
import { flag, text } from "../raw_options.ts";
import { sanitise } from "../sanitise.ts";

/** The lines after the script: what to run, the permissions, the consent URL. */
export function setupSummary(setup: TenantSetupScript, file?: string): string {
  const width = Math.max(...setup.permissions.map((p) => p.operation.length));
  const what = setup.revoke
    ? `revokes app ${setup.appId}'s right to remove participants`
    : `allows app ${setup.appId} to remove participants`;
  const offered = CLOUDS[setup.cloud].participantsApi;
  return [
    ...(offered ? [] : [
      `Note: Microsoft Graph offers no calls or participants API in the ${setup.cloud} cloud ` +
      "(21Vianet): graphcall cannot remove anyone there; the script sets the policy for other " +
      "clients only.",
    ]),
    file ? `wrote ${file}: it ${what} (${setup.cloud}).` : `The script ${what} (${setup.cloud}).`,
    `Run it in PowerShell as a Teams administrator${file ? `: pwsh -File ${file}` : ""}`,
    `(the one command it runs when needed: ${setup.policyCommand}).`,
    "The app needs these Microsoft Graph application permissions (any one role per operation):",
    ...setup.permissions.map((p) => `  ${p.operation.padEnd(width)}  ${p.roles.join(" or ")}`),
    `Admin consent for the app in ${setup.cloud}: ${setup.adminConsentUrl}`,
    "",
  ].join("\n");
}

/** The options of `tenant setup`, checked. */
export interface TenantSetupCommandOptions {
  /** What the script is made from. */
  setup: TenantSetupOptions;
  /** `--out FILE.ps1`. */
  out?: string;
}

export default defineCommand<TenantSetupCommandOptions>({
  parse(raw, { io, globals }) {
    const appId = text(raw, "appId") ?? globals.clientId ?? io.env("AZURE_CLIENT_ID");
    if (!appId) {
      throw new InvalidInputError(
        "--app-id",
        "give the app (client) id to allow (or --client-id / AZURE_CLIENT_ID)",
      );
    }
    const tenantId = globals.tenant ?? io.env("AZURE_TENANT_ID");
    const appOnlyAdmin = flag(raw, "appOnlyAdmin");
    const certificateThumbprint = text(raw, "certificateThumbprint");
    const adminAppId = text(raw, "adminAppId");
    if (!appOnlyAdmin && (certificateThumbprint || adminAppId)) {
      throw new InvalidInputError(
        certificateThumbprint ? "--certificate-thumbprint" : "--admin-app-id",
        "only with --app-only-admin",
      );
    }
    if (appOnlyAdmin) {
      const missing = !certificateThumbprint
        ? "--certificate-thumbprint"
        : !adminAppId
        ? "--admin-app-id"
        : !tenantId
        ? "--tenant"
        : undefined;
      if (missing) throw new InvalidInputError(missing, "required with --app-only-admin");
    }
    const out = text(raw, "out");
    if (out !== undefined && !/\.ps1$/i.test(out)) {
      throw new InvalidInputError("--out", "the file name must end in .ps1");
    }
    const minimumModuleVersion = text(raw, "minimumModuleVersion");
    return {
      setup: {
        appId,
        ...(globals.cloud ? { cloud: globals.cloud } : {}),
        ...(flag(raw, "revoke") ? { revoke: true } : {}),
        ...(tenantId ? { tenantId } : {}),
        ...(appOnlyAdmin
          ? {
            appOnlyAdmin: {
              certificateThumbprint: certificateThumbprint!,
              applicationId: adminAppId!,
              tenantId: tenantId!,
            },
          }
          : {}),
        ...(minimumModuleVersion ? { minimumModuleVersion } : {}),
      },
      ...(out !== undefined ? { out } : {}),
    };
  },

  async run(o) {
    const setup = tenantSetupScript(o.setup);
    if (o.out !== undefined) {
      try {
        await Deno.writeTextFile(o.out, setup.script);
      } catch (e) {
        throw new InvalidInputError("--out", `${o.out}: could not be written`, { cause: e });
      }
    }
    const result = { ...setup, ...(o.out !== undefined ? { file: o.out } : {}) };
    if (o.out !== undefined) {
      const file = sanitise(o.out);
      return { command: "tenant setup", result, human: () => setupSummary(setup, file) };
    }
    return {
      command: "tenant setup",
      result,
      human: () => setup.script,
      essential: true,
      notes: () => setupSummary(setup),
    };
  },
});
