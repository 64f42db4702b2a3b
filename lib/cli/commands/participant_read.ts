/**
 * `graphcall participant list|get|mute`: read the roster or one participant, and mute one
 * (PowerShell's `Get-MgCommunicationCallParticipant` and
 * `Invoke-MgMuteCommunicationCallParticipant`).
 *
 * @module
 */

import type { Command } from "npm:@commander-js/extra-typings@15.1.0";
import { InvalidInputError } from "../../errors.ts";
import type { Participant } from "../../graph/call.ts";
import { checkId } from "../../graph/ids.ts";
import { confirmAction } from "../confirm.ts";
import { markdownTable } from "../github_actions.ts";
import type { GlobalOptions } from "../global_options.ts";
import type { Io } from "../io.ts";
import { emit } from "../output.ts";
import { renderDryRuns, table } from "../render.ts";
import {
  agreeOnCall,
  parseParticipantUrl,
  readInputObject,
  readJsonArgument,
  type Target,
} from "../participant_input.ts";
import { notFoundInCall } from "./participant_common.ts";

/** Who a participant is, in a few words. */
export function describeParticipant(p: Participant): string {
  const identity = p.info?.identity ?? {};
  for (const kind of ["user", "guest", "phone", "application", "applicationInstance"]) {
    const who = identity[kind];
    if (who) return `${kind}: ${who.displayName ?? who.id ?? "?"}`;
  }
  return "unknown";
}

function parseSelect(value: string | undefined): string[] | undefined {
  const select = value?.split(",").map((s) => s.trim()).filter(Boolean);
  if (
    select && (select.length === 0 || select.some((s) => !/^[A-Za-z@][A-Za-z0-9@._-]*$/.test(s)))
  ) {
    throw new InvalidInputError("--select", "give property names separated by commas");
  }
  return select;
}

function parseFilter(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  if (
    value.trim() === "" || value.length > 1000 || [...value].some((c) => c.charCodeAt(0) < 0x20)
  ) {
    throw new InvalidInputError(
      "--filter",
      'give an OData filter of at most 1000 characters, e.g. "isMuted eq true"',
    );
  }
  return value;
}

/** The one participant named by --call/--participant, --participant-url or --input-object. */
async function oneTarget(
  io: Io,
  opts: { call?: string; participant?: string; participantUrl?: string; inputObject?: string },
): Promise<Target> {
  const calls: [string, string | undefined][] = [["--call", opts.call]];
  const pids: [string, string][] = [];
  if (opts.participant !== undefined) pids.push(["--participant", opts.participant]);
  if (opts.participantUrl !== undefined) {
    const t = parseParticipantUrl(opts.participantUrl);
    calls.push(["--participant-url", t.callId]);
    pids.push(["--participant-url", t.participantId]);
  }
  if (opts.inputObject !== undefined) {
    const t = await readInputObject(io, opts.inputObject);
    calls.push(["--input-object", t.callId]);
    pids.push(["--input-object", t.participantId]);
  }
  if (pids.length === 0) {
    throw new InvalidInputError(
      "--participant",
      "give --participant ID, --participant-url URL or --input-object FILE|-",
    );
  }
  if (pids.length > 1) {
    throw new InvalidInputError(
      pids[1]![0],
      `names a second participant; give one of ${pids[0]![0]} or ${pids[1]![0]}`,
    );
  }
  const callId = agreeOnCall(calls);
  return { callId, participantId: checkId(pids[0]![1], pids[0]![0]) };
}

/** Adds `participant list`, `participant get` and `participant mute`. */
export function addReadCommands(
  participant: Command<[], Record<string, unknown>>,
  io: Io,
  setExit: (code: number) => void,
): void {
  participant.command("list")
    .description("list the participants of a call")
    .requiredOption("--call <id>", "the call id")
    .option("--top <n>", "at most this many participants (also the page size, $top)")
    .option("--all", "every page (the default; accepted for Get-Mg... -All)")
    .option(
      "--filter <odata>",
      "an OData $filter, sent as it is (whether Graph honours it here is UNCONFIRMED)",
    )
    .option("--select <properties>", "only these properties ($select), comma-separated")
    .option("--what-if", "print the request and send nothing")
    .addHelpText(
      "after",
      "\nExample:\n  graphcall participant list --call 112f7296-5fa4-42ca-bae8-6a692b15d4b8\n" +
        "  graphcall participant list --call CALL_ID --select isMuted,info --output json",
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
      const select = parseSelect(opts.select);
      const filter = parseFilter(opts.filter);
      const listOptions = {
        ...(top !== undefined ? { top } : {}),
        ...(filter !== undefined ? { filter } : {}),
        ...(select ? { select: [...new Set(["id", ...select])] } : {}),
      };
      const actions = await import("../participant_actions.ts");
      if (opts.whatIf) {
        const run = await (await actions.dryRunCall(g, io, callId)).describeList(listOptions);
        return setExit(
          await emit(io, g, {
            command: "participant list",
            result: run,
            human: (paint) => renderDryRuns([run], paint),
          }),
        );
      }
      const client = await actions.connectClient(g, io);
      const all = await actions.listParticipants(client, callId, listOptions);
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

  participant.command("get")
    .description("show one participant of a call")
    .option("--call <id>", "the call id")
    .option("--participant <id>", "the participant id")
    .option("--participant-url <url>", "a Graph participant URL instead of --call/--participant")
    .option("--input-object <file>", 'JSON {"callId", "participantId"} from a file or - (stdin)')
    .option("--select <properties>", "only these properties ($select), comma-separated")
    .option("--what-if", "print the request and send nothing")
    .addHelpText(
      "after",
      "\nExample:\n  graphcall participant get --call 112f7296-5fa4-42ca-bae8-6a692b15d4b8 \\\n" +
        "    --participant a7ebfb2d-871e-419c-87af-27290b22e8db --output json",
    )
    .action(async (opts, cmd) => {
      const g = cmd.optsWithGlobals() as GlobalOptions;
      const { callId, participantId } = await oneTarget(io, opts);
      const select = parseSelect(opts.select);
      const getOptions = select ? { select: [...new Set(["id", ...select])] } : {};
      const actions = await import("../participant_actions.ts");
      if (opts.whatIf) {
        const run = await (await actions.dryRunCall(g, io, callId)).participant(participantId, {
          ...getOptions,
          dryRun: true,
        });
        return setExit(
          await emit(io, g, {
            command: "participant get",
            result: run,
            human: (paint) => renderDryRuns([run], paint),
          }),
        );
      }
      const client = await actions.connectClient(g, io);
      let got;
      try {
        got = await client.call(callId).participant(participantId, getOptions);
      } catch (e) {
        throw notFoundInCall(e, callId, participantId);
      }
      const p = got.participant;
      const result = {
        callId,
        participant: p,
        requestId: got.requestId,
        clientRequestId: got.clientRequestId,
        date: got.date,
      };
      const rows = [{ id: p.id, who: describeParticipant(p), muted: p.isMuted ? "yes" : "no" }];
      setExit(
        await emit(io, g, {
          command: "participant get",
          result,
          human: (paint) => table(rows, ["id", "who", "muted"], paint),
          github: {
            outputs: { "request-id": got.requestId ?? "" },
            summary: markdownTable(`graphcall: participant of call ${callId}`, rows, [
              "id",
              "who",
              "muted",
            ]),
          },
        }),
      );
    });

  participant.command("mute")
    .description("mute a participant (a server mute; the participant may unmute)")
    .option("--call <id>", "the call id")
    .option("--participant <id>", "the participant id")
    .option("--participant-url <url>", "a Graph participant URL instead of --call/--participant")
    .option("--input-object <file>", 'JSON {"callId", "participantId"} from a file or - (stdin)')
    .option("--client-context <text>", "echoed in the mute operation (at most 256 characters)")
    .option("--body <file>", 'the mute body {"clientContext": ...} from a file or - (stdin)')
    .option("--what-if", "print the request and send nothing")
    .option("--confirm", "ask before muting (refuses without a terminal unless --yes)")
    .option("--pass-thru", "print true on success")
    .addHelpText(
      "after",
      "\nExample:\n  graphcall participant mute --call 112f7296-5fa4-42ca-bae8-6a692b15d4b8 \\\n" +
        "    --participant a7ebfb2d-871e-419c-87af-27290b22e8db",
    )
    .action(async (opts, cmd) => {
      const g = cmd.optsWithGlobals() as GlobalOptions;
      const { callId, participantId } = await oneTarget(io, opts);
      let clientContext = opts.clientContext;
      if (opts.body !== undefined) {
        if (clientContext !== undefined) {
          throw new InvalidInputError("--body", "holds the clientContext; drop --client-context");
        }
        const body = await readJsonArgument(io, opts.body, "--body");
        const o = body && typeof body === "object" && !Array.isArray(body)
          ? body as Record<string, unknown>
          : undefined;
        const extra = o ? Object.keys(o).filter((k) => k !== "clientContext") : [];
        if (!o || extra.length > 0) {
          throw new InvalidInputError(
            "--body",
            `a mute body is {"clientContext": "..."}${
              extra.length ? `; ${extra[0]} is not part of it` : ""
            }`,
          );
        }
        if (o.clientContext !== undefined && typeof o.clientContext !== "string") {
          throw new InvalidInputError("--body", "clientContext must be a string");
        }
        clientContext = o.clientContext as string | undefined;
      }
      const muteOptions = clientContext !== undefined ? { clientContext } : {};
      const actions = await import("../participant_actions.ts");
      if (opts.whatIf) {
        const run = await (await actions.dryRunCall(g, io, callId)).mute(participantId, {
          ...muteOptions,
          dryRun: true,
        });
        return setExit(
          await emit(io, g, {
            command: "participant mute",
            result: run,
            human: (paint) => renderDryRuns([run], paint),
          }),
        );
      }
      if (opts.confirm) {
        await confirmAction(
          io,
          `Mute participant ${participantId} in call ${callId}?`,
          g.yes === true,
        );
      }
      const client = await actions.connectClient(g, io);
      let muted;
      try {
        muted = await client.call(callId).mute(participantId, muteOptions);
      } catch (e) {
        throw notFoundInCall(e, callId, participantId);
      }
      const result = {
        callId,
        participantId,
        operationId: muted.operation?.id,
        status: muted.operation?.status ?? null,
        ...(clientContext !== undefined ? { clientContext } : {}),
        requestId: muted.requestId,
        clientRequestId: muted.clientRequestId,
        date: muted.date,
      };
      setExit(
        await emit(io, g, {
          command: "participant mute",
          result,
          human: () =>
            opts.passThru
              ? "true\n"
              : `muted participant ${participantId} in call ${callId} (${
                result.status ?? "sent"
              })\n`,
          github: {
            outputs: {
              "request-id": result.requestId ?? "",
              "operation-id": result.operationId ?? "",
            },
            summary: markdownTable(`graphcall: muted in call ${callId}`, [{
              participant: participantId,
              outcome: "muted",
              status: result.status ?? "",
              "request id": result.requestId ?? "",
            }], ["participant", "outcome", "status", "request id"]),
          },
        }),
      );
    });
}
