/**
 * `graphcall participant remove|list`: the participants of a call.
 *
 * @module
 */

import { Command } from "npm:@commander-js/extra-typings@15.1.0";
import { connect } from "../../graph/connect.ts";
import { GraphError } from "../../errors.ts";
import type { Io } from "../io.ts";
import { connectOptionsFrom, type GlobalOptions, outputFormat } from "../global_options.ts";
import { printJson, table } from "../render.ts";
import type { Participant } from "../../graph/call.ts";

/** Who a participant is, in a few words. */
export function describeParticipant(p: Participant): string {
  const identity = p.info?.identity ?? {};
  for (const kind of ["user", "guest", "phone", "application", "applicationInstance"]) {
    const who = identity[kind];
    if (who) return `${kind}: ${who.displayName ?? who.id ?? "?"}`;
  }
  return "unknown";
}

/** Builds the `participant` command. */
export function participantCommand(io: Io, setExit: (code: number) => void) {
  const participant = new Command("participant").description(
    "remove or list the participants of a call",
  );

  participant.command("remove")
    .description(
      "remove a participant: drops an active one at once, or cancels a pending invitation",
    )
    .requiredOption("--call <id>", "the call id")
    .requiredOption("--participant <id>", "the participant id")
    .option("--if-match <etag>", "sent as If-Match")
    .addHelpText(
      "after",
      "\nExample:\n  graphcall participant remove --call 112f7296-5fa4-42ca-bae8-6a692b15d4b8 \\\n    --participant a7ebfb2d-871e-419c-87af-27290b22e8db",
    )
    .action(async (opts, cmd) => {
      const g = cmd.optsWithGlobals() as GlobalOptions;
      const client = await connect(connectOptionsFrom(g, io));
      if (g.verbose) io.err(`graphcall: credential: ${client.credentialDescription}\n`);
      try {
        const result = await client.call(opts.call).remove(
          opts.participant,
          opts.ifMatch ? { ifMatch: opts.ifMatch } : {},
        );
        if (outputFormat(g) === "json") printJson(io, { ok: true, result });
        else if (!g.quiet) {
          io.out(
            `removed participant ${result.participantId} from call ${result.callId} (${result.status})\n`,
          );
        }
        setExit(0);
      } catch (e) {
        if (e instanceof GraphError && e.code === "not_found") {
          throw new GraphError(
            "not_found",
            `participant ${opts.participant} was not found in call ${opts.call} (${e.message})`,
            {
              status: e.status,
              ...(e.graphCode ? { graphCode: e.graphCode } : {}),
              ...(e.requestId ? { requestId: e.requestId } : {}),
              ...(e.clientRequestId ? { clientRequestId: e.clientRequestId } : {}),
              ...(e.date ? { date: e.date } : {}),
            },
            { cause: e },
          );
        }
        throw e;
      }
    });

  participant.command("list")
    .description("list the participants of a call")
    .requiredOption("--call <id>", "the call id")
    .addHelpText(
      "after",
      "\nExample:\n  graphcall participant list --call 112f7296-5fa4-42ca-bae8-6a692b15d4b8",
    )
    .action(async (opts, cmd) => {
      const g = cmd.optsWithGlobals() as GlobalOptions;
      const client = await connect(connectOptionsFrom(g, io));
      const all: Participant[] = [];
      for await (const p of client.call(opts.call).participants()) all.push(p);
      if (outputFormat(g) === "json") printJson(io, { ok: true, result: all });
      else if (!g.quiet) {
        io.out(table(
          all.map((p) => ({
            id: p.id,
            who: describeParticipant(p),
            muted: p.isMuted ? "yes" : "no",
          })),
          ["id", "who", "muted"],
        ));
      }
      setExit(0);
    });

  return participant;
}
