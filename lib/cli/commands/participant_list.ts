/**
 * `graphcall participant list`: the participants of a call (PowerShell's
 * `Get-MgCommunicationCallParticipant` without `-ParticipantId`).
 *
 * @module
 */

import { InvalidInputError } from "../../errors.ts";
import { checkId } from "../../graph/ids.ts";
import { defineCommand } from "../command.ts";
import { markdownTable } from "../github_actions.ts";
import { text } from "../raw_options.ts";
import { renderDryRuns, table } from "../render.ts";
import { describeParticipant, parseFilter, parseSelect } from "./participant_read_common.ts";

const COMMAND = "participant list";

/** The options of `participant list`, checked. */
export interface ListOptions {
  /** The call. */
  callId: string;
  /** `--top`. */
  top?: number;
  /** `--filter`. */
  filter?: string;
  /** `--select` (without `id`, which is always selected). */
  select?: string[];
  /** `--what-if`. */
  whatIf: boolean;
}

export default defineCommand<ListOptions>({
  parse(raw) {
    const callId = checkId(text(raw, "call"), "--call");
    const topText = text(raw, "top");
    let top: number | undefined;
    if (topText !== undefined) {
      if (!/^\d{1,6}$/.test(topText) || Number(topText) < 1) {
        throw new InvalidInputError("--top", `"${topText}" is not a whole number from 1`);
      }
      top = Number(topText);
    }
    const select = parseSelect(text(raw, "select"));
    const filter = parseFilter(text(raw, "filter"));
    return {
      callId,
      ...(top !== undefined ? { top } : {}),
      ...(filter !== undefined ? { filter } : {}),
      ...(select ? { select } : {}),
      whatIf: raw.whatIf === true,
    };
  },

  async run(o, deps) {
    const listOptions = {
      ...(o.top !== undefined ? { top: o.top } : {}),
      ...(o.filter !== undefined ? { filter: o.filter } : {}),
      ...(o.select ? { select: [...new Set(["id", ...o.select])] } : {}),
    };
    if (o.whatIf) {
      const run = await (await deps.dryRunCall(o.callId)).describeList(listOptions);
      return { command: COMMAND, result: run, human: (paint) => renderDryRuns([run], paint) };
    }
    const { listParticipants } = await import("../participant_actions.ts");
    const all = await listParticipants(await deps.connect(), o.callId, listOptions);
    const select = o.select;
    const result = select
      ? all.map((p) => Object.fromEntries(["id", ...select].map((k) => [k, p[k]])))
      : all;
    const rows = all.map((p) => ({
      id: p.id,
      who: describeParticipant(p),
      muted: p.isMuted ? "yes" : "no",
    }));
    return {
      command: COMMAND,
      result,
      human: (paint) => table(rows, ["id", "who", "muted"], paint),
      github: {
        outputs: { count: String(all.length) },
        summary: markdownTable(`graphcall: participants of call ${o.callId}`, rows, [
          "id",
          "who",
          "muted",
        ]),
      },
    };
  },
});
