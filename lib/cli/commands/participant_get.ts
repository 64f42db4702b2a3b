/**
 * `graphcall participant get`: one participant of a call (PowerShell's
 * `Get-MgCommunicationCallParticipant -ParticipantId`).
 *
 * @module
 */

import { defineCommand } from "../command.ts";
import { markdownTable } from "../github_actions.ts";
import { text } from "../raw_options.ts";
import { renderDryRuns, table } from "../render.ts";
import { gatherTargets, participantTargetFlags } from "../targets.ts";
import { notFoundInCall } from "./participant_common.ts";
import { describeParticipant, parseSelect } from "./participant_read_common.ts";

const COMMAND = "participant get";

/** The options of `participant get`, checked. */
export interface GetOptions {
  /** The call. */
  callId: string;
  /** The participant. */
  participantId: string;
  /** `--select` (without `id`, which is always selected). */
  select?: string[];
  /** `--what-if`. */
  whatIf: boolean;
}

export default defineCommand<GetOptions>({
  async parse(raw, { io }) {
    const { callId, participantIds } = await gatherTargets(
      participantTargetFlags(raw),
      io,
      { command: COMMAND, count: "one" },
    );
    const select = parseSelect(text(raw, "select"));
    return {
      callId,
      participantId: participantIds[0]!,
      ...(select ? { select } : {}),
      whatIf: raw.whatIf === true,
    };
  },

  async run(o, deps) {
    const { callId, participantId } = o;
    const getOptions = o.select ? { select: [...new Set(["id", ...o.select])] } : {};
    if (o.whatIf) {
      const run = await (await deps.dryRunCall(callId)).participant(participantId, {
        ...getOptions,
        dryRun: true,
      });
      return { command: COMMAND, result: run, human: (paint) => renderDryRuns([run], paint) };
    }
    const client = await deps.connect();
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
    return {
      command: COMMAND,
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
    };
  },
});
