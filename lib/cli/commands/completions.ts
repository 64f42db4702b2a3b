/**
 * `graphcall completions bash|zsh|pwsh`: prints a completion script generated from the command
 * tree's specs. Hidden options (`--client-secret`, always refused) are not offered.
 *
 * @module
 */

import { type CompletionNode, completionScript, type Shell } from "../completions.ts";
import { ROOT } from "../command_tree.ts";
import { defineCommand } from "../command.ts";
import { HELP_OPTION, VERSION_OPTION } from "../parse_argv.ts";
import type { CommandSpec } from "../spec.ts";

/** A command spec as completion sees it: its visible flags (and `--help`) and subcommands. */
export function completionNode(command: CommandSpec, root = true): CompletionNode {
  const options = [
    ...(root ? [VERSION_OPTION] : []),
    ...(command.options ?? []),
    HELP_OPTION,
  ].filter((o) => !o.hidden);
  return {
    name: command.name,
    flags: options.flatMap((o) => [o.flag, ...(o.short ? [o.short] : [])]),
    children: (command.commands ?? []).map((c) => completionNode(c, false)),
  };
}

export default defineCommand<{ shell: Shell }>({
  parse: (_raw, { args }) => ({ shell: args[0] as Shell }),
  run: ({ shell }) => {
    const script = completionScript(shell, completionNode(ROOT));
    return Promise.resolve({
      command: "completions",
      result: { shell, script },
      human: () => script,
      essential: true,
    });
  },
});
