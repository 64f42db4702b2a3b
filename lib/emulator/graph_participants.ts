/**
 * The participants routes of an app's own call: list (with `$filter`, `$orderby`, `$count`,
 * `$skip`, `$top`, `$select`), `participants/$count`, get, remove (or cancel a pending
 * invitation), mute, invite, and the call's operations. The caller, the call's ownership and the
 * operation's role are checked before these run (graph_routes.ts).
 *
 * @module
 */

import type { CallRuntime } from "./call_runtime.ts";
import {
  graphError,
  graphHeaders,
  graphJson,
  type GraphRequestIds,
  readJsonBody,
} from "./graph_errors.ts";
import { checkInviteBody, createInvitation } from "./graph_invite.ts";
import {
  parseFilter,
  parseOrderBy,
  parseSelect,
  type PathCheck,
  queryOptions,
  type QueryRefusal,
  sortBy,
  wholeNumber,
} from "./graph_query.ts";
import { type CommsOperation, operationJson, operationsOf, rosterExtras } from "./graph_roster.ts";
import { participantJson } from "./participant_json.ts";
import type { EmulatedCall, EmulatedTenant } from "./state.ts";

/** What a participants route needs. */
export interface ParticipantsContext {
  runtime: CallRuntime;
  baseUrl: string;
  version: string;
  ids: GraphRequestIds;
  tenant: EmulatedTenant;
  call: EmulatedCall;
  /** The answer to a removal the tenant policy refuses. */
  policyDenial: { status: number; code: string; message: string };
  /** Whether the caller is in the tenant's `AllowRemoveParticipantAppIds`. */
  mayRemove: boolean;
  /** Most participants one invitation may name. */
  inviteLimit: number;
}

const PARTICIPANT_PROPERTIES: ReadonlySet<string> = new Set([
  "id",
  "info",
  "isInLobby",
  "isMuted",
  "mediaStreams",
  "metadata",
  "recordingInfo",
  "removedState",
  "restrictedExperience",
  "rosterSequenceNumber",
]);

const checkParticipantPath: PathCheck = (path) =>
  PARTICIPANT_PROPERTIES.has(path[0]!)
    ? undefined
    : `Could not find a property named '${path[0]}' on type 'microsoft.graph.participant'.`;

function bad(ids: GraphRequestIds, r: QueryRefusal): Response {
  return graphError(400, "BadRequest", r.refusal, ids);
}

function isRefusal(v: unknown): v is QueryRefusal {
  return typeof v === "object" && v !== null && "refusal" in v;
}

function select(json: Record<string, unknown>, fields: string[] | undefined) {
  if (!fields) return json;
  const out: Record<string, unknown> = { id: json.id };
  for (const f of fields) if (f in json) out[f] = json[f];
  return out;
}

function callContext(c: ParticipantsContext): string {
  return `${c.baseUrl}/${c.version}/$metadata#communications/calls('${
    encodeURIComponent(c.call.id)
  }')`;
}

/** `GET .../participants` and `GET .../participants/$count`. */
export function listParticipants(c: ParticipantsContext, url: URL, countOnly: boolean): Response {
  const opts = queryOptions(
    url.searchParams,
    countOnly
      ? ["$filter"]
      : ["$filter", "$orderby", "$count", "$skip", "$top", "$skiptoken", "$select"],
  );
  if (isRefusal(opts)) return bad(c.ids, opts);
  const sequence = rosterExtras(c.call.participants).sequence;
  let all = c.runtime.visibleParticipants(c.call).map((p) => participantJson(p, sequence));
  const filterText = opts.get("$filter");
  if (filterText !== undefined) {
    const filter = parseFilter(filterText, checkParticipantPath);
    if (isRefusal(filter)) return bad(c.ids, filter);
    all = all.filter(filter);
  }
  if (countOnly) {
    return new Response(String(all.length), {
      headers: graphHeaders(c.ids, { "content-type": "text/plain;charset=utf-8" }),
    });
  }
  const orderText = opts.get("$orderby");
  if (orderText !== undefined) {
    const keys = parseOrderBy(orderText, checkParticipantPath);
    if (isRefusal(keys)) return bad(c.ids, keys);
    sortBy(all, keys);
  }
  const countText = opts.get("$count");
  if (countText !== undefined && !/^(true|false)$/i.test(countText)) {
    return bad(c.ids, { refusal: `Invalid value '${countText}' for query option '$count'.` });
  }
  const top = wholeNumber("$top", opts.get("$top"), 999);
  if (isRefusal(top)) return bad(c.ids, top);
  if (top === 0) return bad(c.ids, { refusal: "Invalid value for $top: use 1 to 999." });
  const skip = wholeNumber("$skip", opts.get("$skip"));
  if (isRefusal(skip)) return bad(c.ids, skip);
  const token = wholeNumber("$skiptoken", opts.get("$skiptoken"));
  if (isRefusal(token)) return bad(c.ids, { refusal: "Invalid $skiptoken." });
  const fields = parseSelect(
    opts.get("$select"),
    PARTICIPANT_PROPERTIES,
    "microsoft.graph.participant",
  );
  if (isRefusal(fields)) return bad(c.ids, fields);
  const start = (skip ?? 0) + (token ?? 0);
  const page = top === undefined ? all.slice(start) : all.slice(start, start + top);
  const body: Record<string, unknown> = { "@odata.context": `${callContext(c)}/participants` };
  if (countText?.toLowerCase() === "true") body["@odata.count"] = all.length;
  body.value = page.map((p) => select(p, fields));
  if (top !== undefined && start + top < all.length) {
    const next = new URL(`${c.baseUrl}${url.pathname}`);
    for (const name of ["$filter", "$orderby", "$count", "$select", "$top"]) {
      const v = opts.get(name);
      if (v !== undefined) next.searchParams.set(name, v);
    }
    // $skip is folded into the token, so the next page does not skip again.
    next.searchParams.set("$skiptoken", String(start + top - (skip ?? 0)));
    if (skip) next.searchParams.set("$skip", String(skip));
    body["@odata.nextLink"] = next.toString();
  }
  return graphJson(body, c.ids);
}

/** `GET .../participants/{id}`. */
export function getParticipant(c: ParticipantsContext, url: URL, participantId: string): Response {
  const opts = queryOptions(url.searchParams, ["$select"]);
  if (isRefusal(opts)) return bad(c.ids, opts);
  const fields = parseSelect(
    opts.get("$select"),
    PARTICIPANT_PROPERTIES,
    "microsoft.graph.participant",
  );
  if (isRefusal(fields)) return bad(c.ids, fields);
  const p = c.runtime.visibleParticipant(c.call, participantId);
  if (!p) return participantNotFound(c, participantId);
  const json = participantJson(p, rosterExtras(c.call.participants).sequence);
  return graphJson({
    "@odata.context": `${callContext(c)}/participants/$entity`,
    ...select(json, fields),
  }, c.ids);
}

function participantNotFound(c: ParticipantsContext, participantId: string): Response {
  return graphError(
    404,
    "itemNotFound",
    `Participant '${participantId}' was not found in call '${c.call.id}'.`,
    c.ids,
  );
}

/** `DELETE .../participants/{id}`: removes, or cancels a pending invitation. */
export function removeParticipant(c: ParticipantsContext, participantId: string): Response {
  if (!c.mayRemove) {
    const d = c.policyDenial;
    return graphError(d.status, d.code, d.message, c.ids);
  }
  const outcome = c.runtime.removeParticipant(c.tenant, c.call, participantId);
  if (outcome === "notFound") return participantNotFound(c, participantId);
  return new Response(null, { status: 204, headers: graphHeaders(c.ids) });
}

function operationLocation(c: ParticipantsContext, op: CommsOperation): string {
  return `${c.baseUrl}/${c.version}/communications/calls/${
    encodeURIComponent(c.call.id)
  }/operations/${op.id}`;
}

/** `POST .../participants/{id}/mute`: a server mute, completed at once. */
export async function muteParticipant(
  c: ParticipantsContext,
  request: Request,
  participantId: string,
): Promise<Response> {
  const p = c.runtime.visibleParticipant(c.call, participantId);
  if (!p) {
    await request.body?.cancel();
    return participantNotFound(c, participantId);
  }
  let clientContext: string | null = null;
  const text = await request.text();
  if (text) {
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      return graphError(400, "BadRequest", "The request body is not valid JSON.", c.ids);
    }
    const cc = (body as { clientContext?: unknown } | null)?.clientContext;
    if (cc !== undefined && cc !== null) {
      if (typeof cc !== "string" || cc.length > 256) {
        return graphError(
          400,
          "BadRequest",
          "clientContext must be at most 256 characters.",
          c.ids,
        );
      }
      clientContext = cc;
    }
  }
  p.isMuted = true;
  p.serverMuted = true;
  rosterExtras(c.call.participants).sequence++;
  const meeting = c.runtime.meetingOf(c.tenant, c.call);
  if (meeting) c.runtime.rosterChanged(meeting);
  const op: CommsOperation = {
    id: crypto.randomUUID(),
    callId: c.call.id,
    type: "#microsoft.graph.muteParticipantOperation",
    status: "Completed",
    clientContext,
    resultInfo: { code: 200, subcode: 0, message: "The participant was muted." },
    invitations: [],
  };
  operationsOf(c.call).set(op.id, op);
  return graphJson(
    {
      "@odata.context":
        `${c.baseUrl}/${c.version}/$metadata#microsoft.graph.muteParticipantOperation`,
      ...operationJson(op),
    },
    c.ids,
    { headers: { location: operationLocation(c, op) } },
  );
}

/** `POST .../participants/invite`. */
export async function inviteParticipants(
  c: ParticipantsContext,
  request: Request,
): Promise<Response> {
  const read = await readJsonBody(request, c.ids, "The request body is not valid JSON.");
  if (read instanceof Response) return read;
  const { body } = read;
  const refusal = checkInviteBody(body, c.version, c.inviteLimit);
  if (refusal) return graphError(refusal.status, refusal.code, refusal.message, c.ids);
  const op = createInvitation(
    c.tenant,
    c.call,
    body as { participants: Record<string, unknown>[]; clientContext?: string },
    c.runtime.now(),
  );
  if (!("id" in op)) return graphError(op.status, op.code, op.message, c.ids);
  c.runtime.invitationsChanged(c.tenant, c.call);
  return graphJson(
    {
      "@odata.context":
        `${c.baseUrl}/${c.version}/$metadata#microsoft.graph.inviteParticipantsOperation`,
      ...operationJson(op),
    },
    c.ids,
    { headers: { location: operationLocation(c, op) } },
  );
}

/** `GET .../operations/{id}`. */
export function getOperation(c: ParticipantsContext, operationId: string): Response {
  const op = operationsOf(c.call).get(operationId);
  if (!op) {
    return graphError(404, "itemNotFound", `Operation '${operationId}' was not found.`, c.ids);
  }
  return graphJson({
    "@odata.context": `${callContext(c)}/operations/$entity`,
    ...operationJson(op),
  }, c.ids);
}
