/**
 * The real job: from a meeting's join link and the people to remove, to their removal. The path
 * (../shared/reference/meetings.md, "What a tool must do"):
 *
 * 1. check every input and resolve each UPN to an object id (`GET /users/{upn}`) before joining,
 *    so that a typo or a missing `User.Read.All` costs no join;
 * 2. join the meeting (the app's own call leg) and wait until established (lobby: told, timed);
 * 3. read the roster, match each person (every device of a person; never the app itself; a display
 *    name that matches several people is refused unless `allMatches`);
 * 4. remove each match through the shared worker pool;
 * 5. hang up in `finally`: on success, on error and on abort, the app leaves the meeting.
 *
 * `dryRun` resolves nothing and sends nothing: it returns the requests it would send, with
 * `{callId}`-style placeholders where an id is only known once Graph answers.
 *
 * @module
 */

import { GraphcallError, GraphError, InvalidInputError } from "../errors.ts";
import { isGuid } from "../identifiers.ts";
import type { CallHandle } from "./call.ts";
import type { DryRunRequest, DryRunResult, GraphHttp } from "./graph_http.ts";
import { checkE164 } from "./identities.ts";
import {
  checkCallbackUri,
  joinBody,
  joinMeeting,
  type JoinOptions,
  joinTenant,
  meetingLink,
  type MeetingTarget,
} from "./meeting_join.ts";
import { OPERATION_CATALOGUE, type OperationName } from "./operations.ts";
import { type OperationCall, runOperation } from "./run_operation.ts";
import { findInRoster, isSelf, type Participant } from "./roster_match.ts";
import { isUpn, userPathSegment } from "./user_key.ts";
import { resolveUser } from "./users.ts";
import { runPool } from "./worker_pool.ts";
import { PersonNotFoundError } from "./person_not_found.ts";
import type { Person, PersonResult, RemoveFromMeetingResult } from "./meeting_result.ts";

export { PersonNotFoundError };
export type { Person, PersonResult, RemoveFromMeetingResult } from "./meeting_result.ts";

/** Options of {@link removeFromMeeting}. */
export interface RemoveFromMeetingOptions extends Omit<JoinOptions, "dryRun"> {
  /** Remove every participant a display name matches (otherwise several matches are refused). */
  allMatches?: boolean;
  /** Removals in flight at most (default 4). */
  concurrency?: number;
  /** Return the requests instead of sending anything (nothing is resolved either). */
  dryRun?: boolean;
  /** Told after each person is done (for a journal). */
  onPerson?: (result: PersonResult) => void;
}

/** A dry run of the whole job. */
export interface RemoveFromMeetingDryRun {
  /** Always true. */
  dryRun: true;
  /** The requests in the order they would be sent. */
  requests: DryRunRequest[];
}

type Checked =
  | { person: Person; kind: "user"; value: string }
  | { person: Person; kind: "displayName"; value: string }
  | { person: Person; kind: "phone"; value: string };

/** Checks the people before anything is sent. */
export function checkPeople(people: readonly Person[], field = "people"): Checked[] {
  if (!Array.isArray(people) || people.length === 0) {
    throw new InvalidInputError(
      field,
      "name at least one person (a UPN, object id, name or number)",
    );
  }
  return people.map((person, i) => {
    const f = `${field}[${i}]`;
    const p = typeof person === "string" ? { user: person } : person;
    if (typeof p !== "object" || p === null) {
      throw new InvalidInputError(f, "a person is a UPN, an object id, {displayName} or {phone}");
    }
    if ("user" in p) {
      userPathSegment(p.user, `${f}.user`);
      return { person, kind: "user", value: p.user.trim() };
    }
    if ("phone" in p) return { person, kind: "phone", value: checkE164(p.phone, `${f}.phone`) };
    if ("displayName" in p && typeof p.displayName === "string" && p.displayName.trim()) {
      return { person, kind: "displayName", value: p.displayName.trim() };
    }
    throw new InvalidInputError(f, "a person is a UPN, an object id, {displayName} or {phone}");
  });
}

function describePerson(c: Checked): string {
  return c.kind === "user" ? c.value : c.kind === "phone" ? c.value : `"${c.value}"`;
}

/** Removes people from a meeting: join, find, remove, leave. */
export async function removeFromMeeting(
  http: GraphHttp,
  target: MeetingTarget,
  people: readonly Person[],
  options: RemoveFromMeetingOptions & { tenantId: string; callbackUri: string },
): Promise<RemoveFromMeetingResult | RemoveFromMeetingDryRun> {
  const link = meetingLink(target);
  const checked = checkPeople(people);
  const tenantId = joinTenant(link, options.tenantId);
  const callbackUri = checkCallbackUri(options.callbackUri);
  if (options.dryRun) return dryRun(http, link, checked, { tenantId, callbackUri });

  // 1. resolve UPNs before joining
  const userIds = new Map<Checked, string>();
  for (const c of checked) {
    if (c.kind !== "user") continue;
    if (isGuid(c.value)) userIds.set(c, c.value.toLowerCase());
    else {
      userIds.set(
        c,
        (await resolveUser(http, c.value, options.signal ? { signal: options.signal } : {})).id,
      );
    }
  }

  // 2. join
  const joined = await joinMeeting(http, link, {
    ...options,
    tenantId,
    callbackUri,
    dryRun: false,
    keepAliveIntervalMs: 0,
  });
  const call = joined as CallHandle;
  const result: RemoveFromMeetingResult = {
    callId: call.id,
    myParticipantId: call.myParticipantId,
    rosterSize: 0,
    people: [],
    removed: 0,
    left: false,
  };
  try {
    // 3. roster and matches
    const roster: Participant[] = [];
    for await (const p of call.participants(options.signal ? { signal: options.signal } : {})) {
      roster.push(p);
    }
    const self = { myParticipantId: call.myParticipantId, appId: http.clientId };
    result.rosterSize = roster.filter((p) => !isSelf(p, self)).length;
    const plan = checked.map((c) => {
      const criteria = c.kind === "user"
        ? { user: userIds.get(c)! }
        : c.kind === "phone"
        ? { phone: c.value }
        : { displayName: c.value };
      return { c, matches: findInRoster(roster, criteria, self) };
    });
    for (const { c, matches } of plan) {
      if (c.kind === "displayName" && matches.length > 1 && !options.allMatches) {
        throw new GraphcallError(
          "ambiguous",
          `the name ${describePerson(c)} matches ${matches.length} people in the meeting; ` +
            "nobody was removed",
          {
            remediation: "name the person by UPN or object id, or allow every match " +
              "(--all-matches)",
          },
        );
      }
    }

    // 4. remove every match
    for (const { c, matches } of plan) {
      const userId = userIds.get(c);
      const entry: PersonResult = {
        person: c.person,
        outcome: matches.length === 0 ? "notFound" : "removed",
        ...(userId ? { userId } : {}),
        participants: [],
      };
      entry.participants = await runPool<Participant, PersonResult["participants"][number]>(
        matches,
        async (p) => {
          try {
            const r = await call.remove(p.id, options.signal ? { signal: options.signal } : {});
            return {
              ...who(p),
              outcome: r.alreadyRemoved ? "alreadyGone" as const : "removed" as const,
            };
          } catch (e) {
            if (e instanceof GraphError && e.code === "not_found") {
              return { ...who(p), outcome: "alreadyGone" };
            }
            throw e;
          }
        },
        {
          ...(options.concurrency !== undefined ? { concurrency: options.concurrency } : {}),
          ...(options.signal ? { signal: options.signal } : {}),
          failed: (p, error) => ({ ...who(p), outcome: "failed", error }),
          notStarted: (p) => ({ ...who(p), outcome: "failed" }),
        },
      );
      if (entry.participants.some((p) => p.outcome === "failed")) entry.outcome = "failed";
      result.removed += entry.participants.filter((p) => p.outcome === "removed").length;
      result.people.push(entry);
      options.onPerson?.(entry);
    }
  } finally {
    // 5. leave, whatever happened
    try {
      await call.hangUp();
      result.left = true;
    } catch {
      result.left = false;
    }
  }
  const failed = result.people.find((p) => p.outcome === "failed");
  if (failed) {
    const error = failed.participants.find((p) => p.error)?.error;
    if (error) throw error;
  }
  const missing = result.people.filter((p) => p.outcome === "notFound");
  if (missing.length > 0) {
    throw new PersonNotFoundError(
      `${missing.map((m) => describePerson(checkPeople([m.person])[0]!)).join(", ")} ${
        missing.length === 1 ? "is" : "are"
      } not in the meeting (${result.rosterSize} ${
        result.rosterSize === 1 ? "person is" : "people are"
      } in it besides the app); the app left`,
      result,
    );
  }
  return result;
}

function who(p: Participant): { id: string; displayName?: string } {
  const identity = p.info?.identity ?? {};
  const name = Object.values(identity).find((i) => typeof i?.displayName === "string")
    ?.displayName;
  return { id: p.id, ...(name ? { displayName: name } : {}) };
}

async function dryRun(
  http: GraphHttp,
  link: ReturnType<typeof meetingLink>,
  checked: Checked[],
  join: { tenantId: string; callbackUri: string },
): Promise<RemoveFromMeetingDryRun> {
  const requests: DryRunRequest[] = [];
  const describe = async (call: OperationCall) => {
    requests.push((await runOperation(http, { ...call, dryRun: true }) as DryRunResult).request);
  };
  // Ids Graph has not given yet stay as the catalogue's placeholders ({callId}, {participantId}).
  const template = (name: OperationName) =>
    http.describe({
      method: OPERATION_CATALOGUE[name].method,
      path: OPERATION_CATALOGUE[name].path,
      operation: name,
    }).request;
  for (const c of checked) {
    if (c.kind === "user" && isUpn(c.value)) {
      await describe({
        name: "lookup",
        params: { userId: c.value },
        query: { $select: "id,displayName,userPrincipalName,mail" },
      });
    }
  }
  await describe({ name: "join", body: joinBody(link, join) });
  requests.push(template("getCall"), template("list"));
  for (const _ of checked) requests.push(template("remove"));
  requests.push(template("hangUp"));
  return { dryRun: true, requests };
}
