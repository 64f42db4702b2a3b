/**
 * `graphcall clouds`: the national clouds and their hosts (`Get-MgEnvironment` parity).
 *
 * @module
 */

import { Command } from "npm:@commander-js/extra-typings@15.1.0";
import { CLOUD_NAMES, CLOUDS, getCloud } from "../../clouds.ts";
import type { GlobalOptions } from "../global_options.ts";
import type { Io } from "../io.ts";
import { emit } from "../output.ts";
import { table } from "../render.ts";

/** Builds the `clouds` command. */
export function cloudsCommand(io: Io, setExit: (code: number) => void) {
  return new Command("clouds")
    .description("list the national clouds, their Graph and Entra hosts (Get-MgEnvironment)")
    .option("--name <cloud>", "only this cloud: Global, USGov, USGovDoD or China")
    .addHelpText(
      "after",
      "\nExample:\n  graphcall clouds\n  graphcall clouds --name USGov --output json",
    )
    .action(async (opts, cmd) => {
      const g = cmd.optsWithGlobals() as GlobalOptions;
      const clouds = opts.name
        ? [getCloud(opts.name, "--name")]
        : CLOUD_NAMES.map((n) => CLOUDS[n]);
      setExit(
        await emit(io, g, {
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
        }),
      );
    });
}
