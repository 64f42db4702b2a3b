/**
 * `graphcall participant remove|list`: the participants of a call. Parsing and rendering only;
 * the operations are in lib/graph, reached through ../participant_actions.ts.
 *
 * @module
 */

import { Command } from "npm:@commander-js/extra-typings@15.1.0";
import { GraphError, InvalidInputError } from "../../errors.ts";
import type { Participant } from "../../graph/call.ts";
import type { RemoveResult } from "../../graph/remove.ts";
import { checkId } from "../../graph/ids.ts";
import { confirmAction } from "../confirm.ts";
import { markdownTable } from "../github_actions.ts";
import type { GlobalOptions } from "../global_options.ts";
import type { Io } from "../io.ts";
import { emit } from "../output.ts";
import {
  connectClient,
  dryRunRemove,
  isSelf,
  listParticipants,
  type RemoveCliOptions,
  removeEach,
  type RemoveItem,
  removeOne,
} from "../participant_actions.ts";
import { progressBar } from "../progress.ts";
import { table } from "../render.ts";
import { renderDryRuns } from "../what_if.ts";

/** Who a participant is, in a few words. */
export function describeParticipant(p: Participant): string {
  const identity = p.info?.identity ?? {};
  for (const kind of ["user", "guest", "phone", "application", "applicationInstance"]) {
    const who = identity[kind];
    if (who) return `${kind}: ${who.displayName ?? who.id ?? "?"}`;
  }
  return "unknown";
}

/** Collects a repeatable option. */
function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

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

/**
 * Participant ids from text: one per line (or separated by commas or spaces), `#` comments
 * ignored; or a JSON array of ids or of objects with `participantId` or `id`.
 */
export function parseIdList(text: string, field: string): string[] {
  const trimmed = text.trim();
  if (trimmed.startsWith("[")) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(trimmed);
    } catch {
      throw new InvalidInputError(field, "starts with [ but is not valid JSON");
    }
    if (!Array.isArray(parsed)) throw new InvalidInputError(field, "must be a JSON array");
    return parsed.map((item, i) => {
      const id = typeof item === "string"
        ? item
        : item && typeof item === "object"
        ? (item as Record<string, unknown>).participantId ?? (item as Record<string, unknown>).id
        : undefined;
      if (typeof id !== "string") {
        throw new InvalidInputError(field, `item ${i} is neither an id nor {"participantId": ...}`);
      }
      return id;
    });
  }
  return text.split("\n")
    .map((line) => line.replace(/#.*$/, ""))
    .flatMap((line) => line.split(/[\s,]+/))
    .filter((id) => id.length > 0);
}

async function readIds(io: Io, from: string): Promise<string[]> {
  let text: string;
  if (from === "-") {
    if (!io.readStdin || io.stdinIsTerminal) {
      throw new InvalidInputError("--from", "- reads ids from standard input, but none is piped");
    }
    text = await io.readStdin();
  } else {
    try {
      text = await Deno.readTextFile(from);
    } catch (e) {
      throw new InvalidInputError(
        "--from",
        e instanceof Deno.errors.NotFound ? `${from}: file not found` : `${from}: cannot be read`,
      );
    }
  }
  const ids = parseIdList(text, "--from");
  if (ids.length === 0) throw new InvalidInputError("--from", `${from} holds no participant ids`);
  return ids;
}

/** The exit code of a bulk run: 0, the failures' common code, or 1 when they differ. */
export function bulkExitCode(items: readonly RemoveItem[]): number {
  const codes = new Set(items.filter((i) => !i.ok).map((i) => i.exitCode ?? 1));
  if (codes.size === 0) return 0;
  return codes.size === 1 ? [...codes][0]! : 1;
}

function outcomeText(item: RemoveItem): string {
  return item.ok ? "removed" : `failed: ${item.error?.code ?? "error"}`;
}

/** Builds the `participant` command. */
export function participantCommand(io: Io, setExit: (code: number) => void) {
  const participant = new Command("participant").description(
    "remove or list the participants of a call",
  );

  participant.command("remove")
    .description(
      "remove participants: drops active ones at once, or cancels pending invitations",
    )
    .requiredOption("--call <id>", "the call id")
    .option("--participant <id>", "a participant id (repeat for several)", collect)
    .option("--from <file>", "read participant ids from a file, or - for stdin (one per line)")
    .option("--all-except-self", "remove everyone in the call except this app's own bot")
    .option("--if-match <etag>", "sent as If-Match")
    .option("--header <header>", 'extra request header "Name: value" (repeatable)', collect)
    .option("--what-if", "print the exact request and send nothing (not even a token request)")
    .option("--confirm", "ask before removing (refuses without a terminal unless --yes)")
    .option("--pass-thru", "print true on success (Remove-Mg... -PassThru)")
    .addHelpText(
      "after",
      "\nExample:\n  graphcall participant remove --call 112f7296-5fa4-42ca-bae8-6a692b15d4b8 \\\n" +
        "    --participant a7ebfb2d-871e-419c-87af-27290b22e8db\n" +
        "  graphcall participant remove --call CALL_ID --from ids.txt --output json\n" +
        "  graphcall participant remove --call CALL_ID --participant PID --what-if",
    )
    .action(async (opts, cmd) => {
      const g = cmd.optsWithGlobals() as GlobalOptions;
      const callId = checkId(opts.call, "--call");
      const remove: RemoveCliOptions = {
        ...(opts.ifMatch ? { ifMatch: opts.ifMatch } : {}),
        ...(opts.header ? { headers: parseHeaders(opts.header) } : {}),
      };
      if (opts.allExceptSelf && (opts.participant || opts.from)) {
        throw new InvalidInputError(
          "--all-except-self",
          "cannot be combined with --participant or --from",
        );
      }
      if (!opts.allExceptSelf && !opts.participant && !opts.from) {
        throw new InvalidInputError(
          "--participant",
          "give --participant ID (repeatable), --from FILE|- or --all-except-self",
        );
      }
      let ids = [...(opts.participant ?? [])];
      if (opts.from) ids.push(...await readIds(io, opts.from));
      ids = [
        ...new Set(ids.map((id) => checkId(id, opts.from ? "participant id" : "--participant"))),
      ];
      const bulk = ids.length > 1 || opts.from !== undefined || opts.allExceptSelf === true;

      if (opts.whatIf) {
        if (opts.allExceptSelf) {
          throw new InvalidInputError(
            "--what-if",
            "cannot be combined with --all-except-self: the participants are only known by " +
              "asking Graph; list them with participant list and pass --participant ids",
          );
        }
        const runs = dryRunRemove(g, io, callId, ids, remove);
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

      const client = await connectClient(g, io);
      if (opts.allExceptSelf) {
        const everyone = await listParticipants(client, callId);
        ids = everyone.filter((p) => !isSelf(p, client.clientId)).map((p) => p.id);
      }

      if (!bulk) {
        let removed: RemoveResult;
        try {
          removed = await removeOne(client, callId, ids[0]!, remove);
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
              outputs: { removed: "1", failed: "0", "request-id": result.requestId ?? "" },
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

      const progress = progressBar(io, ids.length, { quiet: g.quiet === true });
      const items = await removeEach(client, callId, ids, remove, (item) => {
        progress.tick(item.participantId);
      });
      progress.done();
      const removed = items.filter((i) => i.ok).length;
      const failed = items.length - removed;
      const rows = items.map((i) => ({
        participant: i.participantId,
        outcome: outcomeText(i),
        status: i.status || "",
        "request id": i.requestId ?? "",
      }));
      const columns = ["participant", "outcome", "status", "request id"];
      setExit(
        await emit(io, g, {
          command: "participant remove",
          result: { callId, removed, failed, items },
          exitCode: bulkExitCode(items),
          human: (paint) =>
            (items.length ? table(rows, columns, paint) : "") +
            (opts.passThru && failed === 0
              ? "true\n"
              : `removed ${removed} of ${items.length} participants from call ${callId}` +
                (failed ? `; ${failed} failed` : "") + "\n"),
          github: {
            outputs: {
              removed: String(removed),
              failed: String(failed),
              "request-id": items.at(-1)?.requestId ?? "",
            },
            summary: markdownTable(
              `graphcall: removed ${removed} of ${items.length} from call ${callId}`,
              rows,
              columns,
            ),
          },
        }),
      );
    });

  participant.command("list")
    .description("list the participants of a call")
    .requiredOption("--call <id>", "the call id")
    .option("--top <n>", "at most this many participants")
    .option("--all", "every page (the default; accepted for Get-Mg... -All)")
    .option("--select <properties>", "only these properties in JSON, comma-separated")
    .addHelpText(
      "after",
      "\nExample:\n  graphcall participant list --call 112f7296-5fa4-42ca-bae8-6a692b15d4b8",
    )
    .action(async (opts, cmd) => {
      const g = cmd.optsWithGlobals() as GlobalOptions;
      const callId = checkId(opts.call, "--call");
      let top: number | undefined;
      if (opts.top !== undefined) {
        if (!/^\d{1,6}$/.test(opts.top) || Number(opts.top) < 1) {
          throw new InvalidInputError("--top", `"${opts.top}" is not a whole number from 1`);
        }
        top = Number(opts.top);
      }
      const select = opts.select?.split(",").map((s) => s.trim()).filter(Boolean);
      if (select && select.some((s) => !/^[A-Za-z@][A-Za-z0-9@._-]*$/.test(s))) {
        throw new InvalidInputError("--select", "give property names separated by commas");
      }
      const client = await connectClient(g, io);
      const all = await listParticipants(client, callId, top !== undefined ? { top } : {});
      const result = select
        ? all.map((p) => Object.fromEntries(["id", ...select].map((k) => [k, p[k]])))
        : all;
      const rows = all.map((p) => ({
        id: p.id,
        who: describeParticipant(p),
        muted: p.isMuted ? "yes" : "no",
      }));
      setExit(
        await emit(io, g, {
          command: "participant list",
          result,
          human: (paint) => table(rows, ["id", "who", "muted"], paint),
          github: {
            outputs: { count: String(all.length) },
            summary: markdownTable(`graphcall: participants of call ${callId}`, rows, [
              "id",
              "who",
              "muted",
            ]),
          },
        }),
      );
    });

  return participant;
}

/** A not-found removal, said with the call and the participant; other errors as they are. */
function notFoundInCall(e: unknown, callId: string, participantId: string): unknown {
  if (!(e instanceof GraphError) || e.code !== "not_found") return e;
  return new GraphError(
    "not_found",
    `participant ${participantId} was not found in call ${callId} (${e.message})`,
    {
      status: e.status,
      ...(e.graphCode ? { graphCode: e.graphCode } : {}),
      ...(e.requestId ? { requestId: e.requestId } : {}),
      ...(e.clientRequestId ? { clientRequestId: e.clientRequestId } : {}),
      ...(e.date ? { date: e.date } : {}),
    },
    { cause: e },
  );
}
