/**
 * `graphcall meeting join --join-url URL [--stay]`: the app joins the meeting and waits until it
 * is in (told when it waits in the lobby), then prints its call id. Without `--stay` it leaves at
 * once (a check that it can join); with `--stay` it stays in the call, keeping it alive, until
 * Ctrl-C or SIGTERM, then hangs up: meanwhile `graphcall participant ... --call ID` commands work
 * on that call. `--body FILE` (PowerShell's `New-MgCommunicationCall -BodyParameter`) sends a
 * join body as it is instead. `--confirm` asks before joining (a "no" sends nothing, exit 0).
 *
 * @module
 */

import { GraphcallError, InvalidInputError } from "../../errors.ts";
import type { CallHandle } from "../../graph/call.ts";
import { defineCommand } from "../command.ts";
import { confirmAction, declined } from "../confirm.ts";
import { flag, text } from "../raw_options.ts";
import { renderDryRuns } from "../render.ts";
import { sanitise } from "../sanitise.ts";
import {
  joinOptions,
  lobbyNotice,
  type MeetingOptions,
  parseMeetingOptions,
  startListener,
} from "./meeting_common.ts";
import { readJsonArgument } from "../participant_input.ts";

const COMMAND = "meeting join";

/** The options of `meeting join`, checked. */
export interface MeetingJoinOptions extends Partial<MeetingOptions> {
  /** `--stay`. */
  stay: boolean;
  /** `--body FILE`: a join body as it is. */
  body?: Record<string, unknown>;
  /** `--what-if`. */
  whatIf: boolean;
  /** `--confirm`: ask before joining. */
  confirm: boolean;
}

export default defineCommand<MeetingJoinOptions>({
  async parse(raw, { io }) {
    const bodyFile = text(raw, "body");
    if (bodyFile !== undefined) {
      if (raw.joinUrl !== undefined) {
        throw new InvalidInputError("--body", "give --join-url or --body, not both");
      }
      const body = await readJsonArgument(io, bodyFile, "--body");
      if (typeof body !== "object" || body === null || Array.isArray(body)) {
        throw new InvalidInputError("--body", "a join body is a JSON object (a call)");
      }
      return {
        stay: flag(raw, "stay"),
        whatIf: flag(raw, "whatIf"),
        confirm: flag(raw, "confirm"),
        body: body as Record<string, unknown>,
      };
    }
    if (raw.joinUrl === undefined) {
      throw new InvalidInputError(
        "--join-url",
        "give the meeting's join link (https://teams.microsoft.com/l/meetup-join/... or " +
          "/meet/...), or a whole join body with --body FILE (New-MgCommunicationCall " +
          "-BodyParameter)",
      );
    }
    return {
      ...parseMeetingOptions(raw),
      stay: flag(raw, "stay"),
      whatIf: flag(raw, "whatIf"),
      confirm: flag(raw, "confirm"),
    };
  },

  async run(o, deps) {
    if (o.whatIf) {
      const { dryRunGraph } = await import("../connection.ts");
      const dry = await dryRunGraph(deps.globals, deps.io);
      let run;
      if (o.body) {
        const { runOperation } = await import("../../graph/run_operation.ts");
        run = await runOperation(dry.http, { name: "join", body: o.body, dryRun: true });
      } else {
        const { joinMeeting } = await import("../../graph/meeting_join.ts");
        run = await joinMeeting(dry.http, o.link!, {
          ...joinOptions(o as MeetingOptions, undefined),
          tenantId: dry.tenantId ?? "",
          callbackUri: o.callbackUri ?? dry.callbackUri ?? "",
          dryRun: true,
        });
      }
      if (!("dryRun" in run)) throw new GraphcallError("internal", "--what-if must not send");
      return { command: COMMAND, result: run, human: (paint) => renderDryRuns([run], paint) };
    }
    if (o.confirm) {
      const question = o.body
        ? "Join the call this body describes as the app (it shows in the roster)?"
        : "Join the meeting as the app (it shows in the roster)?";
      if (!await confirmAction(deps.io, question, deps.globals.yes === true)) {
        return declined(COMMAND, o.body ? {} : { joinUrl: (o as MeetingOptions).joinUrl });
      }
    }
    const client = await deps.connect();
    const listening = o.link
      ? await startListener(o as MeetingOptions, deps, {
        appId: client.clientId,
        graphUrl: client.graphUrl,
        cloud: client.cloud.name,
      })
      : undefined;
    using interrupt = deps.listenForInterrupt();
    let call: CallHandle;
    try {
      call = o.body
        ? await client.joinWithBody(o.body, { signal: interrupt.stop })
        : await client.joinMeeting(o.link!, {
          ...joinOptions(o as MeetingOptions, listening),
          onProgress: lobbyNotice(deps),
          signal: interrupt.stop,
        });
    } catch (e) {
      await listening?.listener.close();
      throw e;
    }
    let stayedFor = 0;
    try {
      if (o.stay) {
        deps.io.err(
          `graphcall: in the meeting as call ${call.id}; graphcall participant commands take ` +
            `--call ${call.id} meanwhile. Ctrl+C hangs up.\n`,
        );
        const started = Date.now();
        await new Promise<void>((resolve) => {
          if (interrupt.stop.aborted) resolve();
          interrupt.stop.addEventListener("abort", () => resolve(), { once: true });
        });
        stayedFor = Date.now() - started;
      }
    } finally {
      await call.hangUp().catch(() => {});
      await listening?.listener.close();
    }
    const result = {
      callId: call.id,
      myParticipantId: call.myParticipantId,
      stayed: o.stay,
      ...(o.stay ? { stayedMs: stayedFor } : {}),
      left: true,
    };
    return {
      command: COMMAND,
      result,
      human: () => `${call.id}\n`,
      notes: () =>
        o.stay
          ? `graphcall: hung up call ${sanitise(call.id)}\n`
          : `graphcall: the app joined and left at once (add --stay to keep the call for other commands)\n`,
      github: { outputs: { "call-id": call.id } },
    };
  },
});
