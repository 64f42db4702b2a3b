/**
 * Doctor's tenant-policy step. Microsoft Graph offers no way to read the Teams policy
 * `AllowRemoveParticipantAppIds`, so against a real tenant this check only says how to read and
 * fix it (the exact commands for this app and cloud). Against a graphcall emulator (its admin URL
 * given) it reads the emulated tenant's list and passes or fails for real.
 *
 * No removal is ever attempted to find out: a refused removal is reported by the remove command
 * itself, with the same fix.
 *
 * @module
 */

import type { Cloud } from "../clouds.ts";
import { EXIT_CODES } from "../errors.ts";
import { redact } from "../redact.ts";
import { type Finding, finding } from "./doctor_check.ts";
import { POLICY_READ_COMMAND, policyRemediation } from "../fixes.ts";
import { connectTeamsCommand } from "./policy_command.ts";

const TITLE = "Tenant policy (AllowRemoveParticipantAppIds)";

/** What the policy step needs to know. */
export interface PolicyContext {
  /** The app id (a GUID), or undefined when not configured. */
  clientId: string | undefined;
  /** The cloud. */
  cloud: Cloud;
  /** The tenant as given (id or domain). */
  tenantId: string | undefined;
  /** The tenant id from the token, when one was obtained. */
  tokenTenantId: string | undefined;
  /** The emulator's admin URL (`.../_emulator`), when talking to a graphcall emulator. */
  emulatorAdminUrl: string | undefined;
  /** Fetch. */
  fetch: typeof fetch;
}

interface EmulatedTenantView {
  id?: unknown;
  domains?: unknown;
  allowRemoveParticipantAppIds?: unknown;
}

/** The policy step. */
export async function policyCheck(ctx: PolicyContext): Promise<Finding> {
  if (!ctx.clientId) {
    return finding("policy", TITLE, "skip", "no app id configured");
  }
  const appId = ctx.clientId.toLowerCase();
  const fix = policyRemediation(appId, ctx.cloud.name);
  if (ctx.emulatorAdminUrl) {
    const tenants = await readEmulatedTenants(ctx.emulatorAdminUrl, ctx.fetch);
    if (typeof tenants === "string") {
      return finding("policy", TITLE, "warn", `could not read the emulator's state: ${tenants}`);
    }
    const wanted = [ctx.tokenTenantId, ctx.tenantId].filter(Boolean).map((t) => t!.toLowerCase());
    const tenant = tenants.find((t) =>
      wanted.includes(String(t.id).toLowerCase()) ||
      (Array.isArray(t.domains) && t.domains.some((d) => wanted.includes(String(d).toLowerCase())))
    );
    if (!tenant) {
      return finding("policy", TITLE, "warn", "the emulator has no tenant of that id or domain");
    }
    const allowed = Array.isArray(tenant.allowRemoveParticipantAppIds)
      ? tenant.allowRemoveParticipantAppIds.map((a) => String(a).toLowerCase())
      : [];
    if (allowed.includes(appId)) {
      return finding(
        "policy",
        TITLE,
        "pass",
        `the emulated tenant allows app ${appId} to remove participants`,
      );
    }
    return finding(
      "policy",
      TITLE,
      "fail",
      `the emulated tenant does not allow app ${appId} to remove participants: removals are refused (403)`,
      { fix, exitCode: EXIT_CODES.forbidden },
    );
  }
  return finding(
    "policy",
    TITLE,
    "warn",
    `cannot be read through Microsoft Graph; a Teams admin checks it in PowerShell: ${
      connectTeamsCommand(ctx.cloud)
    }; ${POLICY_READ_COMMAND}  (the list must contain ${appId})`,
    { fix: `if it is missing, ${fix}` },
  );
}

async function readEmulatedTenants(
  adminUrl: string,
  doFetch: typeof fetch,
): Promise<EmulatedTenantView[] | string> {
  try {
    const response = await doFetch(`${adminUrl.replace(/\/+$/, "")}/state`);
    if (!response.ok) {
      await response.body?.cancel();
      return `HTTP ${response.status}`;
    }
    const body = await response.json() as { tenants?: unknown };
    return Array.isArray(body.tenants) ? body.tenants as EmulatedTenantView[] : "no tenants";
  } catch (e) {
    return redact(e instanceof Error ? e.message : String(e));
  }
}
