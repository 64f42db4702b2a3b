/**
 * `graphcall participant invite`: invite users, phone numbers, guests or bots into a call
 * (PowerShell's `Invoke-MgInviteCommunicationCallParticipant`). One invitation request for all
 * invitees by default (Graph's own shape); with `--journal` or `--resume`, one request per
 * invitee so that each has an outcome that is recorded and can be resumed.
 *
 * @module
 */

import type { Command } from "npm:@commander-js/extra-typings@15.1.0";
import { InvalidInputError } from "../../errors.ts";
import type { IdentitySet } from "../../graph/identities.ts";
import type { InviteResult } from "../../graph/invite.ts";
import type { WaitForInviteResult } from "../../graph/wait_for_invite.ts";
import { checkId } from "../../graph/ids.ts";
import { confirmAction } from "../confirm.ts";
import { markdownTable } from "../github_actions.ts";
import type { GlobalOptions } from "../global_options.ts";
import type { Io } from "../io.ts";
import type { JournalContents } from "../journal.ts";
import type { Invitation } from "../../graph/invite_many.ts";
import { emit } from "../output.ts";
import { renderDryRuns, table } from "../render.ts";
import { bulkExitCode } from "../bulk_run.ts";
import { agreeOnCall, parseHeaders, readJsonArgument } from "../participant_input.ts";
import {
  bulkResult,
  bulkTail,
  collect,
  outcomeText,
  parseConcurrency,
  refuseWithResume,
} from "./participant_common.ts";

/** Parses `--wait-timeout SECONDS` (1 to 3600; default 90). */
function parseWaitTimeout(value: string | undefined): number {
  if (value === undefined) return 90_000;
  const n = Number(value);
  if (!/^\d{1,4}$/.test(value.trim()) || n < 1 || n > 3600) {
    throw new InvalidInputError(
      "--wait-timeout",
      `"${value}" is not a number of seconds, 1 to 3600`,
    );
  }
  return n * 1000;
}

/** The identities named by the flags, in flag-kind order: users, phones, guests, bots. */
async function identitiesFrom(opts: {
  user?: string[];
  phone?: string[];
  guest?: string[];
  guestId?: string;
  application?: string[];
}): Promise<IdentitySet[]> {
  const { application, guest, phone, user } = await import("../../graph/identities.ts");
  const field = <T>(flag: string, fn: () => T): T => {
    try {
      return fn();
    } catch (e) {
      if (e instanceof InvalidInputError) {
        throw new InvalidInputError(flag, e.message.slice(e.field.length + 2));
      }
      throw e;
    }
  };
  if (opts.guestId !== undefined && (opts.guest ?? []).length !== 1) {
    throw new InvalidInputError("--guest-id", "goes with exactly one --guest NAME");
  }
  return [
    ...(opts.user ?? []).map((oid) => field("--user", () => user(oid))),
    ...(opts.phone ?? []).map((n) => field("--phone", () => phone(n))),
    ...(opts.guest ?? []).map((name) =>
      field("--guest", () => guest(name, opts.guestId ?? crypto.randomUUID()))
    ),
    ...(opts.application ?? []).map((id) => field("--application", () => application(id))),
  ];
}

/** Who an identity set names, in a few words. */
function who(identity: IdentitySet | undefined): string {
  for (const [kind, value] of Object.entries(identity ?? {})) {
    if (value && typeof value === "object") return `${kind}: ${value.displayName ?? value.id}`;
  }
  return "?";
}

function checkInvitations(items: unknown[], path: string): Invitation[] {
  return items.map((item, i) => {
    const o = item && typeof item === "object" ? item as Record<string, unknown> : {};
    if (typeof o.identity !== "object" || o.identity === null) {
      throw new InvalidInputError("--resume", `${path} items[${i}] has no identity`);
    }
    return {
      participantId: checkId(o.participantId, `${path} items[${i}].participantId`),
      identity: o.identity as IdentitySet,
    };
  });
}

/** Adds `participant invite`. */
export function addInviteCommand(
  participant: Command<[], Record<string, unknown>>,
  io: Io,
  setExit: (code: number) => void,
): void {
  participant.command("invite")
    .description("invite users, phone numbers, guests or bots into a call")
    .option("--call <id>", "the call id")
    .option("--user <oid>", "an Entra user's object id (repeatable)", collect)
    .option("--phone <e164>", "a phone number in E.164, e.g. +14255550123 (repeatable)", collect)
    .option("--guest <name>", "a guest's display name (repeatable)", collect)
    .option("--guest-id <id>", "the id of the one --guest (default: a new GUID)")
    .option("--application <appid>", "a bot's app id (repeatable)", collect)
    .option("--participant-id <id>", "the participant id the one invitee gets (default: new GUID)")
    .option("--client-context <text>", "echoed in the invite operation (at most 256 characters)")
    .option("--hidden", "hide the invitees from the roster")
    .option("--replaces-call-id <id>", "the call the one invitee is in now, to move them")
    .option("--body <file>", "the raw invite JSON from a file, or - for stdin (-BodyParameter)")
    .option(
      "--participants <json>",
      "a JSON array of invitationParticipantInfo (-Participants)",
    )
    .option("--wait", "wait until the invitation is answered (or fails)")
    .option("--wait-timeout <seconds>", "with --wait: give up after this long (default 90)")
    .option("--concurrency <n>", "with --journal: invitations in flight at most (default 4)")
    .option(
      "--journal <file>",
      "invite each invitee with its own request and record each outcome in FILE",
    )
    .option("--resume <file>", "continue the invitations recorded in this journal")
    .option("--header <header>", 'extra request header "Name: value" (repeatable)', collect)
    .option("--what-if", "print the exact request and send nothing (not even a token request)")
    .option("--confirm", "ask before inviting (refuses without a terminal unless --yes)")
    .option("--pass-thru", "print the operation id only")
    .addHelpText(
      "after",
      "\nExample:\n  graphcall participant invite --call 112f7296-5fa4-42ca-bae8-6a692b15d4b8 \\\n" +
        "    --user 278405a3-f568-4b3e-b684-009193463064 --wait\n" +
        "  graphcall participant invite --call CALL_ID --phone +14255550123 --what-if\n" +
        "  graphcall participant invite --call CALL_ID --body invite.json\n" +
        "  graphcall participant invite --call CALL_ID --user OID1 --user OID2 --journal run.jsonl\n" +
        "\nWith --wait the exit code is 0 when the invitation was answered, 1 when it failed " +
        "or timed out.",
    )
    .action(async (opts, cmd) => {
      const g = cmd.optsWithGlobals() as GlobalOptions;
      const concurrency = parseConcurrency(opts.concurrency);
      const headers = opts.header ? parseHeaders(opts.header) : undefined;
      let resume: { path: string; contents: JournalContents } | undefined;
      let invitations: Invitation[] | undefined;
      let callId: string;
      let clientContext = opts.clientContext;
      let hidden = opts.hidden;
      if (opts.resume) {
        refuseWithResume({
          "--user": opts.user,
          "--phone": opts.phone,
          "--guest": opts.guest,
          "--application": opts.application,
          "--participant-id": opts.participantId,
          "--client-context": opts.clientContext,
          "--hidden": opts.hidden,
          "--replaces-call-id": opts.replacesCallId,
          "--body": opts.body,
          "--participants": opts.participants,
          "--journal": opts.journal,
          "--what-if": opts.whatIf,
          "--wait": opts.wait,
        });
        const { readJournal } = await import("../journal.ts");
        const contents = readJournal(opts.resume, { repair: true });
        if (contents.header.command !== "participant invite") {
          throw new InvalidInputError(
            "--resume",
            `${opts.resume} is the journal of '${contents.header.command}'; resume it with that command`,
          );
        }
        callId = agreeOnCall([["--resume", contents.header.callId], ["--call", opts.call]]);
        invitations = checkInvitations(contents.header.items, opts.resume);
        const settings = contents.header.settings ?? {};
        clientContext = typeof settings.clientContext === "string"
          ? settings.clientContext
          : undefined;
        hidden = settings.hidden === true ? true : undefined;
        resume = { path: opts.resume, contents };
      } else {
        callId = agreeOnCall([["--call", opts.call]]);
      }
      const raw = opts.body !== undefined || opts.participants !== undefined;
      const identities = resume ? [] : await identitiesFrom(opts);
      if (!resume) {
        if (opts.body !== undefined && opts.participants !== undefined) {
          throw new InvalidInputError("--participants", "give either --body or --participants");
        }
        if (raw) {
          const other = identities.length > 0
            ? "--user/--phone/--guest/--application"
            : opts.participantId
            ? "--participant-id"
            : opts.hidden
            ? "--hidden"
            : opts.replacesCallId
            ? "--replaces-call-id"
            : opts.journal
            ? "--journal"
            : opts.body !== undefined && opts.clientContext !== undefined
            ? "--client-context"
            : undefined;
          if (other) {
            throw new InvalidInputError(
              opts.body !== undefined ? "--body" : "--participants",
              `holds the whole invitation; give ${other} inside it instead`,
            );
          }
        } else if (identities.length === 0) {
          throw new InvalidInputError(
            "--user",
            "name someone to invite: --user OID, --phone E164, --guest NAME, --application APPID " +
              "(repeatable), or --body FILE|-",
          );
        }
      }
      const bulk = resume !== undefined || opts.journal !== undefined;
      if (bulk) {
        if (opts.participantId || opts.replacesCallId) {
          throw new InvalidInputError(
            opts.participantId ? "--participant-id" : "--replaces-call-id",
            "is for one invitation; with --journal each invitee gets its own participant id",
          );
        }
        if (opts.wait) throw new InvalidInputError("--wait", "is for one invitation request");
        if (opts.whatIf) throw new InvalidInputError("--journal", "--what-if sends nothing");
      }
      if (opts.waitTimeout !== undefined && !opts.wait) {
        throw new InvalidInputError("--wait-timeout", "goes with --wait");
      }
      const waitTimeoutMs = parseWaitTimeout(opts.waitTimeout);
      let body: unknown;
      if (opts.body !== undefined) body = await readJsonArgument(io, opts.body, "--body");
      if (opts.participants !== undefined) {
        let parsed: unknown;
        try {
          parsed = JSON.parse(opts.participants);
        } catch {
          throw new InvalidInputError(
            "--participants",
            'give a JSON array, e.g. [{"identity":{"user":{"id":"OID"}}}]',
          );
        }
        body = {
          participants: Array.isArray(parsed) ? parsed : [parsed],
          ...(opts.clientContext !== undefined ? { clientContext: opts.clientContext } : {}),
        };
      }
      const inviteOptions = {
        ...(clientContext !== undefined ? { clientContext } : {}),
        ...(opts.participantId !== undefined ? { participantId: opts.participantId } : {}),
        ...(hidden ? { hidden: true } : {}),
        ...(opts.replacesCallId !== undefined ? { replacesCallId: opts.replacesCallId } : {}),
        ...(headers ? { headers } : {}),
      };

      if (opts.whatIf) {
        const { dryRunCall } = await import("../participant_actions.ts");
        const call = await dryRunCall(g, io, callId);
        const run = raw
          ? await call.inviteRaw(body, { ...(headers ? { headers } : {}), dryRun: true })
          : await call.invite(identities, { ...inviteOptions, dryRun: true });
        return setExit(
          await emit(io, g, {
            command: "participant invite",
            result: run,
            human: (paint) => renderDryRuns([run], paint),
          }),
        );
      }
      if (opts.confirm) {
        const count = invitations?.length ??
          (raw
            ? ((body as { participants?: unknown[] })?.participants?.length ?? 0)
            : identities.length);
        await confirmAction(
          io,
          `Invite ${count === 1 ? "1 participant" : `${count} participants`} into call ${callId}?`,
          g.yes === true,
        );
      }

      if (opts.journal) (await import("../journal.ts")).checkNewJournal(opts.journal);
      const actions = await import("../participant_actions.ts");
      if (bulk) {
        invitations ??= identities.map((identity) => ({
          participantId: crypto.randomUUID(),
          identity,
        }));
        const client = await actions.connectClient(g, io);
        const { progressBar } = await import("../progress.ts");
        const progress = progressBar(io, invitations.length, { quiet: g.quiet === true });
        const run = await actions.bulkInvite(client, invitations, {
          io,
          callId,
          concurrency,
          ...(clientContext !== undefined ? { clientContext } : {}),
          ...(hidden ? { hidden } : {}),
          ...(headers ? { headers } : {}),
          ...(opts.journal ? { journalPath: opts.journal } : {}),
          ...(resume ? { resume } : {}),
          onItem: (item) => progress.tick(item.participantId),
        });
        progress.done();
        const identityOf = new Map(invitations.map((i) => [i.participantId, i.identity]));
        const rows = run.items.map((i) => ({
          participant: i.participantId,
          who: who(identityOf.get(i.participantId)),
          outcome: outcomeText(i),
          operation: i.operationId ?? "",
        }));
        const columns = ["participant", "who", "outcome", "operation"];
        const invited = run.counts.invited ?? 0;
        const last = [...run.items].reverse().find((i) => i.requestId);
        return setExit(
          await emit(io, g, {
            command: "participant invite",
            result: bulkResult(callId, run, "invited"),
            exitCode: bulkExitCode(run),
            human: (paint) =>
              table(rows, columns, paint) +
              `invited ${invited} of ${run.items.length} into call ${callId}${bulkTail(run)}\n`,
            github: {
              outputs: {
                invited: String(invited),
                failed: String(run.counts.failed ?? 0),
                "not-started": String(run.counts.notStarted ?? 0),
                "request-id": last?.requestId ?? "",
                "operation-id": [...run.items].reverse().find((i) => i.operationId)
                  ?.operationId ?? "",
                "participant-ids": run.items.map((i) => i.participantId).join(","),
              },
              summary: markdownTable(
                `graphcall: invited ${invited} of ${run.items.length} into call ${callId}` +
                  bulkTail(run),
                rows,
                columns,
              ),
            },
          }),
        );
      }

      const client = await actions.connectClient(g, io);
      const call = client.call(callId);
      const invited: InviteResult = raw
        ? await call.inviteRaw(body, headers ? { headers } : {})
        : await call.invite(identities, inviteOptions);
      let wait: WaitForInviteResult | undefined;
      if (opts.wait) wait = await call.waitForInvite(invited, { timeoutMs: waitTimeoutMs });
      const result = {
        callId,
        operationId: invited.operationId,
        status: wait?.status ?? invited.operation?.status ?? null,
        ...(invited.location ? { location: invited.location } : {}),
        participants: invited.participants,
        requestId: invited.requestId,
        clientRequestId: invited.clientRequestId,
        date: invited.date,
        ...(wait
          ? {
            wait: {
              status: wait.status,
              ...(wait.resultInfo ? { resultInfo: wait.resultInfo } : {}),
              via: wait.via,
            },
          }
          : {}),
      };
      const rows = invited.participants.map((p) => ({
        participant: p.participantId ?? "",
        who: who(p.identity),
        status: result.status ?? "",
      }));
      const columns = ["participant", "who", "status"];
      const ended = wait && wait.status !== "completed";
      const info = wait?.resultInfo;
      setExit(
        await emit(io, g, {
          command: "participant invite",
          result,
          exitCode: ended ? 1 : 0,
          human: (paint) =>
            opts.passThru ? `${result.operationId}\n` : table(rows, columns, paint) +
              `invitation ${result.operationId} into call ${callId}: ${result.status}` +
              (info ? ` (${info.code ?? ""}/${info.subcode ?? ""} ${info.message ?? ""})` : "") +
              "\n",
          github: {
            outputs: {
              invited: ended ? "0" : String(invited.participants.length),
              failed: ended ? String(invited.participants.length) : "0",
              "request-id": result.requestId ?? "",
              "operation-id": result.operationId,
              "participant-ids": invited.participants.map((p) => p.participantId ?? "").join(","),
            },
            summary: markdownTable(
              `graphcall: invitation into call ${callId} (${result.status})`,
              rows,
              columns,
            ),
          },
        }),
      );
    });
}
