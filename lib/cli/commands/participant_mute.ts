/**
 * `graphcall participant mute`: a server mute of one participant, who may unmute (PowerShell's
 * `Invoke-MgMuteCommunicationCallParticipant`).
 *
 * @module
 */

import { InvalidInputError } from "../../errors.ts";
import { defineCommand } from "../command.ts";
import { confirmAction, declined } from "../confirm.ts";
import { markdownTable } from "../github_actions.ts";
import { readJsonArgument } from "../participant_input.ts";
import { flag, text } from "../raw_options.ts";
import { renderDryRuns } from "../render.ts";
import { sanitise } from "../sanitise.ts";
import { gatherTargets, participantTargetFlags } from "../targets.ts";
import { notFoundInCall } from "./participant_common.ts";

const COMMAND = "participant mute";

/** The options of `participant mute`, checked. */
export interface MuteOptions {
  /** The call. */
  callId: string;
  /** The participant. */
  participantId: string;
  /** `--client-context`, or the one in `--body`. */
  clientContext?: string;
  /** `--what-if`. */
  whatIf: boolean;
  /** `--confirm`. */
  confirm: boolean;
  /** `--pass-thru`. */
  passThru: boolean;
}

export default defineCommand<MuteOptions>({
  async parse(raw, { io }) {
    const { callId, participantIds } = await gatherTargets(
      participantTargetFlags(raw),
      io,
      { command: COMMAND, count: "one" },
    );
    let clientContext = text(raw, "clientContext");
    const bodyFile = text(raw, "body");
    if (bodyFile !== undefined) {
      if (clientContext !== undefined) {
        throw new InvalidInputError("--body", "holds the clientContext; drop --client-context");
      }
      const body = await readJsonArgument(io, bodyFile, "--body");
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
    return {
      callId,
      participantId: participantIds[0]!,
      ...(clientContext !== undefined ? { clientContext } : {}),
      whatIf: flag(raw, "whatIf"),
      confirm: flag(raw, "confirm"),
      passThru: flag(raw, "passThru"),
    };
  },

  async run(o, deps) {
    const { callId, participantId, clientContext } = o;
    const muteOptions = clientContext !== undefined ? { clientContext } : {};
    if (o.whatIf) {
      const run = await (await deps.dryRunCall(callId)).mute(participantId, {
        ...muteOptions,
        dryRun: true,
      });
      return { command: COMMAND, result: run, human: (paint) => renderDryRuns([run], paint) };
    }
    if (o.confirm) {
      const question = `Mute participant ${participantId} in call ${callId}?`;
      if (!await confirmAction(deps.io, sanitise(question), deps.globals.yes === true)) {
        return declined(COMMAND, { callId, participantId });
      }
    }
    const client = await deps.connect();
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
    return {
      command: COMMAND,
      result,
      human: () =>
        o.passThru
          ? "true\n"
          : `muted participant ${sanitise(participantId)} in call ${sanitise(callId)} (${
            sanitise(result.status ?? "sent")
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
    };
  },
});
