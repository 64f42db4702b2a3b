/**
 * `graphcall tenant setup`: the PowerShell script a Teams admin runs once per tenant so that an
 * app may remove participants (`Set-CsApplicationMeetingConfiguration
 * -AllowRemoveParticipantAppIds @{Add=...}`), or `--revoke` it; plus the admin-consent URL and the
 * permissions each operation needs.
 *
 * @module
 */

import { Command } from "npm:@commander-js/extra-typings@15.1.0";
import { InvalidInputError } from "../../errors.ts";
import { type TenantSetupScript, tenantSetupScript } from "../../tenant/setup_script.ts";
import type { Io } from "../io.ts";
import { type GlobalOptions, outputFormat } from "../global_options.ts";
import { printJson } from "../render.ts";

/** The lines after the script: what to run, the permissions, the consent URL. */
export function setupSummary(setup: TenantSetupScript, file?: string): string {
  const width = Math.max(...setup.permissions.map((p) => p.operation.length));
  const what = setup.revoke
    ? `revokes app ${setup.appId}'s right to remove participants`
    : `allows app ${setup.appId} to remove participants`;
  return [
    file ? `wrote ${file}: it ${what} (${setup.cloud}).` : `The script ${what} (${setup.cloud}).`,
    `Run it in PowerShell as a Teams administrator${file ? `: pwsh -File ${file}` : ""}`,
    `(the one command it runs when needed: ${setup.policyCommand}).`,
    "The app needs these Microsoft Graph application permissions (any one role per operation):",
    ...setup.permissions.map((p) => `  ${p.operation.padEnd(width)}  ${p.roles.join(" or ")}`),
    `Admin consent for the app in ${setup.cloud}: ${setup.adminConsentUrl}`,
    "",
  ].join("\n");
}

/** Builds the `tenant` command. */
export function tenantCommand(io: Io, setExit: (code: number) => void) {
  const tenant = new Command("tenant").description(
    "tenant setup: the Teams policy that lets an app remove participants",
  );
  tenant.command("setup")
    .description(
      "print (or --out write) the idempotent PowerShell script that adds the app to " +
        "AllowRemoveParticipantAppIds (or --revoke removes it), with the admin-consent URL and " +
        "the permissions each operation needs",
    )
    .option("--app-id <id>", "the app (client) id to allow (default: --client-id, AZURE_CLIENT_ID)")
    .option("--revoke", "remove the app from the list instead of adding it")
    .option(
      "--app-only-admin",
      "sign the admin in app-only with a certificate (needs --certificate-thumbprint, " +
        "--admin-app-id and --tenant)",
    )
    .option(
      "--certificate-thumbprint <hex>",
      "with --app-only-admin: SHA-1 thumbprint of the admin app's certificate (CurrentUser store)",
    )
    .option("--admin-app-id <id>", "with --app-only-admin: the admin app's (client) id")
    .option("--minimum-module-version <version>", "minimum MicrosoftTeams module version")
    .option("--out <file.ps1>", "write the script to this file instead of standard output")
    .addHelpText(
      "after",
      "\nThe global --cloud (Global, USGov, USGovDoD, China) picks Connect-MicrosoftTeams " +
        "-TeamsEnvironmentName and the consent URL;\n--tenant goes into the consent URL.\n" +
        "\nExamples:\n  graphcall tenant setup --app-id 0b5e8a21-6c4f-4d2e-9a57-3f1c2d8e7b60 --cloud USGov --out allow.ps1\n" +
        "  graphcall tenant setup --app-id 0b5e8a21-6c4f-4d2e-9a57-3f1c2d8e7b60 --revoke > revoke.ps1\n",
    )
    .action(async (opts, cmd) => {
      const g = cmd.optsWithGlobals() as GlobalOptions;
      const appId = opts.appId ?? g.clientId ?? io.env("AZURE_CLIENT_ID");
      if (!appId) {
        throw new InvalidInputError(
          "--app-id",
          "give the app (client) id to allow (or --client-id / AZURE_CLIENT_ID)",
        );
      }
      const tenantId = g.tenant ?? io.env("AZURE_TENANT_ID");
      if (!opts.appOnlyAdmin && (opts.certificateThumbprint || opts.adminAppId)) {
        throw new InvalidInputError(
          opts.certificateThumbprint ? "--certificate-thumbprint" : "--admin-app-id",
          "only with --app-only-admin",
        );
      }
      if (opts.appOnlyAdmin) {
        const missing = !opts.certificateThumbprint
          ? "--certificate-thumbprint"
          : !opts.adminAppId
          ? "--admin-app-id"
          : !tenantId
          ? "--tenant"
          : undefined;
        if (missing) {
          throw new InvalidInputError(missing, "required with --app-only-admin");
        }
      }
      if (opts.out !== undefined && !/\.ps1$/i.test(opts.out)) {
        throw new InvalidInputError("--out", "the file name must end in .ps1");
      }
      const setup = tenantSetupScript({
        appId,
        ...(g.cloud ? { cloud: g.cloud } : {}),
        ...(opts.revoke ? { revoke: true } : {}),
        ...(tenantId ? { tenantId } : {}),
        ...(opts.appOnlyAdmin
          ? {
            appOnlyAdmin: {
              certificateThumbprint: opts.certificateThumbprint!,
              applicationId: opts.adminAppId!,
              tenantId: tenantId!,
            },
          }
          : {}),
        ...(opts.minimumModuleVersion ? { minimumModuleVersion: opts.minimumModuleVersion } : {}),
      });
      if (opts.out !== undefined) {
        try {
          await Deno.writeTextFile(opts.out, setup.script);
        } catch (e) {
          throw new InvalidInputError("--out", `${opts.out}: could not be written`, { cause: e });
        }
      }
      if (outputFormat(g) === "json") {
        printJson(io, {
          ok: true,
          result: { ...setup, ...(opts.out !== undefined ? { file: opts.out } : {}) },
        });
      } else if (opts.out !== undefined) {
        if (!g.quiet) io.out(setupSummary(setup, opts.out));
      } else {
        io.out(setup.script);
        if (!g.quiet) io.err(setupSummary(setup));
      }
      setExit(0);
    });
  return tenant;
}
