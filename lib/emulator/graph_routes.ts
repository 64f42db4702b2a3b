/**
 * The emulated Graph routes for calls and participants, under `/v1.0` and `/beta`.
 *
 * @module
 */

import type { SigningKey } from "./signing_key.ts";
import type { EmulatedParticipant as Participant, EmulatorState } from "./state.ts";
import { authorize, type Caller, hasRole, OPERATION_ROLES } from "./graph_auth.ts";
import { graphError, graphHeaders, type GraphRequestIds } from "./graph_errors.ts";

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

const ROUTE =
  /^\/(v1\.0|beta)\/(?:app|communications)\/calls\/([^/]+)\/participants(?:\/([^/]+))?$/;

function participantJson(p: Participant): Record<string, unknown> {
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
    rosterSequenceNumber: 0,
  };
}

/** Handles a Graph request; returns undefined when no route matches. */
export async function handleGraph(
  ctx: GraphContext,
  request: Request,
  url: URL,
  ids: GraphRequestIds,
): Promise<Response | undefined> {
  const m = ROUTE.exec(url.pathname);
  if (!m) return undefined;
  const version = m[1]!;
  let callId: string;
  let participantId: string | undefined;
  try {
    callId = decodeURIComponent(m[2]!);
    participantId = m[3] === undefined ? undefined : decodeURIComponent(m[3]);
  } catch {
    return graphError(400, "BadRequest", "The request URL is not valid.", ids);
  }
  const auth = await authorize(request.headers.get("authorization"), ctx.state, ctx.key, ctx.now());
  if (!("tenant" in auth)) return graphError(auth.status, auth.code, auth.message, ids);
  const caller: Caller = auth;

  const operation = participantId === undefined
    ? (request.method === "GET" ? "list" : undefined)
    : request.method === "GET"
    ? "get"
    : request.method === "DELETE"
    ? "remove"
    : undefined;
  if (!operation) {
    return graphError(405, "MethodNotAllowed", `${request.method} is not supported here.`, ids);
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
  if (operation === "list") {
    return Response.json({
      "@odata.context": `${ctx.baseUrl()}/${version}/$metadata#communications/calls('${
        encodeURIComponent(call.id)
      }')/participants`,
      value: [...call.participants.values()].map(participantJson),
    }, { headers: graphHeaders(ids) });
  }
  const participant = call.participants.get(participantId!);
  if (!participant) {
    return graphError(
      404,
      "itemNotFound",
      `Participant '${participantId}' was not found in call '${callId}'.`,
      ids,
    );
  }
  if (operation === "get") {
    return Response.json({
      "@odata.context": `${ctx.baseUrl()}/${version}/$metadata#communications/calls('${
        encodeURIComponent(call.id)
      }')/participants/$entity`,
      ...participantJson(participant),
    }, { headers: graphHeaders(ids) });
  }
  // remove
  if (!caller.tenant.allowRemoveParticipantAppIds.has(caller.appId.toLowerCase())) {
    const d = ctx.settings.policyDenial;
    return graphError(d.status, d.code, d.message, ids);
  }
  if (request.headers.get("content-length") && request.headers.get("content-length") !== "0") {
    await request.body?.cancel();
  }
  call.participants.delete(participant.id);
  return new Response(null, { status: 204, headers: graphHeaders(ids) });
}
