/**
 * `--confirm`: ask before doing something that cannot be undone. On a terminal the user answers
 * y/N; without a terminal (a pipe, CI) the command refuses unless `--yes` was given. Declining
 * is not an error and not an interruption: nothing is sent, the outcome is `declined`, and the
 * exit code is 0.
 *
 * @module
 */

import { InvalidInputError } from "../errors.ts";
import { inGithubActions } from "./github_actions.ts";
import type { Io } from "./io.ts";
import type { Outcome } from "./output.ts";

/**
 * Whether the action is confirmed: true with `yes`, else the user's answer. Throws a usage error
 * when there is no terminal to ask on.
 */
export async function confirmAction(io: Io, question: string, yes: boolean): Promise<boolean> {
  if (yes) return true;
  const canAsk = io.stdinIsTerminal === true && io.isTerminal && io.prompt !== undefined &&
    !inGithubActions(io);
  if (!canAsk) {
    throw new InvalidInputError(
      "--confirm",
      "there is no terminal to ask on; add --yes to confirm without asking",
    );
  }
  const answer = await io.prompt!(`${question} [y/N] `);
  return answer !== null && /^\s*y(es)?\s*$/i.test(answer);
}

/** The outcome of a command whose `--confirm` question was answered no: nothing was sent. */
export function declined(command: string, details: Record<string, unknown>): Outcome {
  return {
    command,
    result: { outcome: "declined", ...details },
    human: () => "",
    notes: () => "graphcall: not confirmed; nothing was sent\n",
    exitCode: 0,
  };
}
