/**
 * Doctor's checks for the meeting path (`--join-url`, `--user`): the link's cloud and tenant
 * against the credential's (a mismatch is Graph's 7505 before it happens), and each UPN looked up
 * as the removal will look it up (which also proves `User.Read.All`). Nothing is joined.
 *
 * @module
 */

import type { Cloud } from "../clouds.ts";
import { exitCodeFor, GraphError } from "../errors.ts";
import { adminConsentUrl, permissionRemediation } from "../fixes.ts";
import type { GraphHttp } from "../graph/graph_http.ts";
import type { JoinLink } from "../graph/join_url.ts";
import { requiredRoles } from "../graph/operations.ts";
import { resolveUser } from "../graph/users.ts";
import { redact } from "../redact.ts";
import { type Finding, finding } from "./doctor_check.ts";

/** The meeting's cloud and tenant against the credential's. */
export function meetingTenantCheck(
  link: JoinLink,
  context: { cloud: Cloud; tokenTenant: string | undefined; clientId: string | undefined },
): Finding {
  const title = "Meeting's cloud and tenant";
  if (link.cloud !== context.cloud.name) {
    return finding(
      "meeting.tenant",
      title,
      "fail",
      `the link is a ${link.cloud} meeting; the credential is for ${context.cloud.name}`,
      { fix: `use the meeting's cloud: --cloud ${link.cloud}`, exitCode: 2 },
    );
  }
  if (link.kind === "joinMeetingId") {
    return finding(
      "meeting.tenant",
      title,
      "warn",
      "a short link (/meet/...) does not name the meeting's tenant: graphcall will join in the " +
        `credential's tenant${context.tokenTenant ? ` (${context.tokenTenant})` : ""}`,
      { fix: "if the meeting belongs to another tenant, give its id: --tenant TENANT_ID" },
    );
  }
  if (!context.tokenTenant) {
    return finding("meeting.tenant", title, "skip", "no token to compare the tenant with");
  }
  if (context.tokenTenant.toLowerCase() === link.tenantId) {
    return finding("meeting.tenant", title, "pass", `tenant ${link.tenantId}, as the token's`);
  }
  let consent = "";
  try {
    if (context.clientId) {
      consent = `; the app must be consented there: ${
        adminConsentUrl(context.clientId, context.cloud.name, link.tenantId)
      }`;
    }
  } catch { /* no URL for a malformed app id */ }
  return finding(
    "meeting.tenant",
    title,
    "fail",
    `the meeting belongs to tenant ${link.tenantId}, the token is for ${context.tokenTenant} ` +
      "(Graph would refuse the join with 7505)",
    { fix: `use the meeting's tenant: --tenant ${link.tenantId}${consent}`, exitCode: 5 },
  );
}

/** Looks each UPN up, as the removal will. */
export async function userLookupCheck(
  http: GraphHttp,
  upns: readonly string[],
  context: { clientId: string; cloud: Cloud; tenant: string },
): Promise<Finding> {
  const title = "People looked up (User.Read.All)";
  const found: string[] = [];
  for (const upn of upns) {
    try {
      const user = await resolveUser(http, upn, { lookUpIds: true });
      found.push(`${upn} is ${user.id}${user.displayName ? ` (${user.displayName})` : ""}`);
    } catch (e) {
      const fix = e instanceof GraphError && e.status === 403
        ? permissionRemediation(
          requiredRoles("lookup"),
          context.clientId,
          context.cloud.name,
          context.tenant,
        )
        : e instanceof GraphError && e.code === "not_found"
        ? "check the UPN; a person of another organization is named by object id instead"
        : undefined;
      return finding(
        "users",
        title,
        "fail",
        `${upn}: ${redact(e instanceof Error ? e.message : String(e))}`,
        { fix, exitCode: exitCodeFor(e) },
      );
    }
  }
  return finding("users", title, "pass", found.join("; "));
}
