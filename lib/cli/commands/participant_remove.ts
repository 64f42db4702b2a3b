/**
 * `graphcall participant remove`: drops active participants at once, or cancels pending
 * invitations (PowerShell's `Remove-MgCommunicationCallParticipant`). One participant is one
 * DELETE; several (or `--from`, `--all-except-self`, `--journal`, `--resume`) are a bulk run with
 * a journal, resume and SIGINT handling.
 *
 * @module
 */

import { InvalidInputError } from "../../errors.ts";
import type { DryRunResult } from "../../graph/graph_http.ts";
import { defineCommand } from "../command.ts";
import { confirmAction, declined } from "../confirm.ts";
import { markdownTable } from "../github_actions.ts";
import { parseHeaders } from "../participant_input.ts";
import { flag, list, text } from "../raw_options.ts";
import { renderDryRuns, table } from "../render.ts";
import { sanitise } from "../sanitise.ts";
import { gatherTargets, participantTargetFlags, type Targets } from "../targets.ts";
import type { BulkRunResult } from "../bulk_run.ts";
import {
  bulkResult,
  bulkTail,
  failedItems,
  failureReason,
  notFoundInCall,
  outcomeText,
  parseConcurrency,
  refuseWithResume,
} from "./participant_common.ts";

const COMMAND = "participant remove";

/** The options of `participant remove`, checked. */
export interface RemoveOptions {
  /** The call and the participants (or the journal to continue). */
  targets: Targets;
  /** Several participants, an id list, everyone, or a journal: a bulk run. */
  bulk: boolean;
  /** `--all-except-self`. */
  allExceptSelf: boolean;
  /** `--concurrency` (1 to 64). */
  concurrency: number;
  /** `--batch`. */
  batch: boolean;
  /** `--journal FILE`. */
  journal?: string;
  /** `--if-match` (one participant). */
  ifMatch?: string;
  /** `--header` values (one participant). */
  headers?: Record<string, string>;
  /** `--what-if`. */
  whatIf: boolean;
  /** `--confirm`. */
  confirm: boolean;
  /** `--pass-thru`. */
  passThru: boolean;
}

export default defineCommand<RemoveOptions>({
  async parse(raw, { io }) {
    const concurrency = parseConcurrency(text(raw, "concurrency"));
    const resume = text(raw, "resume");
    const journal = text(raw, "journal");
    const ifMatch = text(raw, "ifMatch");
    const header = list(raw, "header");
    const whatIf = flag(raw, "whatIf");
    const allExceptSelf = flag(raw, "allExceptSelf");
    if (resume !== undefined) {
      refuseWithResume({
        "--journal": journal,
        "--what-if": whatIf || undefined,
        "--if-match": ifMatch,
        "--header": header,
      });
    }
    const targets = await gatherTargets(
      {
        ...participantTargetFlags(raw),
        from: text(raw, "from"),
        resume,
        allExceptSelf,
      },
      io,
      { command: COMMAND, count: "many" },
    );
    const bulk = targets.participantIds.length > 1 || targets.fromList || allExceptSelf ||
      journal !== undefined || targets.resume !== undefined;
    if (bulk && ifMatch !== undefined) {
      throw new InvalidInputError(
        "--if-match",
        "an ETag belongs to one participant; remove that one on its own",
      );
    }
    if (bulk && header !== undefined) {
      throw new InvalidInputError(
        "--header",
        "extra headers are sent with a single removal only, not with bulk removals",
      );
    }
    const batch = flag(raw, "batch");
    if (!bulk && batch) {
      throw new InvalidInputError("--batch", "is for bulk removals (several participants)");
    }
    const headers = header ? parseHeaders(header) : undefined;
    if (whatIf && allExceptSelf) {
      throw new InvalidInputError(
        "--what-if",
        "cannot be combined with --all-except-self: the participants are only known by " +
          "asking Graph; list them with participant list and pass --participant ids",
      );
    }
    if (whatIf && journal !== undefined) {
      throw new InvalidInputError("--journal", "--what-if sends nothing, so there is no run");
    }
    if (journal !== undefined) (await import("../journal.ts")).checkNewJournal(journal);
    return {
      targets,
      bulk,
      allExceptSelf,
      concurrency,
      batch,
      ...(journal !== undefined ? { journal } : {}),
      ...(ifMatch !== undefined ? { ifMatch } : {}),
      ...(headers ? { headers } : {}),
      whatIf,
      confirm: flag(raw, "confirm"),
      passThru: flag(raw, "passThru"),
    };
  },

  async run(o, deps) {
    const { callId } = o.targets;
    let ids = o.targets.participantIds;
    const requestOptions = {
      ...(o.ifMatch !== undefined ? { ifMatch: o.ifMatch } : {}),
      ...(o.headers ? { headers: o.headers } : {}),
    };
    if (o.whatIf) {
      const call = await deps.dryRunCall(callId);
      const runs: DryRunResult[] = [];
      for (const pid of ids) runs.push(await call.remove(pid, { dryRun: true, ...requestOptions }));
      return {
        command: COMMAND,
        result: o.bulk ? { dryRun: true, requests: runs.map((r) => r.request) } : runs[0],
        human: (paint) => renderDryRuns(runs, paint),
      };
    }
    if (o.confirm) {
      const what = o.allExceptSelf
        ? "everyone except this app"
        : o.targets.resume
        ? `the ${ids.length} participants of journal ${o.targets.resume.path}`
        : ids.length === 1
        ? `participant ${ids[0]}`
        : `${ids.length} participants`;
      const question = `Remove ${what} from call ${callId}?`;
      if (!await confirmAction(deps.io, sanitise(question), deps.globals.yes === true)) {
        return declined(COMMAND, { callId, participants: ids });
      }
    }

    if (!o.bulk) {
      const client = await deps.connect();
      let removed;
      try {
        removed = await client.call(callId).remove(ids[0]!, requestOptions);
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
      return {
        command: COMMAND,
        result,
        human: () =>
          o.passThru ? "true\n" : `removed participant ${sanitise(result.participantId)} from ` +
            `call ${sanitise(callId)} (${result.status})\n`,
        github: {
          outputs: { removed: "1", failed: "0", "request-id": result.requestId ?? "" },
          summary: markdownTable(`graphcall: removed from call ${callId}`, [{
            participant: result.participantId,
            outcome: "removed",
            status: result.status,
            "request id": result.requestId,
          }], ["participant", "outcome", "status", "request id"]),
        },
      };
    }

    const actions = await import("../participant_actions.ts");
    const { progressBar } = await import("../progress.ts");
    let run: BulkRunResult & { kept?: string[] };
    if (o.allExceptSelf && !o.journal) {
      run = await actions.removeAllExceptSelf(await deps.connect(), callId, {
        io: deps.io,
        listenForInterrupt: deps.listenForInterrupt,
        concurrency: o.concurrency,
        batch: o.batch,
      });
    } else {
      let connected: ReturnType<typeof deps.connect> | undefined;
      const client = () => connected ??= deps.connect();
      if (o.allExceptSelf) {
        const everyone = await actions.listParticipants(await client(), callId);
        const self = (await client()).clientId;
        ids = everyone.filter((p) => !actions.isSelf(p, self)).map((p) => p.id);
      }
      const progress = progressBar(deps.io, ids.length, { quiet: deps.globals.quiet === true });
      run = await actions.bulkRemove(client, ids, {
        io: deps.io,
        listenForInterrupt: deps.listenForInterrupt,
        callId,
        concurrency: o.concurrency,
        batch: o.batch,
        ...(o.journal ? { journalPath: o.journal } : {}),
        ...(o.targets.resume ? { resume: { path: o.targets.resume.path } } : {}),
        onItem: (item) => progress.tick(item.participantId),
      });
      progress.done();
    }
    const removed = run.counts.removed ?? 0;
    const failed = run.counts.failed ?? 0;
    const rows = run.items.map((i) => ({
      participant: i.participantId,
      outcome: outcomeText(i),
      "request id": i.requestId ?? "",
      reason: failureReason(i),
    }));
    const columns = ["participant", "outcome", "request id", ...(failed ? ["reason"] : [])];
    const lastRequestId = [...run.items].reverse().find((i) => i.requestId)?.requestId ?? "";
    const { bulkExitCode } = await import("../bulk_run.ts");
    return {
      command: COMMAND,
      result: { ...bulkResult(callId, run, "removed"), ...(run.kept ? { kept: run.kept } : {}) },
      exitCode: bulkExitCode(run),
      failures: failedItems(run),
      human: (paint) =>
        (run.items.length ? table(rows, columns, paint) : "") +
        (o.passThru && !failed && !run.interrupted
          ? "true\n"
          : `removed ${removed} of ${run.items.length} participants from call ${sanitise(callId)}` +
            bulkTail(run) + "\n"),
      github: {
        outputs: {
          removed: String(removed),
          "already-gone": String(run.counts.alreadyGone ?? 0),
          failed: String(failed),
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
    };
  },
});
