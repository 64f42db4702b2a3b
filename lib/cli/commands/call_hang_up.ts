/**
 * `graphcall call hang-up --call ID` (PowerShell's `Remove-MgCommunicationCall -CallId`): the app
 * leaves; only its own leg ends, the meeting and everyone in it go on. A call Graph no longer
 * knows had ended already: that is said, and it is not an error. `--confirm` asks first (a "no"
 * sends nothing and exits 0); `--pass-thru` prints `true` on success, as the cmdlet's `-PassThru`.
 *
 * @module
 */

import { defineCommand } from "../command.ts";
import { confirmAction, declined } from "../confirm.ts";
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
  /** `--confirm`: ask before hanging up. */
  confirm: boolean;
  /** `--pass-thru`: print `true` on success. */
  passThru: boolean;
}

export default defineCommand<HangUpOptions>({
  parse: (raw) => ({
    callId: callIdFrom(raw),
    whatIf: flag(raw, "whatIf"),
    confirm: flag(raw, "confirm"),
    passThru: flag(raw, "passThru"),
  }),

  async run(o, deps) {
    if (o.whatIf) {
      const run = await (await deps.dryRunCall(o.callId)).hangUp({ dryRun: true });
      return { command: COMMAND, result: run, human: (paint) => renderDryRuns([run], paint) };
    }
    if (o.confirm) {
      const question = `Hang up call ${o.callId} (the app leaves; the meeting goes on)?`;
      if (!await confirmAction(deps.io, sanitise(question), deps.globals.yes === true)) {
        return declined(COMMAND, { callId: o.callId });
      }
    }
    const client = await deps.connect();
    const r = await client.call(o.callId).hangUp();
    return {
      command: COMMAND,
      result: r,
      human: () =>
        o.passThru
          ? "true\n"
          : r.alreadyEnded
          ? `call ${sanitise(o.callId)} had already ended\n`
          : `hung up call ${sanitise(o.callId)}: the app left the meeting\n`,
      github: { outputs: { "request-id": r.requestId ?? "" } },
    };
  },
});
