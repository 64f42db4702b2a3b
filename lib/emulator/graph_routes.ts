/**
 * The emulated Graph, under `/v1.0` and `/beta`: meeting joins and the app's own calls, their
 * participants and operations, users, and `$batch`. Every request passes, in order: fault rules
 * (`state.faults`), the path, authorization (graph_auth.ts; a 401 carries `WWW-Authenticate`),
 * the rate limit (`state.throttle`), the operation's role, the call's ownership (another app's,
 * an unknown and an ended call all answer 404), then the route. Every error is in Graph's
 * envelope with `request-id`, the caller's `client-request-id` echoed, and `date`.
 *
 * @module
 */

import type { CallRuntime } from "./call_runtime.ts";
import type { SigningKey } from "./signing_key.ts";
import type { EmulatorState } from "./state.ts";
import { authorize, type Caller, hasRole, OPERATION_ROLES } from "./graph_auth.ts";
import { graphError, graphHeaders, graphJson, type GraphRequestIds } from "./graph_errors.ts";
import {
  droppedResponse,
  htmlErrorResponse,
  latency,
  malformedJsonResponse,
  pickFault,
} from "./graph_faults.ts";
import { takeToken } from "./graph_throttle.ts";
import { type GraphPath, parseGraphPath } from "./graph_paths.ts";
import { type CallsContext, getCall, hangUp, joinMeeting, keepAlive } from "./graph_calls.ts";
import {
  getOperation,
  getParticipant,
  inviteParticipants,
  listParticipants,
  muteParticipant,
  type ParticipantsContext,
  removeParticipant,
} from "./graph_participants.ts";
import { getUser } from "./graph_users.ts";
import { runBatch } from "./graph_batch.ts";
import { DEFAULT_INVITE_LIMIT } from "./graph_invite.ts";

/** Settings of the Graph side; the assumptions where Graph is not documented are configurable. */
export interface GraphSettings {
  /** The answer when the app is not in `allowRemoveParticipantAppIds`. UNCONFIRMED upstream. */
  policyDenial: { status: number; code: string; message: string };
  /** The 404 for an unknown, ended or other app's call. */
  callNotFound: { code: string; message: string };
  /** Most participants one invitation may name. */
  inviteLimit: number;
}

/** The default policy refusal (an assumption: see docs/emulator.md, "Assumptions"). */
export const DEFAULT_POLICY_DENIAL = Object.freeze({
  status: 403,
  code: "Forbidden",
  message:
    "Application is not allowed to remove participants from this meeting. The tenant admin must add the application id to AllowRemoveParticipantAppIds with Set-CsApplicationMeetingConfiguration.",
});

/**
 * The default 404 for a call the app cannot see. A Microsoft engineer quoted code `9997` "Call
 * not found." (reference/meetings.md); the emulator keeps Graph's generic `itemNotFound` code by
 * default, with that message, and `settings.callNotFound` can switch the code.
 */
export const DEFAULT_CALL_NOT_FOUND = Object.freeze({
  code: "itemNotFound",
  message: "Call not found.",
});

/** The default Graph settings. */
export function defaultGraphSettings(): GraphSettings {
  return {
    policyDenial: { ...DEFAULT_POLICY_DENIAL },
    callNotFound: { ...DEFAULT_CALL_NOT_FOUND },
    inviteLimit: DEFAULT_INVITE_LIMIT,
  };
}

/** What the Graph routes need from the server. */
export interface GraphContext {
  state: EmulatorState;
  key: SigningKey;
  now: () => number;
  settings: GraphSettings;
  baseUrl: () => string;
  runtime: CallRuntime;
}

const VERSIONED = /^\/(v1\.0|beta)(\/.*)$/;

const dropped = new WeakSet<Response>();

function newIds(request: Request, now: number): GraphRequestIds {
  return {
    requestId: crypto.randomUUID(),
    clientRequestId: request.headers.get("client-request-id") ?? undefined,
    date: new Date(now).toUTCString(),
  };
}

/**
 * Handles a Graph request (anything under `/v1.0/` or `/beta/`); returns undefined for other
 * paths.
 */
export async function handleGraph(
  ctx: GraphContext,
  request: Request,
  url: URL,
  ids: GraphRequestIds,
): Promise<Response | undefined> {
  if (!VERSIONED.test(url.pathname)) return undefined;
  const rule = pickFault(ctx.state.faults, request.method, url.pathname);
  if (!rule) return await serveGraph(ctx, request, url, ids);
  if (rule.latencyMs) await latency(rule.latencyMs, request.signal);
  if (rule.status) {
    await request.body?.cancel();
    const extra: Record<string, string> = {};
    if (rule.retryAfter !== undefined) extra["retry-after"] = String(rule.retryAfter);
    if (rule.body === "html") return htmlErrorResponse(rule.status, graphHeaders(ids, extra));
    if (rule.body === "malformedJson") {
      return malformedJsonResponse(rule.status, graphHeaders(ids, extra));
    }
    const [code, message] = rule.status === 429
      ? ["TooManyRequests", "Please retry again later."]
      : rule.status === 503
      ? ["serviceNotAvailable", "The service is temporarily unavailable. Please retry later."]
      : rule.status === 504
      ? ["gatewayTimeout", "The gateway timed out."]
      : ["generalException", "An injected fault."];
    return graphError(rule.status, code, message, ids, extra);
  }
  const response = await serveGraph(ctx, request, url, ids);
  if (rule.drop) {
    await response.body?.cancel();
    const r = droppedResponse();
    dropped.add(r);
    return r;
  }
  if (rule.body) {
    await response.body?.cancel();
    const status = response.status === 204 ? 200 : response.status;
    return rule.body === "html"
      ? htmlErrorResponse(status, graphHeaders(ids))
      : malformedJsonResponse(status, graphHeaders(ids));
  }
  return response;
}

function notAllowed(method: string, ids: GraphRequestIds): Response {
  return graphError(405, "MethodNotAllowed", `${method} is not supported here.`, ids);
}

function notImplemented(method: string, what: string, ids: GraphRequestIds): Response {
  return graphError(
    501,
    "NotImplemented",
    `The emulator does not implement ${method} ${what}.`,
    ids,
  );
}

function forbidden(operation: string, ids: GraphRequestIds): Response {
  return graphError(
    403,
    "Forbidden",
    `Application does not have any of the required application permissions (${
      OPERATION_ROLES[operation]!.join(", ")
    }) to access the resource.`,
    ids,
  );
}

/** The operation of a call-scoped path and method, or undefined when the method is wrong. */
function operationOf(path: GraphPath, method: string): string | undefined {
  switch (path.kind) {
    case "call":
      return method === "GET" ? "getCall" : method === "DELETE" ? "hangUp" : undefined;
    case "callAction":
      return method === "POST"
        ? (path.action === "keepAlive" ? "keepAlive" : "unimplemented")
        : undefined;
    case "participants":
      return method === "GET" ? "list" : undefined;
    case "participantsCount":
      return method === "GET" ? "count" : undefined;
    case "invite":
      return method === "POST" ? "invite" : undefined;
    case "participant":
      return method === "GET" ? "get" : method === "DELETE" ? "remove" : undefined;
    case "participantAction":
      return method === "POST" ? (path.action === "mute" ? "mute" : "unimplemented") : undefined;
    case "operation":
      return method === "GET" ? "operation" : undefined;
    case "operations":
      return method === "GET" ? "unimplemented" : undefined;
    case "unimplemented":
      return "unimplemented";
    default:
      return undefined;
  }
}

async function serveGraph(
  ctx: GraphContext,
  request: Request,
  url: URL,
  ids: GraphRequestIds,
): Promise<Response> {
  const [, version, rest] = VERSIONED.exec(url.pathname)!;
  const path = parseGraphPath(rest!);
  if (path.kind === "batch") return await serveBatch(ctx, request, url, version!, ids);
  if (path.kind === "badUrl") {
    return graphError(400, "BadRequest", "The request URL is not valid.", ids);
  }
  if (path.kind === "unknownSegment") {
    return graphError(
      400,
      "BadRequest",
      `Resource not found for the segment '${path.segment}'.`,
      ids,
    );
  }
  const auth = await authorize(request.headers.get("authorization"), ctx.state, ctx.key, ctx.now());
  if (!("tenant" in auth)) {
    const extra: Record<string, string> = auth.status === 401
      ? {
        "www-authenticate":
          `Bearer realm="", authorization_uri="${ctx.baseUrl()}/common/oauth2/authorize", client_id="00000003-0000-0000-c000-000000000000"`,
      }
      : {};
    return graphError(auth.status, auth.code, auth.message, ids, extra);
  }
  const caller: Caller = auth;
  const retryAfter = takeToken(ctx.state, caller.tenant.id, caller.appId, ctx.now());
  if (retryAfter !== undefined) {
    return graphError(429, "TooManyRequests", "Please retry again later.", ids, {
      "retry-after": String(retryAfter),
    });
  }
  const method = request.method;
  const baseUrl = ctx.baseUrl();

  if (path.kind === "user") {
    if (method !== "GET") return notAllowed(method, ids);
    return getUser(caller, path.id, path.parenthesised, url, baseUrl, version!, ids);
  }
  const calls: CallsContext = { runtime: ctx.runtime, baseUrl, version: version!, ids, caller };
  if (path.kind === "calls") {
    if (method === "POST") return await joinMeeting(calls, request);
    if (method === "GET") {
      return graphError(
        405,
        "MethodNotAllowed",
        "Graph has no list of calls: an app sees only the calls it joined or answered.",
        ids,
      );
    }
    return notAllowed(method, ids);
  }
  if (!("callId" in path) || path.callId === undefined) {
    return notImplemented(method, url.pathname, ids);
  }
  const operation = operationOf(path, method);
  if (!operation) {
    await request.body?.cancel();
    return notAllowed(method, ids);
  }
  if (operation in OPERATION_ROLES && !hasRole(caller, operation)) {
    await request.body?.cancel();
    return forbidden(operation, ids);
  }
  const call = ctx.runtime.ownedCall(caller.tenant, path.callId, caller.appId);
  if (!call) {
    await request.body?.cancel();
    const nf = ctx.settings.callNotFound;
    return graphError(404, nf.code, nf.message, ids);
  }
  switch (operation) {
    case "getCall":
      return getCall(calls, call);
    case "hangUp":
      return hangUp(calls, call);
    case "keepAlive":
      await request.body?.cancel();
      return keepAlive(calls, call);
    case "unimplemented":
      await request.body?.cancel();
      return notImplemented(method, url.pathname, ids);
  }
  const p: ParticipantsContext = {
    runtime: ctx.runtime,
    baseUrl,
    version: version!,
    ids,
    tenant: caller.tenant,
    call,
    policyDenial: ctx.settings.policyDenial,
    mayRemove: caller.tenant.allowRemoveParticipantAppIds.has(caller.appId.toLowerCase()),
    inviteLimit: ctx.settings.inviteLimit,
  };
  switch (operation) {
    case "list":
      return listParticipants(p, url, false);
    case "count":
      return listParticipants(p, url, true);
    case "invite":
      return await inviteParticipants(p, request);
    case "operation":
      return getOperation(p, (path as { operationId: string }).operationId);
    case "mute":
      return await muteParticipant(p, request, (path as { participantId: string }).participantId);
    case "get":
      return getParticipant(p, url, (path as { participantId: string }).participantId);
    default:
      // The guard in mod.ts has read any body already: nothing to cancel on the hot path.
      return removeParticipant(p, (path as { participantId: string }).participantId);
  }
}

async function serveBatch(
  ctx: GraphContext,
  request: Request,
  url: URL,
  version: string,
  ids: GraphRequestIds,
): Promise<Response> {
  if (request.method !== "POST") {
    return graphError(405, "MethodNotAllowed", "Use POST for $batch.", ids);
  }
  let body: unknown;
  try {
    body = await request.json();
  } catch {
    return graphError(400, "BadRequest", "The batch body is not valid JSON.", ids);
  }
  const outcome = await runBatch(body, version, request.headers, async (item) => {
    const itemRequest = new Request(new URL(item.path, url.origin), {
      method: item.method,
      headers: item.headers,
      ...(item.body !== undefined ? { body: item.body } : {}),
    });
    const itemUrl = new URL(itemRequest.url);
    const itemIds = newIds(itemRequest, ctx.now());
    const response = await handleGraph(ctx, itemRequest, itemUrl, itemIds) ??
      graphError(400, "BadRequest", "Unknown resource.", itemIds);
    if (dropped.has(response)) {
      await response.body?.cancel();
      return graphError(504, "gatewayTimeout", "The request timed out.", itemIds);
    }
    return response;
  });
  if ("error" in outcome) {
    return graphError(outcome.error.status, outcome.error.code, outcome.error.message, ids);
  }
  return graphJson({ responses: outcome.responses }, ids);
}
