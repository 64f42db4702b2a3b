/**
 * Where the participant commands get their input: `--header` values, id lists (`--from`), a
 * Graph participant URL (`--participant-url`), a `{callId, participantId}` object
 * (`--input-object`, PowerShell's `-InputObject`), and JSON from a file or stdin (`--body`).
 * Every problem is an {@link InvalidInputError} naming the flag.
 *
 * @module
 */

import { InvalidInputError } from "../errors.ts";
import { checkId } from "../graph/ids.ts";
import type { Io } from "./io.ts";

const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,100}$/;
const RESERVED_HEADERS = new Set(["authorization", "host", "content-length"]);

/** Parses `--header "Name: value"` options. */
export function parseHeaders(values: readonly string[] | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const raw of values ?? []) {
    const colon = raw.indexOf(":");
    const name = colon > 0 ? raw.slice(0, colon).trim() : "";
    const value = colon > 0 ? raw.slice(colon + 1).trim() : "";
    if (!HEADER_NAME.test(name) || /[\r\n\0]/.test(value)) {
      throw new InvalidInputError("--header", `"${raw.slice(0, 60)}" is not "Name: value"`);
    }
    if (RESERVED_HEADERS.has(name.toLowerCase())) {
      throw new InvalidInputError("--header", `${name} is set by graphcall and cannot be given`);
    }
    out[name.toLowerCase()] = value;
  }
  return out;
}

/** A call id and a participant id. */
export interface Target {
  /** The call id. */
  callId: string;
  /** The participant id. */
  participantId: string;
}

/** An id list: participant ids, some of which may name their call. */
export interface IdList {
  /** Participant ids, in order. */
  ids: string[];
  /** Call ids named by the input (JSON objects with `callId`). */
  callIds: string[];
}

/**
 * Participant ids from text: one per line (or separated by commas or spaces), `#` comments
 * ignored; or JSON: an array of ids or of objects with `participantId` (or `id`) and an optional
 * `callId`, or one such object.
 */
export function parseIdList(text: string, field: string): IdList {
  const trimmed = text.trim();
  if (trimmed.startsWith("[") || trimmed.startsWith("{")) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(trimmed);
    } catch {
      throw new InvalidInputError(field, `starts with ${trimmed[0]} but is not valid JSON`);
    }
    const list = Array.isArray(parsed) ? parsed : [parsed];
    const callIds: string[] = [];
    const ids = list.map((item, i) => {
      if (typeof item === "string") return item;
      const o = item && typeof item === "object" ? item as Record<string, unknown> : undefined;
      const id = o?.participantId ?? o?.id;
      if (typeof id !== "string") {
        throw new InvalidInputError(field, `item ${i} is neither an id nor {"participantId": ...}`);
      }
      if (o?.callId !== undefined) {
        if (typeof o.callId !== "string") {
          throw new InvalidInputError(field, `item ${i}: callId must be a string`);
        }
        callIds.push(o.callId);
      }
      return id;
    });
    return { ids, callIds };
  }
  const ids = text.split("\n")
    .map((line) => line.replace(/#.*$/, ""))
    .flatMap((line) => line.split(/[\s,]+/))
    .filter((id) => id.length > 0);
  return { ids, callIds: [] };
}

/** Reads a file, or stdin for `-`; errors name the flag. */
export async function readTextArgument(io: Io, from: string, field: string): Promise<string> {
  if (from === "-") {
    if (!io.readStdin || io.stdinIsTerminal) {
      throw new InvalidInputError(field, "- reads standard input, but nothing is piped");
    }
    return await io.readStdin();
  }
  try {
    return await Deno.readTextFile(from);
  } catch (e) {
    throw new InvalidInputError(
      field,
      e instanceof Deno.errors.NotFound ? `${from}: file not found` : `${from}: cannot be read`,
    );
  }
}

/** Reads `--from FILE|-`. */
export async function readIdList(io: Io, from: string, field = "--from"): Promise<IdList> {
  const list = parseIdList(await readTextArgument(io, from, field), field);
  if (list.ids.length === 0) throw new InvalidInputError(field, `${from} holds no participant ids`);
  return list;
}

/** Reads JSON from `--body FILE|-` (or another flag). */
export async function readJsonArgument(io: Io, from: string, field: string): Promise<unknown> {
  const text = await readTextArgument(io, from, field);
  try {
    return JSON.parse(text);
  } catch {
    throw new InvalidInputError(field, `${from === "-" ? "standard input" : from} is not JSON`);
  }
}

const PARTICIPANT_PATH = /\/communications\/calls\/([^/?#]+)\/participants\/([^/?#]+)\/?$/;

/**
 * The call and participant ids of a Graph participant URL,
 * `https://graph.microsoft.com/v1.0/communications/calls/{id}/participants/{pid}`.
 */
export function parseParticipantUrl(value: string, field = "--participant-url"): Target {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new InvalidInputError(
      field,
      "give a Graph participant URL: https://graph.microsoft.com/v1.0/communications/calls/CALL_ID/participants/PARTICIPANT_ID",
    );
  }
  const m = PARTICIPANT_PATH.exec(url.pathname);
  if (!m || (url.protocol !== "https:" && url.protocol !== "http:")) {
    throw new InvalidInputError(
      field,
      "is not a participant URL: its path must end in /communications/calls/CALL_ID/participants/PARTICIPANT_ID",
    );
  }
  const decode = (s: string) => {
    try {
      return decodeURIComponent(s);
    } catch {
      throw new InvalidInputError(field, "has a malformed %-escape");
    }
  };
  return {
    callId: checkId(decode(m[1]!), `${field} (call id)`),
    participantId: checkId(decode(m[2]!), `${field} (participant id)`),
  };
}

/** Reads `--input-object FILE|-`: one `{callId, participantId}` object (or a participant URL). */
export async function readInputObject(io: Io, from: string): Promise<Target> {
  const field = "--input-object";
  const text = (await readTextArgument(io, from, field)).trim();
  if (/^https?:\/\//.test(text)) return parseParticipantUrl(text, field);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new InvalidInputError(field, 'give JSON {"callId": "...", "participantId": "..."}');
  }
  const o = parsed && typeof parsed === "object" && !Array.isArray(parsed)
    ? parsed as Record<string, unknown>
    : undefined;
  if (!o || typeof o.callId !== "string" || typeof o.participantId !== "string") {
    throw new InvalidInputError(field, 'give JSON {"callId": "...", "participantId": "..."}');
  }
  return {
    callId: checkId(o.callId, `${field} callId`),
    participantId: checkId(o.participantId, `${field} participantId`),
  };
}

/**
 * The one call id that the flags and the input agree on. Throws when none is given or when they
 * name different calls.
 */
export function agreeOnCall(sources: readonly (readonly [string, string | undefined])[]): string {
  const given = sources.filter((s): s is readonly [string, string] => s[1] !== undefined);
  if (given.length === 0) {
    throw new InvalidInputError(
      "--call",
      "give the call id: --call ID (or --participant-url URL, --input-object FILE|-)",
    );
  }
  const [first] = given;
  for (const [field, id] of given) {
    if (id !== first![1]) {
      throw new InvalidInputError(
        field,
        `names call ${id}, but ${first![0]} names call ${first![1]}; one call per run`,
      );
    }
  }
  return checkId(first![1], first![0]);
}
