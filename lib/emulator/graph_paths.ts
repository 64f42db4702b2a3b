/**
 * The Graph paths the emulator knows, parsed from the part after `/v1.0` or `/beta`. A path Graph
 * has but the emulator does not model is `unimplemented` (an honest 501), never Graph's "Resource
 * not found for the segment", which is kept for top-level segments Graph does not have.
 * `/app/calls/...` is the deprecated alias of `/communications/calls/...`.
 *
 * @module
 */

/** A parsed Graph path. */
export type GraphPath =
  | { kind: "batch" }
  | { kind: "calls" }
  | { kind: "call"; callId: string }
  | { kind: "callAction"; callId: string; action: string }
  | { kind: "participants"; callId: string }
  | { kind: "participantsCount"; callId: string }
  | { kind: "invite"; callId: string }
  | { kind: "participant"; callId: string; participantId: string }
  | { kind: "participantAction"; callId: string; participantId: string; action: string }
  | { kind: "operations"; callId: string }
  | { kind: "operation"; callId: string; operationId: string }
  | { kind: "user"; id: string; parenthesised: boolean }
  | { kind: "unimplemented"; what: string; callId?: string }
  | { kind: "unknownSegment"; segment: string }
  | { kind: "badUrl" };

/** Actions and navigations of Graph's `call` resource (v1.0 and beta). */
export const CALL_ACTIONS: ReadonlySet<string> = new Set([
  "keepAlive",
  "answer",
  "reject",
  "redirect",
  "transfer",
  "mute",
  "unmute",
  "playPrompt",
  "recordResponse",
  "cancelMediaProcessing",
  "changeScreenSharingRole",
  "subscribeToTone",
  "updateRecordingStatus",
  "sendDtmfTones",
  "addLargeGalleryView",
  "startRecording",
  "stopRecording",
  "audioRoutingGroups",
  "contentSharingSessions",
  "logTeleconferenceDeviceQuality",
]);

/** Actions of Graph's `participant` resource. */
export const PARTICIPANT_ACTIONS: ReadonlySet<string> = new Set([
  "mute",
  "startHoldMusic",
  "stopHoldMusic",
]);

/** Top-level segments of Graph (v1.0 and beta) the emulator answers 501 for, not 400. */
const GRAPH_ROOTS = new Set(
  [
    "$metadata",
    "admin",
    "agreements",
    "appCatalogs",
    "applications",
    "auditLogs",
    "chats",
    "communications",
    "contacts",
    "devices",
    "deviceManagement",
    "directory",
    "directoryObjects",
    "directoryRoles",
    "domains",
    "drives",
    "education",
    "external",
    "groups",
    "identity",
    "identityGovernance",
    "invitations",
    "me",
    "oauth2PermissionGrants",
    "organization",
    "places",
    "planner",
    "policies",
    "print",
    "reports",
    "roleManagement",
    "search",
    "security",
    "servicePrincipals",
    "sites",
    "solutions",
    "storage",
    "subscriptions",
    "teams",
    "teamwork",
    "users",
  ].map((s) => s.toLowerCase()),
);

function decode(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}

/** Parses the path after the version (it starts with `/`). */
export function parseGraphPath(rest: string): GraphPath {
  if (rest === "/$batch") return { kind: "batch" };
  const raw = rest.split("/").slice(1);
  if (raw.length > 0 && raw[raw.length - 1] === "") raw.pop(); // a trailing slash
  const parts: string[] = [];
  for (const r of raw) {
    const d = decode(r);
    if (d === undefined) return { kind: "badUrl" };
    parts.push(d);
  }
  const [root] = parts;
  if (root === undefined) return { kind: "unknownSegment", segment: "" };
  const users = /^users\((.*)\)$/.exec(raw[0]!);
  if (users) {
    const inner = decode(users[1]!);
    const quoted = inner === undefined ? undefined : /^'((?:[^']|'')*)'$/.exec(inner);
    if (!quoted || parts.length > 1) {
      return parts.length > 1 ? { kind: "unimplemented", what: rest } : { kind: "badUrl" };
    }
    return { kind: "user", id: quoted[1]!.replace(/''/g, "'"), parenthesised: true };
  }
  let callParts: string[] | undefined;
  if (root === "communications" && parts[1] === "calls") callParts = parts.slice(2);
  else if (root === "app" && parts[1] === "calls") callParts = parts.slice(2);
  if (callParts) return parseCallPath(callParts, rest);
  if (root === "users") {
    if (parts.length === 2) return { kind: "user", id: parts[1]!, parenthesised: false };
    return { kind: "unimplemented", what: rest };
  }
  if (GRAPH_ROOTS.has(root.toLowerCase())) return { kind: "unimplemented", what: rest };
  return { kind: "unknownSegment", segment: root };
}

function parseCallPath(p: string[], rest: string): GraphPath {
  const [callId, nav, item, action, ...more] = p;
  if (callId === undefined) return { kind: "calls" };
  if (nav === undefined) return { kind: "call", callId };
  if (more.length > 0) return { kind: "unimplemented", what: rest, callId };
  if (nav === "participants") {
    if (item === undefined) return { kind: "participants", callId };
    if (action === undefined) {
      if (item === "$count") return { kind: "participantsCount", callId };
      if (item === "invite") return { kind: "invite", callId };
      if (item === "muteAll") return { kind: "unimplemented", what: rest, callId };
      return { kind: "participant", callId, participantId: item };
    }
    if (PARTICIPANT_ACTIONS.has(action)) {
      return { kind: "participantAction", callId, participantId: item, action };
    }
    return { kind: "unknownSegment", segment: action };
  }
  if (nav === "operations") {
    if (item === undefined) return { kind: "operations", callId };
    if (action === undefined) return { kind: "operation", callId, operationId: item };
    return { kind: "unimplemented", what: rest, callId };
  }
  if (!CALL_ACTIONS.has(nav)) return { kind: "unknownSegment", segment: nav };
  if (item === undefined) return { kind: "callAction", callId, action: nav };
  return { kind: "unimplemented", what: rest, callId };
}
