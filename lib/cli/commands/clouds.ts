/**
 * `graphcall clouds`: the national clouds and their hosts (`Get-MgEnvironment` parity).
 *
 * @module
 */

import { type Cloud, CLOUD_NAMES, CLOUDS, getCloud } from "../../clouds.ts";
import { defineCommand } from "../command.ts";
import { text } from "../raw_options.ts";
import { table } from "../render.ts";

/** The options of `clouds`, checked. */
export interface CloudsOptions {
  /** The clouds to show. */
  clouds: Cloud[];
}

export default defineCommand<CloudsOptions>({
  parse(raw) {
    const name = text(raw, "name");
    return { clouds: name ? [getCloud(name, "--name")] : CLOUD_NAMES.map((n) => CLOUDS[n]) };
  },

  run({ clouds }) {
    return Promise.resolve({
      command: "clouds",
      result: clouds,
      human: (paint) =>
        table(
          clouds.map((c) => ({
            name: c.name,
            graph: c.graphUrl,
            authority: c.authorityUrl,
            teams: c.teamsEnvironmentName ?? "(default)",
            participants: c.participantsApi ? "yes" : "no",
          })),
          ["name", "graph", "authority", "teams", "participants"],
          paint,
        ),
    });
  },
});
