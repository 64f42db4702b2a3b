/**
 * `graphcall token`: gets an app-only Graph token with the configured credential and says what
 * it holds (`Get-MgContext` parity with `--show-claims`). It never prints the token itself,
 * unless asked explicitly with `--print-token` (for piping into another tool).
 *
 * @module
 */

import { Command } from "npm:@commander-js/extra-typings@15.1.0";
import { connect } from "../../graph/connect.ts";
import { decodeAccessToken } from "../../auth/claims.ts";
import {
  grantedOperations,
  missingRoleWarning,
  PARTICIPANT_OPERATIONS,
} from "../../graph/operations.ts";
import type { Io } from "../io.ts";
import {
  connectOptionsFrom,
  type GlobalOptions,
  outputFormat,
  runtimeOptionsFrom,
} from "../global_options.ts";
import { printJson, table } from "../render.ts";

/** Builds the `token` command. */
export function tokenCommand(io: Io, setExit: (code: number) => void) {
  return new Command("token")
    .description(
      "get an app-only Graph token and show who it is for (never the token, unless --print-token)",
    )
    .option("--show-claims", "show the token's claims: roles, tenant, app, audience, expiry")
    .option(
      "--print-token",
      "print the raw access token alone on stdout, for piping; it is a secret: keep it out of logs",
    )
    .addHelpText(
      "after",
      "\nExamples:\n  graphcall token --show-claims\n" +
        "  graphcall token --print-token | other-tool --token-stdin",
    )
    .action(async (opts, cmd) => {
      const g = cmd.optsWithGlobals() as GlobalOptions;
      const { timeoutMs } = runtimeOptionsFrom(g);
      const client = await connect(connectOptionsFrom(g, io));
      if (g.verbose) io.err(`graphcall: credential: ${client.credentialDescription}\n`);
      // --timeout bounds the token request too.
      const { token, expiresAt } = await client.credential.getToken(
        timeoutMs ? { signal: AbortSignal.timeout(timeoutMs) } : {},
      );
      if (opts.printToken) {
        io.out(token + "\n");
        setExit(0);
        return;
      }
      const claims = decodeAccessToken(token);
      const operations = grantedOperations(claims.roles);
      const warnings = PARTICIPANT_OPERATIONS.map((op) => missingRoleWarning(claims, op)).filter(
        (w): w is string => w !== undefined,
      );
      const summary = {
        credential: client.credentialDescription,
        cloud: client.cloud.name,
        tenantId: claims.tid ?? client.tenantId,
        clientId: claims.appid ?? client.clientId,
        expiresAt: new Date(expiresAt).toISOString(),
        operations,
        ...(opts.showClaims ? { claims } : {}),
      };
      if (outputFormat(g) === "json") {
        printJson(io, { ok: true, result: { ...summary, warnings } });
      } else if (!g.quiet) {
        io.out(
          `token for app ${summary.clientId} in tenant ${summary.tenantId} (${summary.cloud}), ` +
            `expires ${summary.expiresAt}\n`,
        );
        if (opts.showClaims) {
          const rows = [
            { claim: "roles", value: claims.roles.join(", ") || "(none)" },
            { claim: "tid", value: claims.tid },
            { claim: "appid", value: claims.appid },
            { claim: "aud", value: claims.aud },
            { claim: "idtyp", value: claims.idtyp },
            {
              claim: "exp",
              value: claims.exp === undefined
                ? undefined
                : `${claims.exp} (${new Date(claims.exp * 1000).toISOString()})`,
            },
            { claim: "iss", value: claims.iss },
            { claim: "oid", value: claims.oid },
            { claim: "appidacr", value: claims.appidacr },
          ];
          io.out(table(rows, ["claim", "value"]));
        }
        io.out(`allowed operations: ${operations.join(", ") || "none"}\n`);
        for (const w of warnings) io.err(`graphcall: warning: ${w}\n`);
      }
      setExit(0);
    });
}
