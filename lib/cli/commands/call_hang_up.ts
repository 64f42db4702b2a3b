/**
 * `graphcall call hang-up --call ID` (PowerShell's `Remove-MgCommunicationCall -CallId`): the app
 * leaves; only its own leg ends, the meeting and everyone in it go on. A call Graph no longer
 * knows had ended already: that is said, and it is not an error.
 *
 * @module
 */

import { defineCommand } from "../command.ts";
import { flag } from "../raw_options.ts";
import { renderDryRuns } from "../render.ts";
import { sanitise } from "../sanitise.ts";
import { callIdFrom } from "./call_get.ts";

const COMMAND = "call hang-up";

/** The options of `call hang-up`. */
export interface HangUpOptions {
  /** `--call`. */
  callId: string;
  /** `--what-if`. */
  whatIf: boolean;
}

export default defineCommand<HangUpOptions>({
  parse: (raw) => ({ callId: callIdFrom(raw), whatIf: flag(raw, "whatIf") }),

  async run(o, deps) {
    if (o.whatIf) {
      const run = await (await deps.dryRunCall(o.callId)).hangUp({ dryRun: true });
      return { command: COMMAND, result: run, human: (paint) => renderDryRuns([run], paint) };
    }
    const client = await deps.connect();
    const r = await client.call(o.callId).hangUp();
    return {
      command: COMMAND,
      result: r,
      human: () =>
        r.alreadyEnded
          ? `call ${sanitise(o.callId)} had already ended\n`
          : `hung up call ${sanitise(o.callId)}: the app left the meeting\n`,
      github: { outputs: { "request-id": r.requestId ?? "" } },
    };
  },
});
