/**
 * `graphcall participant invite`: invite users, phone numbers, guests or bots into a call
 * (PowerShell's `Invoke-MgInviteCommunicationCallParticipant`). One invitation request for all
 * invitees by default (Graph's own shape); with `--journal` or `--resume`, one request per
 * invitee so that each has an outcome that is recorded and can be resumed.
 *
 * @module
 */

import { InvalidInputError } from "../../errors.ts";
import type { IdentitySet } from "../../graph/identities.ts";
import type { Invitation } from "../../graph/invite_many.ts";
import { checkId } from "../../graph/ids.ts";
import { defineCommand } from "../command.ts";
import { confirmAction, declined } from "../confirm.ts";
import { markdownTable } from "../github_actions.ts";
import { parseHeaders, readJsonArgument } from "../participant_input.ts";
import { flag, list, text } from "../raw_options.ts";
import { renderDryRuns, table } from "../render.ts";
import { sanitise } from "../sanitise.ts";
import { gatherTargets } from "../targets.ts";
import {
  bulkResult,
  bulkTail,
  failedItems,
  failureReason,
  outcomeText,
  parseConcurrency,
  refuseWithResume,
} from "./participant_common.ts";

const COMMAND = "participant invite";

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

/** Who an identity set names, in a few words (sanitised: display names come from outside). */
function who(identity: IdentitySet | undefined): string {
  for (const [kind, value] of Object.entries(identity ?? {})) {
    if (value && typeof value === "object") {
      return `${kind}: ${sanitise(value.displayName ?? value.id)}`;
    }
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

/** The options of `participant invite`, checked. */
export interface InviteOptions {
  /** The call. */
  callId: string;
  /** The invitees named by flags (empty with `--body`, `--participants` or `--resume`). */
  identities: IdentitySet[];
  /** The raw body (`--body`, `--participants`), sent as it is. */
  body?: unknown;
  /** One request per invitee: `--journal` or `--resume`. */
  bulk?: {
    /** Each invitee with the participant id it gets. */
    invitations: Invitation[];
    /** `--journal FILE`. */
    journal?: string;
    /** `--resume FILE`. */
    resume?: string;
    /** `--concurrency`. */
    concurrency: number;
  };
  /** `--client-context` (or the resumed run's). */
  clientContext?: string;
  /** `--participant-id`. */
  participantId?: string;
  /** `--hidden` (or the resumed run's). */
  hidden?: boolean;
  /** `--replaces-call-id`. */
  replacesCallId?: string;
  /** `--header` values. */
  headers?: Record<string, string>;
  /** `--wait`, with its timeout in ms. */
  wait?: { timeoutMs: number };
  /** `--what-if`. */
  whatIf: boolean;
  /** `--confirm`. */
  confirm: boolean;
  /** `--pass-thru`. */
  passThru: boolean;
}

export default defineCommand<InviteOptions>({
  async parse(raw, { io }) {
    const concurrency = parseConcurrency(text(raw, "concurrency"));
    const header = list(raw, "header");
    const headers = header ? parseHeaders(header) : undefined;
    const opts = {
      user: list(raw, "user"),
      phone: list(raw, "phone"),
      guest: list(raw, "guest"),
      guestId: text(raw, "guestId"),
      application: list(raw, "application"),
      participantId: text(raw, "participantId"),
      clientContext: text(raw, "clientContext"),
      hidden: flag(raw, "hidden") || undefined,
      replacesCallId: text(raw, "replacesCallId"),
      body: text(raw, "body"),
      participants: text(raw, "participants"),
      wait: flag(raw, "wait") || undefined,
      waitTimeout: text(raw, "waitTimeout"),
      journal: text(raw, "journal"),
      resume: text(raw, "resume"),
      whatIf: flag(raw, "whatIf") || undefined,
    };
    let invitations: Invitation[] | undefined;
    let clientContext = opts.clientContext;
    let hidden = opts.hidden;
    if (opts.resume !== undefined) {
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
    }
    const targets = await gatherTargets(
      { call: text(raw, "call"), ...(opts.resume !== undefined ? { resume: opts.resume } : {}) },
      io,
      { command: COMMAND, count: "none" },
    );
    const { callId } = targets;
    if (targets.resume) {
      const { header: journalHeader } = targets.resume.contents;
      invitations = checkInvitations(journalHeader.items, targets.resume.path);
      const settings = journalHeader.settings ?? {};
      clientContext = typeof settings.clientContext === "string"
        ? settings.clientContext
        : undefined;
      hidden = settings.hidden === true ? true : undefined;
    }
    const resumed = targets.resume !== undefined;
    const rawBody = opts.body !== undefined || opts.participants !== undefined;
    const identities = resumed ? [] : await identitiesFrom(opts);
    if (!resumed) {
      if (opts.body !== undefined && opts.participants !== undefined) {
        throw new InvalidInputError("--participants", "give either --body or --participants");
      }
      if (rawBody) {
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
    const bulk = resumed || opts.journal !== undefined;
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
    if (opts.journal !== undefined) (await import("../journal.ts")).checkNewJournal(opts.journal);
    return {
      callId,
      identities,
      ...(rawBody ? { body } : {}),
      ...(bulk
        ? {
          bulk: {
            invitations: invitations ??
              identities.map((identity) => ({ participantId: crypto.randomUUID(), identity })),
            ...(opts.journal !== undefined ? { journal: opts.journal } : {}),
            ...(opts.resume !== undefined ? { resume: opts.resume } : {}),
            concurrency,
          },
        }
        : {}),
      ...(clientContext !== undefined ? { clientContext } : {}),
      ...(opts.participantId !== undefined ? { participantId: opts.participantId } : {}),
      ...(hidden ? { hidden: true } : {}),
      ...(opts.replacesCallId !== undefined ? { replacesCallId: opts.replacesCallId } : {}),
      ...(headers ? { headers } : {}),
      ...(opts.wait ? { wait: { timeoutMs: waitTimeoutMs } } : {}),
      whatIf: opts.whatIf === true,
      confirm: flag(raw, "confirm"),
      passThru: flag(raw, "passThru"),
    };
  },

  async run(o, deps) {
    const { callId, headers } = o;
    const raw = "body" in o;
    const inviteOptions = {
      ...(o.clientContext !== undefined ? { clientContext: o.clientContext } : {}),
      ...(o.participantId !== undefined ? { participantId: o.participantId } : {}),
      ...(o.hidden ? { hidden: true } : {}),
      ...(o.replacesCallId !== undefined ? { replacesCallId: o.replacesCallId } : {}),
      ...(headers ? { headers } : {}),
    };
    if (o.whatIf) {
      const call = await deps.dryRunCall(callId);
      const run = raw
        ? await call.inviteRaw(o.body, { ...(headers ? { headers } : {}), dryRun: true })
        : await call.invite(o.identities, { ...inviteOptions, dryRun: true });
      return { command: COMMAND, result: run, human: (paint) => renderDryRuns([run], paint) };
    }
    if (o.confirm) {
      const count = o.bulk?.invitations.length ??
        (raw
          ? ((o.body as { participants?: unknown[] })?.participants?.length ?? 0)
          : o.identities.length);
      const question = `Invite ${
        count === 1 ? "1 participant" : `${count} participants`
      } into call ${callId}?`;
      if (!await confirmAction(deps.io, sanitise(question), deps.globals.yes === true)) {
        return declined(COMMAND, { callId });
      }
    }

    if (o.bulk) {
      const { invitations } = o.bulk;
      const actions = await import("../participant_actions.ts");
      const { progressBar } = await import("../progress.ts");
      const { bulkExitCode } = await import("../bulk_run.ts");
      const progress = progressBar(deps.io, invitations.length, {
        quiet: deps.globals.quiet === true,
      });
      let connected: ReturnType<typeof deps.connect> | undefined;
      const run = await actions.bulkInvite(() => connected ??= deps.connect(), invitations, {
        io: deps.io,
        listenForInterrupt: deps.listenForInterrupt,
        callId,
        concurrency: o.bulk.concurrency,
        ...(o.clientContext !== undefined ? { clientContext: o.clientContext } : {}),
        ...(o.hidden ? { hidden: o.hidden } : {}),
        ...(headers ? { headers } : {}),
        ...(o.bulk.journal ? { journalPath: o.bulk.journal } : {}),
        ...(o.bulk.resume ? { resume: { path: o.bulk.resume } } : {}),
        onItem: (item) => progress.tick(item.participantId),
      });
      progress.done();
      const identityOf = new Map(invitations.map((i) => [i.participantId, i.identity]));
      const failed = run.counts.failed ?? 0;
      const rows = run.items.map((i) => ({
        participant: i.participantId,
        who: who(identityOf.get(i.participantId)),
        outcome: outcomeText(i),
        operation: i.operationId ?? "",
        reason: failureReason(i),
      }));
      const columns = ["participant", "who", "outcome", "operation", ...(failed ? ["reason"] : [])];
      const invited = run.counts.invited ?? 0;
      const last = [...run.items].reverse().find((i) => i.requestId);
      return {
        command: COMMAND,
        result: bulkResult(callId, run, "invited"),
        exitCode: bulkExitCode(run),
        failures: failedItems(run),
        human: (paint) =>
          table(rows, columns, paint) +
          `invited ${invited} of ${run.items.length} into call ${sanitise(callId)}${
            bulkTail(run)
          }\n`,
        github: {
          outputs: {
            invited: String(invited),
            failed: String(failed),
            "not-started": String(run.counts.notStarted ?? 0),
            "request-id": last?.requestId ?? "",
            "operation-id": [...run.items].reverse().find((i) => i.operationId)?.operationId ??
              "",
            "participant-ids": run.items.map((i) => i.participantId).join(","),
          },
          summary: markdownTable(
            `graphcall: invited ${invited} of ${run.items.length} into call ${callId}` +
              bulkTail(run),
            rows,
            columns,
          ),
        },
      };
    }

    const client = await deps.connect();
    const call = client.call(callId);
    const invited = raw
      ? await call.inviteRaw(o.body, headers ? { headers } : {})
      : await call.invite(o.identities, inviteOptions);
    const wait = o.wait
      ? await call.waitForInvite(invited, { timeoutMs: o.wait.timeoutMs })
      : undefined;
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
    const ended = wait !== undefined && wait.status !== "completed";
    const info = wait?.resultInfo;
    return {
      command: COMMAND,
      result,
      exitCode: ended ? 1 : 0,
      human: (paint) =>
        o.passThru ? `${sanitise(result.operationId)}\n` : table(rows, columns, paint) +
          `invitation ${sanitise(result.operationId)} into call ${sanitise(callId)}: ${
            sanitise(result.status)
          }` +
          (info
            ? ` (${sanitise(info.code ?? "")}/${sanitise(info.subcode ?? "")} ${
              sanitise(info.message ?? "")
            })`
            : "") +
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
    };
  },
});
