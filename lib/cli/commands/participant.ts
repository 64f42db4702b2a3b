/**
 * `graphcall participant remove|invite|list|get|mute`: the participants of a call. This file
 * builds the group and `remove`; invite is in participant_invite.ts, list/get/mute in
 * participant_read.ts. Parsing and rendering only; the work is in lib/graph, reached through
 * ../participant_actions.ts.
 *
 * @module
 */

import { Command } from "npm:@commander-js/extra-typings@15.1.0";
import { InvalidInputError } from "../../errors.ts";
import type { DryRunResult } from "../../graph/graph_http.ts";
import type { RemoveResult } from "../../graph/remove.ts";
import { checkId } from "../../graph/ids.ts";
import { confirmAction } from "../confirm.ts";
import type { JournalContents } from "../journal.ts";
import { markdownTable } from "../github_actions.ts";
import type { GlobalOptions } from "../global_options.ts";
import type { Io } from "../io.ts";
import { emit } from "../output.ts";
import { renderDryRuns, table } from "../render.ts";
import { bulkExitCode, type BulkRunResult } from "../bulk_run.ts";
import {
  agreeOnCall,
  parseHeaders,
  parseParticipantUrl,
  readIdList,
  readInputObject,
} from "../participant_input.ts";
import {
  bulkResult,
  bulkTail,
  collect,
  notFoundInCall,
  outcomeText,
  parseConcurrency,
  refuseWithResume,
} from "./participant_common.ts";
import { addReadCommands } from "./participant_read.ts";
import { addInviteCommand } from "./participant_invite.ts";

/** Builds the `participant` command. */
export function participantCommand(io: Io, setExit: (code: number) => void) {
  const participant = new Command("participant").description(
    "remove, invite, list, get or mute the participants of a call",
  );

  participant.command("remove")
    .description(
      "remove participants: drops active ones at once, or cancels pending invitations",
    )
    .option("--call <id>", "the call id")
    .option("--participant <id>", "a participant id (repeat for several)", collect)
    .option(
      "--participant-url <url>",
      "a Graph participant URL .../communications/calls/ID/participants/PID (repeatable)",
      collect,
    )
    .option(
      "--input-object <file>",
      'JSON {"callId", "participantId"} from a file, or - for stdin (-InputObject)',
    )
    .option(
      "--from <file>",
      "read participant ids from a file, or - for stdin (one per line, or JSON)",
    )
    .option("--all-except-self", "remove everyone in the call except this app's own bot")
    .option("--concurrency <n>", "bulk: requests in flight at most, 1 to 64 (default 4)")
    .option(
      "--batch",
      "bulk: send JSON $batch requests of 20 (UNCONFIRMED for communications endpoints)",
    )
    .option("--journal <file>", "bulk: record every outcome in FILE (JSON lines) as it happens")
    .option("--resume <file>", "continue the run recorded in this journal; done items are skipped")
    .option("--if-match <etag>", "sent as If-Match (one participant)")
    .option(
      "--header <header>",
      'extra request header "Name: value" (repeatable; one participant)',
      collect,
    )
    .option("--what-if", "print the exact request and send nothing (not even a token request)")
    .option("--confirm", "ask before removing (refuses without a terminal unless --yes)")
    .option("--pass-thru", "print true on success (Remove-Mg... -PassThru)")
    .addHelpText(
      "after",
      "\nExample:\n  graphcall participant remove --call 112f7296-5fa4-42ca-bae8-6a692b15d4b8 \\\n" +
        "    --participant a7ebfb2d-871e-419c-87af-27290b22e8db\n" +
        "  graphcall participant remove --call CALL_ID --from ids.txt --journal run.jsonl\n" +
        "  graphcall participant remove --resume run.jsonl   # after Ctrl-C or a crash\n" +
        "  graphcall participant remove --call CALL_ID --participant PID --what-if\n" +
        "\nCtrl-C (SIGINT) or SIGTERM during a bulk removal starts no new request, lets those in " +
        "flight finish,\nwrites the journal and the report, and exits 130.",
    )
    .action(async (opts, cmd) => {
      const g = cmd.optsWithGlobals() as GlobalOptions;
      const concurrency = parseConcurrency(opts.concurrency);
      let callId: string;
      let ids: string[];
      let resume: { path: string; contents: JournalContents } | undefined;
      if (opts.resume) {
        refuseWithResume({
          "--participant": opts.participant,
          "--participant-url": opts.participantUrl,
          "--input-object": opts.inputObject,
          "--from": opts.from,
          "--all-except-self": opts.allExceptSelf,
          "--journal": opts.journal,
          "--what-if": opts.whatIf,
          "--if-match": opts.ifMatch,
          "--header": opts.header,
        });
        const { readJournal } = await import("../journal.ts");
        const contents = readJournal(opts.resume, { repair: true });
        if (contents.header.command !== "participant remove") {
          throw new InvalidInputError(
            "--resume",
            `${opts.resume} is the journal of '${contents.header.command}'; resume it with that command`,
          );
        }
        callId = agreeOnCall([["--resume", contents.header.callId], ["--call", opts.call]]);
        ids = contents.header.items.map((id, i) => checkId(id, `${opts.resume} items[${i}]`));
        resume = { path: opts.resume, contents };
      } else {
        const calls: [string, string | undefined][] = [["--call", opts.call]];
        ids = [...(opts.participant ?? [])];
        for (const url of opts.participantUrl ?? []) {
          const target = parseParticipantUrl(url);
          calls.push(["--participant-url", target.callId]);
          ids.push(target.participantId);
        }
        if (opts.inputObject) {
          const target = await readInputObject(io, opts.inputObject);
          calls.push(["--input-object", target.callId]);
          ids.push(target.participantId);
        }
        if (opts.from) {
          const list = await readIdList(io, opts.from);
          for (const c of list.callIds) calls.push(["--from", c]);
          ids.push(...list.ids);
        }
        if (opts.allExceptSelf && ids.length > 0) {
          throw new InvalidInputError(
            "--all-except-self",
            "cannot be combined with --participant, --participant-url, --input-object or --from",
          );
        }
        if (!opts.allExceptSelf && ids.length === 0) {
          if (opts.from) {
            throw new InvalidInputError("--from", `${opts.from} holds no participant ids`);
          }
          throw new InvalidInputError(
            "--participant",
            "give --participant ID (repeatable), --participant-url URL, --input-object FILE|-, " +
              "--from FILE|- or --all-except-self",
          );
        }
        callId = agreeOnCall(calls);
        const field = opts.from ? "participant id" : "--participant";
        ids = [...new Set(ids.map((id) => checkId(id, field)))];
      }
      const bulk = ids.length > 1 || opts.from !== undefined || opts.allExceptSelf === true ||
        opts.journal !== undefined || resume !== undefined;
      if (bulk && opts.ifMatch) {
        throw new InvalidInputError(
          "--if-match",
          "an ETag belongs to one participant; remove that one on its own",
        );
      }
      if (bulk && opts.header) {
        throw new InvalidInputError(
          "--header",
          "extra headers are sent with a single removal only, not with bulk removals",
        );
      }
      if (!bulk && opts.batch) {
        throw new InvalidInputError("--batch", "is for bulk removals (several participants)");
      }
      const headers = opts.header ? parseHeaders(opts.header) : undefined;

      if (opts.whatIf) {
        if (opts.allExceptSelf) {
          throw new InvalidInputError(
            "--what-if",
            "cannot be combined with --all-except-self: the participants are only known by " +
              "asking Graph; list them with participant list and pass --participant ids",
          );
        }
        if (opts.journal) {
          throw new InvalidInputError("--journal", "--what-if sends nothing, so there is no run");
        }
        const { dryRunCall } = await import("../participant_actions.ts");
        const call = await dryRunCall(g, io, callId);
        const runs: DryRunResult[] = [];
        for (const pid of ids) {
          runs.push(
            await call.remove(pid, {
              dryRun: true,
              ...(opts.ifMatch ? { ifMatch: opts.ifMatch } : {}),
              ...(headers ? { headers } : {}),
            }),
          );
        }
        return setExit(
          await emit(io, g, {
            command: "participant remove",
            result: bulk ? { dryRun: true, requests: runs.map((r) => r.request) } : runs[0],
            human: (paint) => renderDryRuns(runs, paint),
          }),
        );
      }
      if (opts.confirm) {
        const what = opts.allExceptSelf
          ? "everyone except this app"
          : ids.length === 1
          ? `participant ${ids[0]}`
          : `${ids.length} participants`;
        await confirmAction(io, `Remove ${what} from call ${callId}?`, g.yes === true);
      }

      if (opts.journal) (await import("../journal.ts")).checkNewJournal(opts.journal);
      const actions = await import("../participant_actions.ts");
      const client = await actions.connectClient(g, io);

      if (!bulk) {
        let removed: RemoveResult;
        try {
          removed = await client.call(callId).remove(ids[0]!, {
            ...(opts.ifMatch ? { ifMatch: opts.ifMatch } : {}),
            ...(headers ? { headers } : {}),
          });
        } catch (e) {
          throw notFoundInCall(e, callId, ids[0]!);
        }
        const result = {
          callId,
          participantId: removed.participantId,
          status: removed.status,
          requestId: removed.requestId,
          clientRequestId: removed.clientRequestId,
          date: removed.date,
        };
        return setExit(
          await emit(io, g, {
            command: "participant remove",
            result,
            human: () =>
              opts.passThru
                ? "true\n"
                : `removed participant ${result.participantId} from call ${callId} (${result.status})\n`,
            github: {
              outputs: {
                removed: "1",
                failed: "0",
                "request-id": result.requestId ?? "",
              },
              summary: markdownTable(`graphcall: removed from call ${callId}`, [{
                participant: result.participantId,
                outcome: "removed",
                status: result.status,
                "request id": result.requestId,
              }], ["participant", "outcome", "status", "request id"]),
            },
          }),
        );
      }

      const { progressBar } = await import("../progress.ts");
      let run: BulkRunResult & { kept?: string[] };
      if (opts.allExceptSelf && !opts.journal) {
        run = await actions.removeAllExceptSelf(client, callId, {
          io,
          concurrency,
          batch: opts.batch === true,
        });
      } else {
        if (opts.allExceptSelf) {
          const everyone = await actions.listParticipants(client, callId);
          ids = everyone.filter((p) => !actions.isSelf(p, client.clientId)).map((p) => p.id);
        }
        const progress = progressBar(io, ids.length, { quiet: g.quiet === true });
        run = await actions.bulkRemove(client, ids, {
          io,
          callId,
          concurrency,
          batch: opts.batch === true,
          ...(opts.journal ? { journalPath: opts.journal } : {}),
          ...(resume ? { resume } : {}),
          onItem: (item) => progress.tick(item.participantId),
        });
        progress.done();
      }
      const removed = run.counts.removed ?? 0;
      const rows = run.items.map((i) => ({
        participant: i.participantId,
        outcome: outcomeText(i),
        "request id": i.requestId ?? "",
      }));
      const columns = ["participant", "outcome", "request id"];
      const lastRequestId = [...run.items].reverse().find((i) => i.requestId)?.requestId ?? "";
      setExit(
        await emit(io, g, {
          command: "participant remove",
          result: {
            ...bulkResult(callId, run, "removed"),
            ...(run.kept ? { kept: run.kept } : {}),
          },
          exitCode: bulkExitCode(run),
          human: (paint) =>
            (run.items.length ? table(rows, columns, paint) : "") +
            (opts.passThru && !run.counts.failed && !run.interrupted
              ? "true\n"
              : `removed ${removed} of ${run.items.length} participants from call ${callId}` +
                bulkTail(run) + "\n"),
          github: {
            outputs: {
              removed: String(removed),
              "already-gone": String(run.counts.alreadyGone ?? 0),
              failed: String(run.counts.failed ?? 0),
              "not-started": String(run.counts.notStarted ?? 0),
              "request-id": lastRequestId,
            },
            summary: markdownTable(
              `graphcall: removed ${removed} of ${run.items.length} from call ${callId}` +
                bulkTail(run),
              rows,
              columns,
            ),
          },
        }),
      );
    });

  addInviteCommand(participant, io, setExit);
  addReadCommands(participant, io, setExit);
  return participant;
}
