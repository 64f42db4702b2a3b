/**
 * `graphcall meeting remove --join-url URL --user UPN|OID [--display-name NAME] [--phone E164]`:
 * the whole job. The app resolves the people, joins the meeting (waiting in the lobby, told), finds
 * every match (never itself), removes them, and leaves, also on failure and on Ctrl-C. Several
 * people share one join; `--journal` records each person's outcome and `--resume` continues a run
 * (a new join: a call id lives only as long as the app's leg).
 *
 * @module
 */

import { GraphcallError, InvalidInputError } from "../../errors.ts";
import type { Person, PersonResult } from "../../graph/remove_from_meeting.ts";
import { bulkExitCode, type BulkItem, type BulkRunResult } from "../bulk_run.ts";
import { defineCommand } from "../command.ts";
import { confirmAction, declined } from "../confirm.ts";
import { markdownTable } from "../github_actions.ts";
import type { FailedItem } from "../output.ts";
import { flag, text } from "../raw_options.ts";
import { errorDocument, renderDryRuns, table } from "../render.ts";
import { sanitise } from "../sanitise.ts";
import { exitCodeFor } from "../../errors.ts";
import {
  joinOptions,
  lobbyNotice,
  type MeetingOptions,
  parseMeetingOptions,
  parsePeople,
  personFromKey,
  personKey,
  personText,
  startListener,
} from "./meeting_common.ts";

const COMMAND = "meeting remove";

/** The options of `meeting remove`, checked. */
export interface MeetingRemoveOptions extends MeetingOptions {
  /** Whom to remove. */
  people: Person[];
  /** `--all-matches`. */
  allMatches: boolean;
  /** `--what-if`. */
  whatIf: boolean;
  /** `--confirm`. */
  confirm: boolean;
  /** `--journal FILE`. */
  journal?: string;
  /** `--resume FILE`. */
  resume?: string;
}

export default defineCommand<MeetingRemoveOptions>({
  async parse(raw) {
    const resume = text(raw, "resume");
    const journal = text(raw, "journal");
    const whatIf = flag(raw, "whatIf");
    if (resume !== undefined) {
      for (
        const [key, name] of [
          ["joinUrl", "--join-url"],
          ["user", "--user"],
          ["displayName", "--display-name"],
          ["phone", "--phone"],
          ["journal", "--journal"],
          ["whatIf", "--what-if"],
        ] as const
      ) {
        if (raw[key] !== undefined && raw[key] !== false) {
          throw new InvalidInputError(
            name,
            "cannot be combined with --resume: the journal holds the meeting and the people",
          );
        }
      }
      const { readJournal } = await import("../journal.ts");
      const contents = readJournal(resume, { repair: true });
      if (contents.header.command !== COMMAND) {
        throw new InvalidInputError(
          "--resume",
          `${resume} is the journal of '${
            sanitise(contents.header.command)
          }'; resume it with that command`,
        );
      }
      const meeting = parseMeetingOptions({ ...raw, joinUrl: contents.header.callId });
      const people = contents.header.items.map((k, i) => {
        if (typeof k !== "string") {
          throw new InvalidInputError("--resume", `${resume}: items[${i}] is not a person`);
        }
        return personFromKey(k);
      });
      const allMatches = contents.header.settings?.allMatches === true || flag(raw, "allMatches");
      return {
        ...meeting,
        people,
        allMatches,
        whatIf: false,
        confirm: flag(raw, "confirm"),
        resume,
      };
    }
    const meeting = parseMeetingOptions(raw);
    const people = parsePeople(raw);
    const { checkPeople } = await import("../../graph/remove_from_meeting.ts");
    checkPeople(people, "--user");
    if (whatIf && journal !== undefined) {
      throw new InvalidInputError("--journal", "--what-if sends nothing, so there is no run");
    }
    if (journal !== undefined) (await import("../journal.ts")).checkNewJournal(journal);
    return {
      ...meeting,
      people,
      allMatches: flag(raw, "allMatches"),
      whatIf,
      confirm: flag(raw, "confirm"),
      ...(journal !== undefined ? { journal } : {}),
    };
  },

  async run(o, deps) {
    if (o.whatIf) {
      const { dryRunGraph } = await import("../connection.ts");
      const { removeFromMeeting } = await import("../../graph/remove_from_meeting.ts");
      const dry = await dryRunGraph(deps.globals, deps.io);
      const run = await removeFromMeeting(dry.http, o.link, o.people, {
        ...joinOptions(o, undefined),
        tenantId: dry.tenantId ?? "",
        callbackUri: o.callbackUri ?? dry.callbackUri ?? "",
        dryRun: true,
      });
      if (!("dryRun" in run)) throw new GraphcallError("internal", "--what-if must not send");
      return {
        command: COMMAND,
        result: run,
        human: (paint) => renderDryRuns(run.requests.map((request) => ({ request })), paint),
      };
    }
    if (o.confirm) {
      const who = o.people.map(personText).join(", ");
      const ok = await confirmAction(
        deps.io,
        sanitise(`Remove ${who} from the meeting (the app joins, removes, and leaves)?`),
        deps.globals.yes === true,
      );
      if (!ok) return declined(COMMAND, { people: o.people.map(personKey) });
    }

    const client = await deps.connect();
    const listening = await startListener(o, deps, {
      appId: client.clientId,
      graphUrl: client.graphUrl,
      cloud: client.cloud.name,
    });
    let last: { callId?: string; myParticipantId?: string; rosterSize?: number; left?: boolean } =
      {};
    const byKey = new Map<string, PersonResult>();
    let run: BulkRunResult;
    try {
      const { runBulk } = await import("../bulk_run.ts");
      const { PersonNotFoundError } = await import("../../graph/remove_from_meeting.ts");
      const keys = o.people.map(personKey);
      run = await runBulk({
        io: deps.io,
        command: COMMAND,
        callId: o.joinUrl,
        inputs: keys,
        keys,
        settings: { allMatches: o.allMatches },
        ...(o.journal ? { journalPath: o.journal } : {}),
        ...(o.resume ? { resume: { path: o.resume } } : {}),
        listenForInterrupt: deps.listenForInterrupt,
        work: async (indices, control) => {
          const people = indices.map((i) => o.people[i]!);
          const items = new Map<string, BulkItem>();
          const onPerson = (r: PersonResult) => {
            byKey.set(personKey(r.person), r);
            const item = personItem(r);
            items.set(item.participantId, item);
            control.onItem(item);
          };
          const signal = AbortSignal.any([control.stop, control.abort]);
          try {
            const r = await client.removeFromMeeting(o.link, people, {
              ...joinOptions(o, listening),
              allMatches: o.allMatches,
              signal,
              onPerson,
              onProgress: lobbyNotice(deps),
            });
            last = r;
          } catch (e) {
            if (e instanceof PersonNotFoundError) last = e.result;
            else if (!(e instanceof GraphcallError && e.code === "aborted" && signal.aborted)) {
              throw e;
            }
          }
          return people.map((p) =>
            items.get(personKey(p)) ??
              { participantId: personKey(p), outcome: "notStarted", ok: false }
          );
        },
      });
    } finally {
      await listening?.listener.close();
    }
    const rows = run.items.map((i) => {
      const detail = byKey.get(i.participantId);
      return {
        person: personText(personFromKey(i.participantId)),
        outcome: i.outcome === "notFound"
          ? "not in the meeting"
          : i.outcome.replace(/([A-Z])/g, " $1").toLowerCase(),
        participants: detail?.participants.map((p) => p.id).join(" ") ?? "",
      };
    });
    const removed = [...byKey.values()].reduce(
      (n, r) => n + r.participants.filter((p) => p.outcome === "removed").length,
      0,
    );
    const notFound = run.items.filter((i) => i.outcome === "notFound").map((i) =>
      personText(personFromKey(i.participantId))
    );
    const failures: FailedItem[] = run.items.filter((i) => !i.ok).map((i) => ({
      subject: personText(personFromKey(i.participantId)),
      message: i.error?.message ?? (i.outcome === "notFound" ? "not in the meeting" : i.outcome),
      ...(typeof i.error?.remediation === "string" ? { fix: i.error.remediation } : {}),
    }));
    const result = {
      callId: last.callId,
      myParticipantId: last.myParticipantId,
      rosterSize: last.rosterSize,
      removed,
      notFound,
      left: last.callId === undefined ? true : last.left === true,
      ...(run.interrupted ? { interrupted: run.interrupted } : {}),
      ...(run.earlier ? { earlier: run.earlier } : {}),
      people: run.items.map(({ participantId: key, ...i }) => ({
        key,
        ...i,
        person: personFromKey(key),
        participants: byKey.get(key)?.participants.map((p) => ({
          id: p.id,
          ...(p.displayName ? { displayName: p.displayName } : {}),
          outcome: p.outcome,
        })) ?? [],
      })),
    };
    const summary = `removed ${removed} participant${
      removed === 1 ? "" : "s"
    } of ${run.items.length} ${run.items.length === 1 ? "person" : "people"} from the meeting${
      notFound.length ? `; not in the meeting: ${notFound.join(", ")}` : ""
    }${run.interrupted ? `; interrupted by ${run.interrupted}` : ""}; the app ${
      result.left ? "left" : "could not hang up (it leaves on its own when Graph ends the call)"
    }`;
    return {
      command: COMMAND,
      result,
      exitCode: bulkExitCode(run),
      failures,
      human: (paint) => table(rows, ["person", "outcome", "participants"], paint) + summary + "\n",
      notes: () =>
        notFound.length && last.rosterSize !== undefined
          ? `graphcall: ${last.rosterSize} ${
            last.rosterSize === 1 ? "person is" : "people are"
          } in the meeting besides the app; list them with: graphcall meeting participants --join-url URL\n`
          : "",
      github: {
        outputs: {
          removed: String(removed),
          failed: String(failures.length),
          "call-id": last.callId ?? "",
        },
        summary: markdownTable(`graphcall: ${summary}`, rows, [
          "person",
          "outcome",
          "participants",
        ]),
      },
    };
  },
});

/** One person's result as a journal item. */
function personItem(r: PersonResult): BulkItem {
  const failed = r.participants.find((p) => p.outcome === "failed" && p.error);
  return {
    participantId: personKey(r.person),
    outcome: r.outcome === "removed" &&
        r.participants.every((p) => p.outcome === "alreadyGone")
      ? "alreadyGone"
      : r.outcome,
    ok: r.outcome === "removed",
    ...(r.outcome === "notFound" ? { exitCode: 4 } : {}),
    ...(failed?.error
      ? { error: errorDocument(failed.error).error, exitCode: exitCodeFor(failed.error) }
      : {}),
  };
}
