/**
 * Graph's answers turned into typed errors with a stable code: the envelope read tolerantly
 * (an HTML page or broken JSON still gives status and ids), and a 403 told apart by the
 * operation the request was (from the catalogue, never guessed from the HTTP method): an
 * operation under the tenant policy refused while the token's roles DO grant it is the policy
 * (`policy_denied`, with the exact `Set-CsApplicationMeetingConfiguration` fix); anything else is
 * `permission_missing`, naming the operation's roles and the admin-consent URL. The token is
 * decoded, never verified, and never copied into the error.
 *
 * @module
 */

import { decodeAccessToken } from "../auth/claims.ts";
import { type ErrorCode, GraphError } from "../errors.ts";
import { redact } from "../redact.ts";
import { adminConsentUrl, policyRemediation } from "../fixes.ts";
import { grants, OPERATION_CATALOGUE, type OperationName } from "./operations.ts";

/** What the mapping needs to know about one failed exchange. */
export interface FailedExchange {
  /** HTTP method. */
  method: string;
  /** HTTP status. */
  status: number;
  /** The status text. */
  statusText?: string;
  /** Raw body text. */
  text: string;
  /** Response headers. */
  headers: Headers;
  /** The client-request-id sent. */
  clientRequestId: string;
  /** The catalogue operation the request was, when known. */
  operation?: OperationName;
  /** The bearer token sent (decoded for its roles, never printed). */
  token?: string;
  /** The cloud name, for remediation texts. */
  cloud?: string;
  /** The app id, when the token does not say. */
  clientId?: string;
}

/** The stable error code for a Graph HTTP status. */
export function errorCodeForStatus(status: number): ErrorCode {
  if (status === 400 || status === 405 || status === 409 || status === 412) return "invalid_input";
  if (status === 415 || status === 422) return "invalid_input";
  if (status === 401) return "unauthenticated";
  if (status === 403) return "permission_missing";
  if (status === 404) return "not_found";
  if (status === 429) return "throttled";
  return "service_error";
}

interface Envelope {
  code?: string;
  message?: string;
  date?: string;
  requestId?: string;
}

/** Reads Graph's `{"error":{code,message,innerError}}`; tolerates anything else. */
export function readEnvelope(text: string): Envelope {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return {};
  }
  const error = (parsed as { error?: Record<string, unknown> } | null)?.error;
  if (typeof error !== "object" || error === null) return {};
  const inner = (error.innerError ?? error.innererror) as Record<string, unknown> | undefined;
  const out: Envelope = {};
  if (typeof error.code === "string" || typeof error.code === "number") {
    out.code = String(error.code);
  }
  if (typeof error.message === "string") out.message = error.message;
  if (typeof inner?.date === "string") out.date = inner.date;
  if (typeof inner?.["request-id"] === "string") out.requestId = inner["request-id"] as string;
  return out;
}

function tokenFacts(token: string | undefined): { roles?: string[]; appId?: string; tid?: string } {
  if (!token) return {};
  try {
    const claims = decodeAccessToken(token);
    return {
      roles: claims.roles,
      ...(claims.appid ? { appId: claims.appid } : {}),
      ...(claims.tid ? { tid: claims.tid } : {}),
    };
  } catch {
    return {};
  }
}

function safely(f: () => string): string | undefined {
  try {
    return f();
  } catch {
    return undefined;
  }
}

/** Turns a failed exchange into a {@link GraphError}. */
export function toGraphError(x: FailedExchange): GraphError {
  const env = readEnvelope(x.text);
  const requestId = x.headers.get("request-id") ?? env.requestId;
  const date = x.headers.get("date") ?? env.date;
  const type = x.headers.get("content-type") ?? "";
  let message = env.message !== undefined
    ? redact(env.message)
    : /html/i.test(type) || /^\s*</.test(x.text)
    ? `Graph answered ${x.status} with an HTML page instead of JSON`
    : x.text && env.code === undefined
    ? `Graph answered ${x.status} with a body that is not Graph's error JSON`
    : `Graph answered ${x.status} ${x.statusText ?? ""}`.trim();
  let code = errorCodeForStatus(x.status);
  let remediation: string | undefined;
  // 7504 / 7505 name tenants, not roles: they are said with the meeting's tenant where it is known
  // (meeting_join.ts), never as a missing permission.
  if (x.status === 403 && env.code === "7505") {
    remediation =
      "the token's tenant is not the call's: use a credential in the meeting's tenant " +
      "(the tenantId option or AZURE_TENANT_ID)";
  } else if (x.status === 403 && env.code === "7504") {
    remediation = "the meeting's tenant has not consented to this app: an admin of that tenant " +
      "must grant the app's calling permissions";
  } else if (x.status === 403) {
    const facts = tokenFacts(x.token);
    const appId = facts.appId ?? x.clientId;
    const cloud = x.cloud ?? "Global";
    const op = x.operation ? OPERATION_CATALOGUE[x.operation] : undefined;
    if (op?.tenantPolicy && grants(facts.roles, op.name)) {
      code = "policy_denied";
      message = `the tenant's policy does not allow app ${appId ?? "(unknown)"} to remove ` +
        `participants (Graph: ${message})`;
      remediation = appId ? safely(() => policyRemediation(appId, cloud)) : undefined;
    } else if (op && op.roles.length > 0) {
      const needed = op.roles;
      const consent = appId
        ? safely(() => adminConsentUrl(appId, cloud, facts.tid ?? "organizations"))
        : undefined;
      message = `the app lacks the permission to ${op.name} (needs ${needed.join(" or ")}; ` +
        `Graph: ${message})`;
      remediation = `grant the application permission ${needed[0]} (or ${
        needed.slice(1).join(", ") || "nothing else"
      }) to the app and have an admin consent${consent ? `: ${consent}` : ""}`;
    }
  }
  remediation ??= fixFor(code, x);
  return new GraphError(
    code,
    message,
    {
      status: x.status,
      ...(env.code !== undefined ? { graphCode: env.code } : {}),
      ...(requestId ? { requestId } : {}),
      clientRequestId: x.clientRequestId,
      ...(date ? { date } : {}),
    },
    remediation ? { remediation } : {},
  );
}

/** The fix for the failures that need no token to explain: a 404, throttling, unavailability. */
function fixFor(code: string, x: FailedExchange): string | undefined {
  const op = x.operation ? OPERATION_CATALOGUE[x.operation] : undefined;
  if (code === "not_found" && op?.path.startsWith("/communications/calls/{callId}")) {
    const callLevel = !op.path.includes("{participantId}") || x.text.includes("9997");
    return callLevel
      ? "a call id is the app's own call leg: it exists only while the app is in the meeting, " +
        "and only for the app that joined it (another app's call, or an ended one, is not " +
        "found). Join the meeting to get one (joinMeeting() in a script, graphcall meeting " +
        "join in a shell), or let removeFromMeeting() / graphcall meeting remove join, remove " +
        "and leave in one step"
      : "the participant is no longer in the call (they left, or were removed already): list " +
        "who is there (call.participants() in a script, graphcall participant list in a shell)";
  }
  if (code === "throttled") {
    return "Graph kept throttling after the retries: wait, then run again with fewer requests " +
      "in flight (the concurrency option)";
  }
  if (code === "service_error" && (x.status === 503 || x.status === 502 || x.status === 504)) {
    return "Graph was unavailable through every retry: try again in a few minutes (the retries " +
      "and timeout are the maxRetries and timeoutMs options)";
  }
  return undefined;
}
