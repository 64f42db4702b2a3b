/**
 * `diagnose()`: graphcall's doctor. It resolves the credential, reads the certificate, compares
 * clocks, gets a token and reads its claims (tenant, audience/cloud, `idtyp`, roles per
 * operation), optionally lists one call's participants (read-only), and explains the tenant
 * policy step. Every check says what it found and, when something is wrong, the fix.
 *
 * New credential kinds need nothing here: the "credential" line is whatever
 * `resolveCredential().description` says, and token acquisition goes through the same
 * `TokenCredential`.
 *
 * @module
 */

import type { CertificateSource } from "../auth/certificate.ts";
import { type CredentialOptions, readEnv, resolveCredential } from "../auth/resolve_credential.ts";
import type { ResolvedCredential } from "../auth/resolve_credential.ts";
import { type OperationName, PARTICIPANT_OPERATIONS } from "../graph/operations.ts";
import type { Cloud } from "../clouds.ts";
import { resolveHosts } from "../auth/hosts.ts";
import {
  AuthError,
  EXIT_CODES,
  exitCodeFor,
  GraphcallError,
  InvalidInputError,
} from "../errors.ts";
import { redact } from "../redact.ts";
import { CallHandle } from "../graph/call.ts";
import { GraphHttp } from "../graph/graph_http.ts";
import { checkId } from "../graph/ids.ts";
import { certificateCheck } from "./check_certificate.ts";
import {
  audienceCheck,
  consentTenant,
  roleChecks,
  tenantCheck,
  tokenTypeCheck,
} from "./check_claims.ts";
import { clockCheck, type ClockSkewLimits } from "./check_clock.ts";
import { policyCheck } from "./check_policy.ts";
import { meetingTenantCheck, userLookupCheck } from "./check_meeting.ts";
import { parseJoinUrl } from "../graph/join_url.ts";
import { isUpn, userPathSegment } from "../graph/user_key.ts";
import { probeCheck } from "./check_probe.ts";
import type { DoctorReport, Finding } from "./doctor_check.ts";
import { finding } from "./doctor_check.ts";
import { type AccessTokenClaims as TokenClaims, decodeAccessToken } from "../auth/claims.ts";

/** Options for {@link diagnose}: the credential options of `connect()`, and what to check. */
export interface DiagnoseOptions extends CredentialOptions {
  /** A call id: list its participants as a read-only probe. */
  callId?: string;
  /**
   * The operations the app must be able to perform: a missing role fails for these and only
   * warns for the others. Default `["remove"]`, plus `"list"` when `callId` is given.
   */
  operations?: readonly OperationName[];
  /**
   * The admin URL of a graphcall emulator (`{url}/_emulator`): lets the policy step read the
   * emulated tenant's `allowRemoveParticipantAppIds`. Real tenants have no such endpoint.
   * Default: `{authorityUrl}/_emulator` when `emulatorUrl` or `GRAPHCALL_EMULATOR_URL` is set.
   */
  emulatorAdminUrl?: string;
  /** Clock-skew thresholds (warn above 60 s, fail above 300 s by default). */
  clockSkew?: ClockSkewLimits;
  /**
   * A meeting's join link: checks the roles to join it, its cloud and tenant against the
   * credential's. Nothing is joined.
   */
  joinUrl?: string;
  /** People to remove from that meeting by UPN: each is looked up (User.Read.All). */
  users?: readonly string[];
}

/** The cloud offers the participants API. */
function cloudCheck(cloud: Cloud): Finding {
  const title = "Cloud offers the participants API";
  if (cloud.participantsApi) {
    return finding(
      "cloud",
      title,
      "pass",
      `${cloud.name}: ${cloud.description} (${cloud.graphUrl})`,
    );
  }
  return finding(
    "cloud",
    title,
    "fail",
    `${cloud.name}: Microsoft Graph does not offer /communications/calls/{id}/participants in this cloud`,
    {
      fix: "run graphcall against a tenant in a cloud that offers it (Global, USGov, USGovDoD)",
      exitCode: EXIT_CODES.usage,
    },
  );
}

/** The certificate source, as `resolveCredential` would pick it (option, then environment). */
function certificateSource(options: DiagnoseOptions): CertificateSource | undefined {
  if (options.certificate) return options.certificate;
  const path = readEnv("AZURE_CLIENT_CERTIFICATE_PATH", options.env);
  if (!path) return undefined;
  const password = readEnv("AZURE_CLIENT_CERTIFICATE_PASSWORD", options.env);
  return { path, ...(password !== undefined ? { password } : {}) };
}

const CLOUD_AADSTS = new Set([70011, 90002, 90038, 900432, 500011]);

/** Turns a token failure into a finding, with the AADSTS fix and, when apt, the cloud. */
function tokenFailure(e: unknown, resolved: ResolvedCredential): Finding {
  const message = redact(e instanceof Error ? e.message : String(e));
  const fixes: string[] = [];
  if (e instanceof GraphcallError && e.remediation) fixes.push(e.remediation);
  if (e instanceof AuthError && e.aadsts.some((c) => CLOUD_AADSTS.has(c))) {
    fixes.push(
      `check the cloud: graphcall asked ${resolved.authorityUrl} for a ${resolved.cloud.name} token (scope ${resolved.cloud.scope}); a tenant of another national cloud needs --cloud with its name (Global, USGov, USGovDoD, China), and tokens of one cloud are refused by another's Graph`,
    );
  }
  const codes = e instanceof AuthError && e.aadsts.length > 0
    ? ` [AADSTS${e.aadsts.join(", AADSTS")}]`
    : "";
  return finding("token", "Token acquisition", "fail", `${message}${codes}`, {
    fix: fixes.map((f) => f.replace(/\.\s*$/, "")).join("; ") || undefined,
    exitCode: exitCodeFor(e),
  });
}

function skipped(id: string, title: string, why: string): Finding {
  return finding(id, title, "skip", why);
}

/**
 * Runs the checks and returns the report. Never throws for what it diagnoses (those become
 * failing checks); throws {@link InvalidInputError} only for bad input (cloud name, call id,
 * operation), before anything is sent.
 *
 * @example Diagnose the configuration in AZURE_* variables
 * ```ts ignore
 * import { diagnose } from "./doctor.ts";
 * const report = await diagnose({ callId: "112f7296-5fa4-42ca-bae8-6a692b15d4b8" });
 * for (const c of report.checks) console.log(c.status, c.title, c.detail, c.fix ?? "");
 * if (!report.ok) Deno.exit(report.exitCode);
 * ```
 */
export async function diagnose(options: DiagnoseOptions = {}): Promise<DoctorReport> {
  const now = options.now ?? Date.now;
  const doFetch = options.fetch ?? fetch;
  // The same hosts `connect()` would use: options, then AZURE_AUTHORITY_HOST and
  // GRAPHCALL_EMULATOR_URL.
  const hosts = resolveHosts(options);
  const cloud = hosts.cloud;
  const callId = options.callId === undefined ? undefined : checkId(options.callId, "call");
  const operations = options.operations ?? [];
  for (const op of operations) {
    if (!PARTICIPANT_OPERATIONS.includes(op)) {
      throw new InvalidInputError(
        "operations",
        `unknown operation "${op}": use ${PARTICIPANT_OPERATIONS.join(", ")}`,
      );
    }
  }
  const link = options.joinUrl === undefined ? undefined : parseJoinUrl(options.joinUrl, "joinUrl");
  (options.users ?? []).forEach((u, i) => userPathSegment(u, `users[${i}]`));
  const upns = (options.users ?? []).filter(isUpn);
  const required = new Set<OperationName>(
    options.operations ?? (callId ? ["remove", "list"] : ["remove"]),
  );
  if (link) required.add("join");
  if (upns.length > 0) required.add("lookup");
  const findings: Finding[] = [cloudCheck(cloud)];

  // Credential and certificate.
  const certificate = await certificateCheck(certificateSource(options), now);
  let resolved: ResolvedCredential | undefined;
  try {
    resolved = await resolveCredential({ ...options, cloud: cloud.name, now, fetch: doFetch });
    findings.push(finding("credential", "Credential", "pass", resolved.description));
  } catch (e) {
    const message = redact(e instanceof Error ? e.message : String(e));
    const certFailed = certificate.check.status === "fail";
    findings.push(finding("credential", "Credential", "fail", message, {
      fix: certFailed
        ? "see the certificate check"
        : e instanceof GraphcallError
        ? e.remediation ?? "give the missing flag or variable named above"
        : undefined,
      exitCode: certFailed ? certificate.exitCode : exitCodeFor(e),
    }));
  }
  findings.push(certificate);

  // Clock.
  const graphUrl = resolved?.graphUrl ?? hosts.graphUrl;
  findings.push(await clockCheck(graphUrl, now, doFetch, options.clockSkew));

  // Token and claims.
  let claims: TokenClaims | undefined;
  if (!resolved) {
    findings.push(skipped("token", "Token acquisition", "no usable credential"));
  } else {
    try {
      const token = await resolved.credential.getToken();
      claims = readClaims(token.token);
      if (!claims) {
        findings.push(
          finding(
            "token",
            "Token acquisition",
            "warn",
            "a token was issued, but it is not a JWT: its claims cannot be read",
          ),
        );
      } else {
        findings.push(finding(
          "token",
          "Token acquisition",
          "pass",
          `token issued by ${resolved.authorityUrl} for ${resolved.cloud.name}${
            claims.exp ? `, expires ${new Date(claims.exp * 1000).toISOString()}` : ""
          }`,
        ));
      }
    } catch (e) {
      findings.push(tokenFailure(e, resolved));
    }
  }
  const roleOps: OperationName[] = [
    ...PARTICIPANT_OPERATIONS,
    ...(link ? ["join" as const] : []),
    ...(upns.length > 0 ? ["lookup" as const] : []),
  ];
  if (resolved && claims) {
    findings.push(tenantCheck(claims, resolved.tenantId, resolved.clientId));
    findings.push(audienceCheck(claims, cloud));
    findings.push(tokenTypeCheck(claims));
    findings.push(
      ...roleChecks(claims, roleOps, required, {
        clientId: resolved.clientId,
        cloud,
        tenantId: resolved.tenantId,
      }),
    );
  } else {
    const why = "no token";
    findings.push(skipped("token.tenant", "Token tenant and app", why));
    findings.push(skipped("token.audience", "Token audience (cloud)", why));
    findings.push(skipped("token.idtyp", "Token type (idtyp)", why));
    for (const op of roleOps) findings.push(skipped(`roles.${op}`, `Permission to ${op}`, why));
  }

  // Read-only probe.
  const probeTitle = "Read-only probe (list participants)";
  if (!callId) {
    findings.push(
      skipped("probe", probeTitle, "give a call id (--call ID) to list its participants"),
    );
  } else if (!resolved || !claims) {
    findings.push(skipped("probe", probeTitle, "no token"));
  } else {
    const http = new GraphHttp({ graphUrl, credential: resolved.credential, fetch: doFetch });
    findings.push(
      await probeCheck(new CallHandle(http, callId), {
        clientId: resolved.clientId,
        cloud,
        tenant: consentTenant(resolved.tenantId),
      }),
    );
  }

  // The meeting path: the link's tenant, the people.
  if (link) {
    findings.push(meetingTenantCheck(link, {
      cloud,
      tokenTenant: claims?.tid,
      clientId: resolved?.clientId,
    }));
  }
  if (upns.length > 0) {
    if (!resolved || !claims) {
      findings.push(skipped("users", "People looked up (User.Read.All)", "no token"));
    } else {
      const http = new GraphHttp({
        graphUrl,
        credential: resolved.credential,
        fetch: doFetch,
        cloud: cloud.name,
        clientId: resolved.clientId,
      });
      findings.push(
        await userLookupCheck(http, upns, {
          clientId: resolved.clientId,
          cloud,
          tenant: consentTenant(resolved.tenantId),
        }),
      );
    }
  }

  // Tenant policy.
  const clientId = resolved?.clientId ?? options.clientId ??
    readEnv("AZURE_CLIENT_ID", options.env);
  const guidClient = clientId && /^[0-9a-f-]{36}$/i.test(clientId) ? clientId : undefined;
  findings.push(
    await policyCheck({
      clientId: guidClient,
      cloud,
      tenantId: resolved?.tenantId ?? options.tenantId ?? readEnv("AZURE_TENANT_ID", options.env),
      tokenTenantId: claims?.tid,
      emulatorAdminUrl: options.emulatorAdminUrl ??
        (hosts.emulatorUrl ? `${hosts.authorityUrl}/_emulator` : undefined),
      fetch: doFetch,
    }),
  );

  const firstFail = findings.find((f) => f.check.status === "fail");
  return {
    ok: firstFail === undefined,
    exitCode: firstFail ? firstFail.exitCode ?? EXIT_CODES.other : EXIT_CODES.ok,
    checks: findings.map((f) => f.check),
  };
}

/** The token's claims, or undefined when it is not a JWT (doctor then says so). */
function readClaims(token: string): TokenClaims | undefined {
  try {
    return decodeAccessToken(token);
  } catch {
    return undefined;
  }
}
