/**
 * `--confirm`: ask before doing something that cannot be undone. On a terminal the user answers
 * y/N; without a terminal (a pipe, CI) the command refuses unless `--yes` was given.
 *
 * @module
 */

import { GraphcallError, InvalidInputError } from "../errors.ts";
import { inGithubActions } from "./github_actions.ts";
import type { Io } from "./io.ts";

/**
 * Resolves when the action is confirmed; throws a usage error when it cannot be asked, and an
 * `aborted` error when the user says no.
 */
export async function confirmAction(io: Io, question: string, yes: boolean): Promise<void> {
  if (yes) return;
  const canAsk = io.stdinIsTerminal === true && io.isTerminal && io.prompt !== undefined &&
    !inGithubActions(io);
  if (!canAsk) {
    throw new InvalidInputError(
      "--confirm",
      "there is no terminal to ask on; add --yes to confirm without asking",
    );
  }
  const answer = await io.prompt!(`${question} [y/N] `);
  if (!answer || !/^\s*y(es)?\s*$/i.test(answer)) {
    throw new GraphcallError("aborted", "not confirmed; nothing was sent");
  }
}
