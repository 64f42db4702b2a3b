/**
 * The call routes of the emulated Graph: `POST /communications/calls` joins a seeded meeting the
 * way the docs' create-call Examples 5 and 7 do (organizer + thread, or meeting id + passcode),
 * `GET` and `DELETE /communications/calls/{id}` read and end the app's own leg, and
 * `POST .../keepAlive` keeps it alive. Ownership is checked before these run (graph_routes.ts).
 *
 * Refusals, in Graph's envelope, in this order: a body that is not JSON (400, 415 for another
 * Content-Type); a `tenantId` other than the token's (403, code `7505`, "Request authorization
 * tenant mismatch."); no join role (403); a missing or unknown `mediaConfig`, a `callbackUri`
 * that is not HTTPS (plain `http://` is accepted for loopback hosts only), no `meetingInfo`
 * (400); `appHostedMediaConfig` without `Calls.AccessMedia.All` (403); no such meeting (404)
 * or a wrong passcode (403). Joining by `tokenMeetingInfo` and creating calls with `targets` are
 * not emulated (501).
 *
 * @module
 */

import type { CallRuntime } from "./call_runtime.ts";
import { callJson } from "./call_json.ts";
import {
  graphError,
  graphHeaders,
  graphJson,
  type GraphRequestIds,
  readJsonBody,
} from "./graph_errors.ts";
import type { Caller } from "./graph_auth.ts";
import { findMeeting, type JoinTarget } from "./meetings.ts";
import type { EmulatedCall } from "./state.ts";

/** Roles that let an app join a meeting (the create-call page's list). */
export const JOIN_ROLES: readonly string[] = Object.freeze([
  "Calls.JoinGroupCall.All",
  "Calls.JoinGroupCallAsGuest.All",
  "Calls.Initiate.All",
  "Calls.InitiateGroupCall.All",
]);

/** The extra role app-hosted media needs. */
export const MEDIA_ROLE = "Calls.AccessMedia.All";

/** What a call route needs. */
export interface CallsContext {
  runtime: CallRuntime;
  baseUrl: string;
  version: string;
  ids: GraphRequestIds;
  caller: Caller;
}

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|\[::1\]|localhost)$/i;

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function has(caller: Caller, roles: readonly string[]): boolean {
  const wanted = roles.map((r) => r.toLowerCase());
  return caller.roles.some((r) => wanted.includes(r.toLowerCase()));
}

function odataType(v: Record<string, unknown>): string {
  const t = v["@odata.type"];
  return typeof t === "string" ? t.replace(/^#?microsoft\.graph\./i, "").toLowerCase() : "";
}

function bad(c: CallsContext, message: string): Response {
  return graphError(400, "BadRequest", message, c.ids);
}

/** Checks a callback URI: HTTPS, or HTTP on a loopback host. Returns the refusal text. */
export function callbackRefusal(uri: unknown): string | undefined {
  if (typeof uri !== "string") return "callbackUri must be a string (an HTTPS URL).";
  let u: URL;
  try {
    u = new URL(uri);
  } catch {
    return "callbackUri is not a valid URL.";
  }
  if (u.protocol === "https:") return undefined;
  if (u.protocol === "http:" && LOOPBACK.test(u.hostname)) return undefined;
  return "callbackUri must be an HTTPS URL (the emulator also accepts http:// on a loopback host).";
}

/** `POST /communications/calls`: joins a seeded meeting. */
export async function joinMeeting(c: CallsContext, request: Request): Promise<Response> {
  const read = await readJsonBody(request, c.ids, "The request body is not valid JSON.");
  if (read instanceof Response) return read;
  const { body } = read;
  if (!isObject(body)) return bad(c, "The request body must be a call object.");
  const tenant = c.caller.tenant;
  if (body.tenantId !== undefined && body.tenantId !== null) {
    if (typeof body.tenantId !== "string") return bad(c, "tenantId must be a string.");
    if (body.tenantId.toLowerCase() !== tenant.id.toLowerCase()) {
      return graphError(403, "7505", "Request authorization tenant mismatch.", c.ids);
    }
  }
  if (!has(c.caller, JOIN_ROLES)) {
    return graphError(
      403,
      "Forbidden",
      `Application does not have any of the required application permissions (${
        JOIN_ROLES.join(", ")
      }) to access the resource.`,
      c.ids,
    );
  }
  const media = body.mediaConfig;
  if (!isObject(media)) {
    return bad(c, "mediaConfig is required: serviceHostedMediaConfig or appHostedMediaConfig.");
  }
  const mediaType = odataType(media);
  const appHosted = mediaType === "apphostedmediaconfig" || (mediaType === "" && "blob" in media);
  if (!appHosted && mediaType !== "servicehostedmediaconfig" && mediaType !== "") {
    return bad(c, `mediaConfig has an unknown type '${String(media["@odata.type"])}'.`);
  }
  if (body.callbackUri !== undefined && body.callbackUri !== null) {
    const refusal = callbackRefusal(body.callbackUri);
    if (refusal) return bad(c, refusal);
  }
  if (Array.isArray(body.targets) && body.targets.length > 0) {
    return graphError(
      501,
      "NotImplemented",
      "The emulator joins meetings only; calls to targets are not emulated.",
      c.ids,
    );
  }
  const info = body.meetingInfo;
  if (!isObject(info)) {
    return bad(
      c,
      "meetingInfo is required to join a meeting (organizerMeetingInfo or " +
        "joinMeetingIdMeetingInfo).",
    );
  }
  if (body.requestedModalities !== undefined && !Array.isArray(body.requestedModalities)) {
    return bad(c, "requestedModalities must be an array.");
  }
  if (appHosted && !has(c.caller, [MEDIA_ROLE])) {
    return graphError(
      403,
      "Forbidden",
      `Application-hosted media needs the application permission ${MEDIA_ROLE}.`,
      c.ids,
    );
  }
  const infoType = odataType(info);
  const chat = isObject(body.chatInfo) ? body.chatInfo : undefined;
  let target: JoinTarget;
  if (infoType === "organizermeetinginfo" || (infoType === "" && "organizer" in info)) {
    if (typeof chat?.threadId !== "string" || !chat.threadId) {
      return bad(c, "chatInfo.threadId is required to join with organizerMeetingInfo.");
    }
    const organizer = isObject(info.organizer) ? info.organizer : undefined;
    const user = isObject(organizer?.user) ? organizer.user : undefined;
    target = {
      kind: "organizer",
      threadId: chat.threadId,
      organizerId: typeof user?.id === "string" ? user.id : undefined,
    };
  } else if (
    infoType === "joinmeetingidmeetinginfo" || (infoType === "" && "joinMeetingId" in info)
  ) {
    if (typeof info.joinMeetingId !== "string" || !info.joinMeetingId) {
      return bad(c, "joinMeetingIdMeetingInfo.joinMeetingId is required.");
    }
    if (
      info.passcode !== undefined && info.passcode !== null && typeof info.passcode !== "string"
    ) {
      return bad(c, "joinMeetingIdMeetingInfo.passcode must be a string.");
    }
    target = {
      kind: "joinMeetingId",
      joinMeetingId: info.joinMeetingId,
      passcode: typeof info.passcode === "string" ? info.passcode : undefined,
    };
  } else if (infoType === "tokenmeetinginfo") {
    return graphError(
      501,
      "NotImplemented",
      "Joining with tokenMeetingInfo is not emulated; use organizerMeetingInfo or " +
        "joinMeetingIdMeetingInfo.",
      c.ids,
    );
  } else {
    return bad(c, `meetingInfo has an unknown type '${String(info["@odata.type"] ?? "")}'.`);
  }
  const found = findMeeting(tenant.meetings.values(), target);
  if (found === "notFound") {
    return graphError(
      404,
      "itemNotFound",
      "The meeting was not found: check the thread and organizer, or the meeting id.",
      c.ids,
    );
  }
  if (found === "wrongPasscode") {
    return graphError(403, "Forbidden", "The passcode is not valid for this meeting.", c.ids);
  }
  const echo: Record<string, unknown> = {
    chatInfo: {
      "@odata.type": "#microsoft.graph.chatInfo",
      threadId: found.threadId,
      messageId: typeof chat?.messageId === "string" ? chat.messageId : "0",
      replyChainMessageId: typeof chat?.replyChainMessageId === "string"
        ? chat.replyChainMessageId
        : null,
    },
    meetingInfo: info,
    mediaConfig: appHosted ? { "@odata.type": "#microsoft.graph.appHostedMediaConfig" } : media,
    requestedModalities: body.requestedModalities ?? ["audio"],
    subject: typeof body.subject === "string" ? body.subject : null,
    callOptions: isObject(body.callOptions) ? body.callOptions : null,
  };
  const call = c.runtime.join(tenant, found, {
    appId: c.caller.appId,
    callbackUri: typeof body.callbackUri === "string" ? body.callbackUri : null,
    echo,
  });
  return graphJson(
    {
      "@odata.context": `${c.baseUrl}/${c.version}/$metadata#communications/calls/$entity`,
      ...callJson(call, tenant),
    },
    c.ids,
    {
      status: 201,
      headers: {
        location: `${c.baseUrl}/${c.version}/communications/calls/${encodeURIComponent(call.id)}`,
      },
    },
  );
}

/** `GET /communications/calls/{id}`. */
export function getCall(c: CallsContext, call: EmulatedCall): Response {
  return graphJson({
    "@odata.context": `${c.baseUrl}/${c.version}/$metadata#communications/calls/$entity`,
    ...callJson(call, c.caller.tenant),
  }, c.ids);
}

/** `DELETE /communications/calls/{id}`: ends only this app's leg. */
export function hangUp(c: CallsContext, call: EmulatedCall): Response {
  c.runtime.hangUp(c.caller.tenant, call);
  return new Response(null, { status: 204, headers: graphHeaders(c.ids) });
}

/** `POST /communications/calls/{id}/keepAlive`. */
export function keepAlive(c: CallsContext, call: EmulatedCall): Response {
  c.runtime.keepAlive(c.caller.tenant, call);
  return new Response(null, { status: 200, headers: graphHeaders(c.ids) });
}
