/**
 * Reading a Teams meeting join link into what `POST /communications/calls` needs. The URL is
 * parsed as a URL (host, path segments and query parameters, including those after a `#/`
 * fragment), never by a regular expression over the whole text:
 *
 * - long links, `https://teams.microsoft.com/l/meetup-join/{thread}/{message}?context={"Tid":
 *   "...","Oid":"..."[,"MessageId":"..."]}` (also behind `/_#/`, with extra query parameters),
 *   give the chat thread, the message id, the reply-chain id, the tenant and the organizer;
 * - short links, `https://teams.microsoft.com/meet/{id}?p={code}` and
 *   `https://teams.microsoft.com/v2/?meetingjoin=true#/meet/{id}?p={code}`, give the join meeting
 *   id and passcode; the tenant is not in them and must come from the caller.
 *
 * The host names the cloud: teams.microsoft.com (Global, also GCC), gov.teams.microsoft.us
 * (USGov), dod.teams.microsoft.us (USGovDoD). Consumer links (teams.live.com) and any other host
 * are refused with the reason. Facts: ../shared/reference/meetings.md section 3.
 *
 * @module
 */

import type { CloudName } from "../clouds.ts";
import { InvalidInputError } from "../errors.ts";
import { isGuid } from "../identifiers.ts";
import { printable } from "./ids.ts";

/** A long (meetup-join) link's coordinates. */
export interface LongJoinLink {
  /** Which shape the link had. */
  kind: "meetupJoin";
  /** The cloud its host belongs to. */
  cloud: CloudName;
  /** `chatInfo.threadId`, e.g. `19:meeting_...@thread.v2`. */
  threadId: string;
  /** `chatInfo.messageId`: `0` for scheduled meetings, a message id for channel meetings. */
  messageId: string;
  /** `chatInfo.replyChainMessageId`, from the context's `MessageId`. */
  replyChainMessageId?: string;
  /** The meeting's tenant (the context's `Tid`). */
  tenantId: string;
  /** The organizer's object id (the context's `Oid`). */
  organizerId: string;
}

/** A short link's coordinates. */
export interface ShortJoinLink {
  /** Which shape the link had. */
  kind: "joinMeetingId";
  /** The cloud its host belongs to. */
  cloud: CloudName;
  /** `joinMeetingIdMeetingInfo.joinMeetingId`. */
  joinMeetingId: string;
  /** `joinMeetingIdMeetingInfo.passcode` (the link's `p`), when the link has one. */
  passcode?: string;
}

/** What a join link holds. */
export type JoinLink = LongJoinLink | ShortJoinLink;

const HOSTS: Readonly<Record<string, CloudName>> = Object.freeze({
  "teams.microsoft.com": "Global",
  "gov.teams.microsoft.us": "USGov",
  "dod.teams.microsoft.us": "USGovDoD",
});

const REFUSED_HOSTS: Readonly<Record<string, string>> = Object.freeze({
  "teams.live.com": "it is a Teams (free) consumer meeting, which an organization's app cannot " +
    "join through Microsoft Graph",
  "teams.microsoftonline.cn": "it is a meeting in the China cloud (21Vianet), where Microsoft " +
    "Graph offers no calls API",
});

const MAX_LENGTH = 4096;
const THREAD = /^19:[A-Za-z0-9_\-.=+]+@thread\.(?:v2|skype|tacv2)$/;
const DIGITS = /^\d{1,20}$/;
const MEETING_ID = /^\d{6,20}$/;
const PASSCODE = /^[A-Za-z0-9._~\-]{1,64}$/;

function refuse(reason: string, field: string): never {
  throw new InvalidInputError(field, reason);
}

/**
 * The meeting path and its query: the URL's own, or, when the URL's path is only the web app's
 * entry (`/_`, `/v2/`), the path and query inside the `#/...` fragment.
 */
function appPath(url: URL): { path: string; params: URLSearchParams } {
  const first = url.pathname.split("/").filter(Boolean)[0];
  const fragment = url.hash.replace(/^#/, "");
  if (first !== "l" && first !== "meet" && fragment.startsWith("/")) {
    const inner = new URL(fragment, "https://fragment.invalid");
    return { path: inner.pathname, params: inner.searchParams };
  }
  return { path: url.pathname, params: url.searchParams };
}

function decodeSegment(segment: string, field: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return refuse(
      `the link's path holds a broken percent-encoding ("${printable(segment)}")`,
      field,
    );
  }
}

function contextOf(params: URLSearchParams, field: string): Record<string, unknown> {
  const raw = params.get("context");
  if (raw === null) {
    return refuse(
      "the link has no context parameter (the tenant and the organizer are in it): copy the " +
        "whole link from the meeting invitation",
      field,
    );
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    return refuse("the link's context parameter is not JSON", field);
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    return refuse("the link's context parameter is not a JSON object", field);
  }
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(parsed)) out[k.toLowerCase()] = v;
  return out;
}

/**
 * Reads a Teams join link. Throws an {@link InvalidInputError} naming `field` with the reason for
 * anything it cannot use; never anything else.
 *
 * @example A long link and a short one
 * ```ts
 * import { parseJoinUrl } from "./join_url.ts";
 * const long = parseJoinUrl(
 *   "https://teams.microsoft.com/l/meetup-join/19%3ameeting_NjA2MzY5ZWQtZmU4Ni00%40thread.v2/0" +
 *     "?context=%7b%22Tid%22%3a%2272f988bf-86f1-41af-91ab-2d7cd011db47%22%2c%22Oid%22%3a" +
 *     "%225b2c1a9e-0e5f-4f7a-9d39-6f1e2a3b4c5d%22%7d",
 * );
 * console.log(long.kind, long.kind === "meetupJoin" && long.tenantId);
 * const short = parseJoinUrl("https://teams.microsoft.com/meet/2414128301281?p=NzhDLMLT8b07DrkwkE");
 * console.log(short.kind, short.kind === "joinMeetingId" && short.joinMeetingId);
 * ```
 */
export function parseJoinUrl(link: string, field = "joinUrl"): JoinLink {
  if (typeof link !== "string" || link.trim() === "") {
    return refuse("give the meeting's join link (https://teams.microsoft.com/...)", field);
  }
  const text = link.trim();
  if (text.length > MAX_LENGTH) {
    return refuse(`the link is longer than ${MAX_LENGTH} characters`, field);
  }
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return refuse(`"${printable(text)}" is not a URL; copy the meeting's join link`, field);
  }
  if (url.protocol !== "https:") {
    return refuse(`a Teams join link starts with https:// (this one: ${url.protocol})`, field);
  }
  const host = url.hostname.toLowerCase();
  if (REFUSED_HOSTS[host]) {
    return refuse(`${host} links are not supported: ${REFUSED_HOSTS[host]}`, field);
  }
  const cloud = HOSTS[host];
  if (!cloud || url.username || url.password || (url.port && url.port !== "443")) {
    return refuse(
      `"${printable(url.host)}" is not a Teams meeting host (teams.microsoft.com, ` +
        "gov.teams.microsoft.us or dod.teams.microsoft.us)",
      field,
    );
  }
  const { path, params } = appPath(url);
  const segments = path.split("/").filter(Boolean);

  if (segments[0] === "l" && segments[1] === "meetup-join") {
    if (segments.length !== 4) {
      return refuse("a meetup-join link has the form /l/meetup-join/{thread}/{message}", field);
    }
    const threadId = decodeSegment(segments[2]!, field);
    const messageId = decodeSegment(segments[3]!, field);
    if (!THREAD.test(threadId)) {
      return refuse(
        `"${printable(threadId)}" is not a meeting chat thread id (19:...@thread.v2)`,
        field,
      );
    }
    if (!DIGITS.test(messageId)) {
      return refuse(`"${printable(messageId)}" is not a message id (digits)`, field);
    }
    const context = contextOf(params, field);
    const tid = context.tid;
    const oid = context.oid;
    if (typeof tid !== "string" || !isGuid(tid)) {
      return refuse("the link's context names no tenant (Tid): copy the whole link", field);
    }
    if (typeof oid !== "string" || !isGuid(oid)) {
      return refuse("the link's context names no organizer (Oid): copy the whole link", field);
    }
    const reply = context.messageid;
    if (reply !== undefined && !(typeof reply === "string" && DIGITS.test(reply))) {
      return refuse("the link's context MessageId is not a message id (digits)", field);
    }
    return {
      kind: "meetupJoin",
      cloud,
      threadId,
      messageId,
      ...(typeof reply === "string" ? { replyChainMessageId: reply } : {}),
      tenantId: tid.toLowerCase(),
      organizerId: oid.toLowerCase(),
    };
  }

  if (segments[0] === "meet") {
    const rest = segments.slice(1);
    if (rest.length !== 1) return refuse("a short link has the form /meet/{id}?p={code}", field);
    const joinMeetingId = decodeSegment(rest[0]!, field);
    if (!MEETING_ID.test(joinMeetingId)) {
      return refuse(`"${printable(joinMeetingId)}" is not a meeting id (6 to 20 digits)`, field);
    }
    const passcode = params.get("p");
    if (passcode !== null && !PASSCODE.test(passcode)) {
      return refuse("the link's passcode (p) holds characters a passcode never has", field);
    }
    return { kind: "joinMeetingId", cloud, joinMeetingId, ...(passcode ? { passcode } : {}) };
  }

  return refuse(
    "this Teams link is not a meeting join link (/l/meetup-join/... or /meet/...): open the " +
      "meeting invitation and copy 'Join the meeting now'",
    field,
  );
}
