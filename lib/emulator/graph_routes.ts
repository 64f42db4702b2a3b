/**
 * The emulated Graph, under `/v1.0` and `/beta`: participants list/get/delete/invite/mute, invite
 * operations, `$batch`. Every request passes, in order: fault rules (`state.faults`),
 * authorization (graph_auth.ts), the rate limit (`state.throttle`), the operation's permission,
 * then the route. Every error is in Graph's envelope with `request-id`, the caller's
 * `client-request-id` echoed, and `date`.
 *
 * @module
 */

import type { SigningKey } from "./signing_key.ts";
import type { EmulatedParticipant as Participant, EmulatorState } from "./state.ts";
import { authorize, type Caller, hasRole, OPERATION_ROLES } from "./graph_auth.ts";
import { graphError, graphHeaders, type GraphRequestIds } from "./graph_errors.ts";
import {
  droppedResponse,
  htmlErrorResponse,
  latency,
  malformedJsonResponse,
  pickFault,
} from "./graph_faults.ts";
import { takeToken } from "./graph_throttle.ts";
import { callExtras, cancelInvitation, operationJson, resolveCall } from "./graph_roster.ts";
import { checkInviteBody, createInvitation } from "./graph_invite.ts";
import { runBatch } from "./graph_batch.ts";

/** Settings of the Graph side; the policy refusal is an assumption, so it is configurable. */
export interface GraphSettings {
  /** The answer when the app is not in `allowRemoveParticipantAppIds`. UNCONFIRMED upstream. */
  policyDenial: { status: number; code: string; message: string };
}

/** The default policy refusal (an assumption: see the README, "Emulator assumptions"). */
export const DEFAULT_POLICY_DENIAL = Object.freeze({
  status: 403,
  code: "Forbidden",
  message:
    "Application is not allowed to remove participants from this meeting. The tenant admin must add the application id to AllowRemoveParticipantAppIds with Set-CsApplicationMeetingConfiguration.",
});

/** What the Graph routes need from the server. */
export interface GraphContext {
  state: EmulatorState;
  key: SigningKey;
  now: () => number;
  settings: GraphSettings;
  baseUrl: () => string;
}

const VERSIONED = /^\/(v1\.0|beta)(\/.*)$/;
const CALL =
  /^\/(?:app|communications)\/calls\/([^/]+)\/(participants|operations)(?:\/([^/]+))?(?:\/([^/]+))?$/;

const dropped = new WeakSet<Response>();

function participantJson(p: Participant, sequence: number): Record<string, unknown> {
  return {
    "@odata.type": "#microsoft.graph.participant",
    id: p.id,
    info: { identity: p.identity, endpointType: "default", participantId: p.id },
    isInLobby: p.isInLobby,
    isMuted: p.isMuted,
    mediaStreams: [],
    metadata: null,
    recordingInfo: null,
    removedState: null,
    restrictedExperience: null,
    rosterSequenceNumber: sequence,
  };
}

function select(json: Record<string, unknown>, fields: string[] | undefined) {
  if (!fields) return json;
  const out: Record<string, unknown> = { id: json.id };
  for (const f of fields) if (f in json) out[f] = json[f];
  return out;
}

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
  if (rule?.latencyMs) await latency(rule.latencyMs, request.signal);
  if (rule?.status) {
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
  if (rule?.drop) {
    await response.body?.cancel();
    const r = droppedResponse();
    dropped.add(r);
    return r;
  }
  if (rule?.body) {
    await response.body?.cancel();
    const status = response.status === 204 ? 200 : response.status;
    return rule.body === "html"
      ? htmlErrorResponse(status, graphHeaders(ids))
      : malformedJsonResponse(status, graphHeaders(ids));
  }
  return response;
}

async function serveGraph(
  ctx: GraphContext,
  request: Request,
  url: URL,
  ids: GraphRequestIds,
): Promise<Response> {
  const [, version, rest] = VERSIONED.exec(url.pathname)!;
  if (rest === "/$batch") return await serveBatch(ctx, request, url, version!, ids);
  const m = CALL.exec(rest!);
  if (!m) {
    return graphError(
      400,
      "BadRequest",
      `Resource not found for the segment '${rest!.split("/").pop() ?? ""}'.`,
      ids,
    );
  }
  let callId: string, kind: string, itemId: string | undefined, action: string | undefined;
  try {
    callId = decodeURIComponent(m[1]!);
    kind = m[2]!;
    itemId = m[3] === undefined ? undefined : decodeURIComponent(m[3]);
    action = m[4] === undefined ? undefined : decodeURIComponent(m[4]);
  } catch {
    return graphError(400, "BadRequest", "The request URL is not valid.", ids);
  }
  const auth = await authorize(request.headers.get("authorization"), ctx.state, ctx.key, ctx.now());
  if (!("tenant" in auth)) return graphError(auth.status, auth.code, auth.message, ids);
  const caller: Caller = auth;
  const retryAfter = takeToken(ctx.state, caller.tenant.id, caller.appId, ctx.now());
  if (retryAfter !== undefined) {
    return graphError(429, "TooManyRequests", "Please retry again later.", ids, {
      "retry-after": String(retryAfter),
    });
  }

  const method = request.method;
  const operation = kind === "operations"
    ? (itemId !== undefined && action === undefined && method === "GET" ? "operation" : undefined)
    : itemId === undefined
    ? (method === "GET" ? "list" : undefined)
    : itemId === "invite" && action === undefined
    ? (method === "POST" ? "invite" : undefined)
    : action === "mute"
    ? (method === "POST" ? "mute" : undefined)
    : action !== undefined
    ? undefined
    : method === "GET"
    ? "get"
    : method === "DELETE"
    ? "remove"
    : undefined;
  if (!operation) {
    if (action !== undefined && action !== "mute") {
      return graphError(400, "BadRequest", `Resource not found for the segment '${action}'.`, ids);
    }
    return graphError(405, "MethodNotAllowed", `${method} is not supported here.`, ids);
  }
  if (!hasRole(caller, operation)) {
    return graphError(
      403,
      "Forbidden",
      `Application does not have any of the required application permissions (${
        OPERATION_ROLES[operation]!.join(", ")
      }) to access the resource.`,
      ids,
    );
  }
  const call = ctx.state.call(caller.tenant, callId);
  if (!call) {
    return graphError(404, "itemNotFound", `Call '${callId}' was not found.`, ids);
  }
  const now = ctx.now();
  resolveCall(call, now);
  const extras = callExtras(call);
  const context = `${ctx.baseUrl()}/${version}/$metadata#communications/calls('${
    encodeURIComponent(call.id)
  }')`;
  const selectParam = url.searchParams.get("$select");
  const fields = selectParam ? selectParam.split(",").map((s) => s.trim()) : undefined;

  if (operation === "operation") {
    const op = extras.operations.get(itemId!);
    if (!op) {
      return graphError(404, "itemNotFound", `Operation '${itemId}' was not found.`, ids);
    }
    return Response.json({
      "@odata.context": `${context}/operations/$entity`,
      ...operationJson(op),
    }, {
      headers: graphHeaders(ids),
    });
  }

  if (operation === "list") {
    const topParam = url.searchParams.get("$top");
    const skipParam = url.searchParams.get("$skiptoken");
    const top = topParam === null ? undefined : Number(topParam);
    if (top !== undefined && !(Number.isInteger(top) && top > 0 && top <= 999)) {
      return graphError(400, "BadRequest", "Invalid value for $top: use 1 to 999.", ids);
    }
    const skip = skipParam === null ? 0 : Number(skipParam);
    if (!(Number.isInteger(skip) && skip >= 0)) {
      return graphError(400, "BadRequest", "Invalid $skiptoken.", ids);
    }
    const all = [...call.participants.values()].filter((p) => !extras.hidden.has(p.id));
    const page = top === undefined ? all.slice(skip) : all.slice(skip, skip + top);
    const body: Record<string, unknown> = {
      "@odata.context": `${context}/participants`,
      value: page.map((p) => select(participantJson(p, extras.sequence), fields)),
    };
    if (top !== undefined && skip + top < all.length) {
      const next = new URL(`${ctx.baseUrl()}${url.pathname}`);
      next.searchParams.set("$top", String(top));
      if (selectParam) next.searchParams.set("$select", selectParam);
      next.searchParams.set("$skiptoken", String(skip + top));
      body["@odata.nextLink"] = next.toString();
    }
    return Response.json(body, { headers: graphHeaders(ids) });
  }

  if (operation === "invite") {
    const type = request.headers.get("content-type") ?? "";
    if (!/^application\/json\b/i.test(type)) {
      await request.body?.cancel();
      return graphError(
        415,
        "UnsupportedMediaType",
        "Content-Type must be application/json.",
        ids,
      );
    }
    let body: unknown;
    try {
      body = await request.json();
    } catch {
      return graphError(400, "BadRequest", "The request body is not valid JSON.", ids);
    }
    const refusal = checkInviteBody(body, version!);
    if (refusal) return graphError(refusal.status, refusal.code, refusal.message, ids);
    const op = createInvitation(
      caller.tenant,
      call,
      body as { participants: Record<string, unknown>[]; clientContext?: string },
      now,
    );
    if (!("id" in op)) return graphError(op.status, op.code, op.message, ids);
    const location = `${ctx.baseUrl()}/${version}/communications/calls/${
      encodeURIComponent(call.id)
    }/operations/${op.id}`;
    return Response.json(operationJson(op, "Running"), {
      status: 200,
      headers: graphHeaders(ids, { location }),
    });
  }

  // get, remove, mute act on one participant.
  const participant = call.participants.get(itemId!);
  if (operation === "remove") {
    if (!caller.tenant.allowRemoveParticipantAppIds.has(caller.appId.toLowerCase())) {
      const d = ctx.settings.policyDenial;
      return graphError(d.status, d.code, d.message, ids);
    }
    await request.body?.cancel();
    if (participant) {
      call.participants.delete(participant.id);
      extras.hidden.delete(participant.id);
      extras.sequence++;
      return new Response(null, { status: 204, headers: graphHeaders(ids) });
    }
    if (cancelInvitation(call, itemId!)) {
      return new Response(null, { status: 204, headers: graphHeaders(ids) });
    }
  }
  if (!participant) {
    await request.body?.cancel();
    return graphError(
      404,
      "itemNotFound",
      `Participant '${itemId}' was not found in call '${callId}'.`,
      ids,
    );
  }
  if (operation === "get") {
    return Response.json({
      "@odata.context": `${context}/participants/$entity`,
      ...select(participantJson(participant, extras.sequence), fields),
    }, { headers: graphHeaders(ids) });
  }
  // mute
  let clientContext: string | null = null;
  const text = await request.text();
  if (text) {
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      return graphError(400, "BadRequest", "The request body is not valid JSON.", ids);
    }
    const cc = (body as { clientContext?: unknown } | null)?.clientContext;
    if (cc !== undefined && cc !== null) {
      if (typeof cc !== "string" || cc.length > 256) {
        return graphError(400, "BadRequest", "clientContext must be at most 256 characters.", ids);
      }
      clientContext = cc;
    }
  }
  participant.isMuted = true;
  extras.sequence++;
  const op = {
    id: crypto.randomUUID(),
    type: "#microsoft.graph.muteParticipantOperation",
    status: "completed" as const,
    clientContext,
    resultInfo: { code: 200, subcode: 0, message: "The participant was muted." },
    invitations: [],
  };
  extras.operations.set(op.id, op);
  return Response.json(operationJson(op), { headers: graphHeaders(ids) });
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
  return Response.json({ responses: outcome.responses }, { headers: graphHeaders(ids) });
}
