/**
 * `graphcall token`: gets an app-only Graph token with the configured credential and says what
 * it holds (`Get-MgContext` parity with `--show-claims`). It never prints the token itself,
 * unless asked explicitly with `--print-token` (for piping into another tool).
 *
 * @module
 */

import { defineCommand } from "../command.ts";
import { runtimeOptionsFrom } from "../global_options.ts";
import { flag } from "../raw_options.ts";
import { table } from "../render.ts";
import { sanitise } from "../sanitise.ts";

/** The options of `token`, checked. */
export interface TokenOptions {
  /** `--show-claims`. */
  showClaims: boolean;
  /** `--print-token`. */
  printToken: boolean;
}

export default defineCommand<TokenOptions>({
  parse: (raw) => ({ showClaims: flag(raw, "showClaims"), printToken: flag(raw, "printToken") }),

  async run(o, deps) {
    const [{ decodeAccessToken }, operations] = await Promise.all([
      import("../../auth/claims.ts"),
      import("../../graph/operations.ts"),
    ]);
    const { timeoutMs } = runtimeOptionsFrom(deps.globals);
    const client = await deps.connect();
    // --timeout bounds the token request too.
    const { token, expiresAt } = await client.credential.getToken(
      timeoutMs ? { signal: AbortSignal.timeout(timeoutMs) } : {},
    );
    if (o.printToken) {
      // Alone on stdout, whatever the output format: it is for piping.
      deps.io.out(token + "\n");
      return { command: "token", result: { printed: "token" }, human: () => "", printed: true };
    }
    const claims = decodeAccessToken(token);
    const granted = operations.grantedOperations(claims.roles);
    const warnings = operations.PARTICIPANT_OPERATIONS.map((op) =>
      operations.missingRoleWarning(claims, op)
    ).filter((w): w is string => w !== undefined);
    const summary = {
      credential: client.credentialDescription,
      cloud: client.cloud.name,
      tenantId: claims.tid ?? client.tenantId,
      clientId: claims.appid ?? client.clientId,
      expiresAt: new Date(expiresAt).toISOString(),
      operations: granted,
      ...(o.showClaims ? { claims } : {}),
    };
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
    return {
      command: "token",
      result: { ...summary, warnings },
      human: () =>
        `token for app ${sanitise(summary.clientId)} in tenant ${sanitise(summary.tenantId)} ` +
        `(${summary.cloud}), expires ${summary.expiresAt}\n` +
        (o.showClaims ? table(rows, ["claim", "value"]) : "") +
        `allowed operations: ${granted.join(", ") || "none"}\n`,
      notes: () => warnings.map((w) => `graphcall: warning: ${sanitise(w)}\n`).join(""),
    };
  },
});
