/**
 * `graphcall call get --call ID` (PowerShell's `Get-MgCommunicationCall -CallId`): the app's own
 * call, its state and, once it ended, why.
 *
 * @module
 */

import { checkId } from "../../graph/ids.ts";
import { defineCommand } from "../command.ts";
import { flag, text } from "../raw_options.ts";
import { renderDryRuns, table } from "../render.ts";
import { InvalidInputError } from "../../errors.ts";

const COMMAND = "call get";

/** The options of `call get`. */
export interface CallGetOptions {
  /** `--call`. */
  callId: string;
  /** `--what-if`. */
  whatIf: boolean;
}

/** Reads `--call` (required). */
export function callIdFrom(raw: Record<string, unknown>): string {
  const call = text(raw as never, "call");
  if (call === undefined) {
    throw new InvalidInputError(
      "--call",
      "give the app's call id (graphcall meeting join --join-url URL --stay prints one)",
    );
  }
  return checkId(call, "--call");
}

export default defineCommand<CallGetOptions>({
  parse: (raw) => ({ callId: callIdFrom(raw), whatIf: flag(raw, "whatIf") }),

  async run(o, deps) {
    if (o.whatIf) {
      const run = await (await deps.dryRunCall(o.callId)).get({ dryRun: true });
      return { command: COMMAND, result: run, human: (paint) => renderDryRuns([run], paint) };
    }
    const client = await deps.connect();
    const got = await client.call(o.callId).get();
    const c = got.call;
    const rows = [{
      id: c.id,
      state: c.state ?? "",
      "my participant": c.myParticipantId ?? "",
      ended: c.resultInfo
        ? `${c.resultInfo.code}/${c.resultInfo.subcode} ${c.resultInfo.message ?? ""}`
        : "",
    }];
    return {
      command: COMMAND,
      result: {
        call: c,
        requestId: got.requestId,
        clientRequestId: got.clientRequestId,
        date: got.date,
      },
      human: (paint) => table(rows, ["id", "state", "my participant", "ended"], paint),
      github: { outputs: { state: String(c.state ?? ""), "request-id": got.requestId ?? "" } },
    };
  },
});
