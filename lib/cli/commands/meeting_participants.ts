/**
 * `graphcall meeting participants --join-url URL`: the app joins the meeting, reads who is in it
 * (without itself), and leaves.
 *
 * @module
 */

import { defineCommand } from "../command.ts";
import { markdownTable } from "../github_actions.ts";
import { table } from "../render.ts";
import {
  joinOptions,
  lobbyNotice,
  type MeetingOptions,
  parseMeetingOptions,
  startListener,
} from "./meeting_common.ts";
import { describeParticipant } from "./participant_read_common.ts";

const COMMAND = "meeting participants";

export default defineCommand<MeetingOptions>({
  parse: (raw) => parseMeetingOptions(raw),

  async run(o, deps) {
    const client = await deps.connect();
    const listening = await startListener(o, deps, {
      appId: client.clientId,
      graphUrl: client.graphUrl,
      cloud: client.cloud.name,
    });
    let roster;
    try {
      roster = await client.meetingRoster(o.link, {
        ...joinOptions(o, listening),
        onProgress: lobbyNotice(deps),
      });
    } finally {
      await listening?.listener.close();
    }
    const rows = roster.participants.map((p) => ({
      id: p.id,
      who: describeParticipant(p),
      muted: p.isMuted ? "yes" : "no",
      lobby: p.isInLobby ? "yes" : "",
    }));
    const columns = ["id", "who", "muted", "lobby"];
    return {
      command: COMMAND,
      result: { callId: roster.callId, left: true, participants: roster.participants },
      human: (paint) =>
        table(rows, columns, paint) +
        `${rows.length} ${
          rows.length === 1 ? "person" : "people"
        } in the meeting besides the app; ` +
        "the app left\n",
      github: {
        outputs: { count: String(rows.length) },
        summary: markdownTable(`graphcall: ${rows.length} in the meeting`, rows, columns),
      },
    };
  },
});
