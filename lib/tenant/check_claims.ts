/**
 * Doctor checks on a token's claims: whose tenant and app it is, which cloud's Graph it is for,
 * that it is an app-only token, and which operations its roles grant. Pure functions.
 *
 * Facts: ../shared/reference/entra-tokens.md sections 5 and 7; graph-participants.md section 3.
 *
 * @module
 */

import { type Cloud, CLOUD_NAMES, CLOUDS } from "../clouds.ts";
import { EXIT_CODES } from "../errors.ts";
import { grants, type OperationName, requiredRoles } from "../graph/operations.ts";
import { type Finding, finding } from "./doctor_check.ts";
import { checkTenant } from "../identifiers.ts";
import { isGuid } from "../identifiers.ts";
import { permissionRemediation } from "../fixes.ts";
import type { AccessTokenClaims as TokenClaims } from "../auth/claims.ts";

/** The tenant for an admin-consent URL: the one given when it is well-formed. */
export function consentTenant(tenantId: string | undefined): string {
  if (!tenantId) return "organizations";
  try {
    return checkTenant(tenantId);
  } catch {
    return "organizations";
  }
}

/** Graph's resource id, a valid v1 `aud` in every cloud. */
const GRAPH_RESOURCE_ID = "00000003-0000-0000-c000-000000000000";

/** The token's tenant and app match what was configured. */
export function tenantCheck(claims: TokenClaims, tenantId: string, clientId: string): Finding {
  const title = "Token tenant and app";
  const problems: string[] = [];
  if (isGuid(tenantId) && claims.tid?.toLowerCase() !== tenantId.toLowerCase()) {
    problems.push(`the token is for tenant ${claims.tid ?? "(none)"}, not ${tenantId}`);
  }
  if (claims.appid?.toLowerCase() !== clientId.toLowerCase()) {
    problems.push(`the token is for app ${claims.appid ?? "(none)"}, not ${clientId}`);
  }
  if (problems.length > 0) {
    return finding("token.tenant", title, "fail", problems.join("; "), {
      fix: "check --tenant/AZURE_TENANT_ID and --client-id/AZURE_CLIENT_ID",
      exitCode: EXIT_CODES.auth,
    });
  }
  const given = isGuid(tenantId) ? "" : ` (${tenantId})`;
  return finding(
    "token.tenant",
    title,
    "pass",
    `tenant ${claims.tid}${given}, app ${claims.appid}`,
  );
}

/** The cloud whose Graph an audience names, if any. */
export function cloudOfAudience(aud: string): Cloud | undefined {
  const a = aud.replace(/\/+$/, "").toLowerCase();
  const name = CLOUD_NAMES.find((n) => CLOUDS[n].graphUrl.toLowerCase() === a);
  return name ? CLOUDS[name] : undefined;
}

/** The token is for this cloud's Graph (`aud`). */
export function audienceCheck(claims: Pick<TokenClaims, "aud">, cloud: Cloud): Finding {
  const title = "Token audience (cloud)";
  const aud = claims.aud ?? "";
  if (aud === GRAPH_RESOURCE_ID) {
    return finding("token.audience", title, "pass", `Microsoft Graph (${aud})`);
  }
  const of = cloudOfAudience(aud);
  if (of?.name === cloud.name) {
    return finding("token.audience", title, "pass", `${aud}: ${cloud.name} Graph`);
  }
  if (of) {
    return finding(
      "token.audience",
      title,
      "fail",
      `the token is for ${of.name} Graph (${aud}), but requests go to the ${cloud.name} cloud: Graph refuses tokens of another cloud`,
      {
        fix: `use --cloud ${of.name} (tokens are not interchangeable between clouds)`,
        exitCode: 3,
      },
    );
  }
  return finding(
    "token.audience",
    title,
    "fail",
    `the token's audience ${aud || "(none)"} is not Microsoft Graph`,
    { fix: `ask for the scope ${cloud.scope}`, exitCode: EXIT_CODES.auth },
  );
}

/** The token is app-only (`idtyp: app`, no `scp`). */
export function tokenTypeCheck(claims: TokenClaims): Finding {
  const title = "Token type (idtyp)";
  if (claims.scp !== undefined) {
    return finding(
      "token.idtyp",
      title,
      "fail",
      `a delegated (user) token with scopes "${claims.scp}": the participants API takes application permissions only`,
      {
        fix:
          "use an app-only credential (certificate, secret or federated) with the client-credentials flow",
        exitCode: EXIT_CODES.auth,
      },
    );
  }
  if (claims.idtyp === "app") {
    return finding("token.idtyp", title, "pass", "app-only token (idtyp: app)");
  }
  return finding(
    "token.idtyp",
    title,
    "warn",
    `no idtyp "app" claim (idtyp: ${
      claims.idtyp ?? "absent"
    }); it is the marker of app-only tokens`,
  );
}

/**
 * One check per operation: do the token's roles grant it? A missing role fails for the
 * operations in `required` and warns for the others.
 */
export function roleChecks(
  claims: TokenClaims,
  operations: readonly OperationName[],
  required: ReadonlySet<OperationName>,
  context: { clientId: string; cloud: Cloud; tenantId: string },
): Finding[] {
  const tenant = consentTenant(context.tenantId);
  return operations.map((operation) => {
    const title = `Permission to ${operation}`;
    const roles = requiredRoles(operation);
    if (grants(claims.roles, operation)) {
      const have = roles.filter((r) =>
        claims.roles.some((c) => c.toLowerCase() === r.toLowerCase())
      );
      return finding(`roles.${operation}`, title, "pass", `granted by ${have.join(", ")}`);
    }
    const status = required.has(operation) ? "fail" : "warn";
    const present = !claims.rolesClaimPresent
      ? "the token has no roles claim: no application permission is consented"
      : `the token's roles (${claims.roles.join(", ") || "none"}) lack it`;
    return finding(`roles.${operation}`, title, status, `needs ${roles.join(" or ")}; ${present}`, {
      fix: permissionRemediation(roles, context.clientId, context.cloud.name, tenant),
      exitCode: EXIT_CODES.forbidden,
    });
  });
}
