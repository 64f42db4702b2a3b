/**
 * `graphcall completions bash|zsh|pwsh`: prints a completion script generated from the command
 * tree.
 *
 * @module
 */

import { Argument, Command } from "npm:@commander-js/extra-typings@15.1.0";
import { type CompletionNode, completionScript, SHELLS } from "../completions.ts";
import type { Io } from "../io.ts";

/** A command tree as completion sees it. */
export interface TreeSource {
  name(): string;
  options: readonly { long?: string | undefined; short?: string | undefined }[];
  commands: readonly TreeSource[];
}

/** Turns a commander command into a completion node (with `--help`). */
export function completionNode(command: TreeSource): CompletionNode {
  const flags = command.options.flatMap((o) => [o.long, o.short]).filter((f): f is string =>
    f !== undefined
  );
  return {
    name: command.name(),
    flags: [...flags, "--help"],
    children: command.commands.map(completionNode),
  };
}

/**
 * Builds the `completions` command. `fullTree` builds the complete program (every command
 * loaded), since lazily loaded commands are placeholders in the running one.
 */
export function completionsCommand(
  io: Io,
  setExit: (code: number) => void,
  fullTree: () => Promise<TreeSource>,
) {
  return new Command("completions")
    .description("print a shell completion script")
    .addArgument(new Argument("<shell>", "bash, zsh or pwsh").choices(SHELLS))
    .addHelpText(
      "after",
      "\nExample:\n  source <(graphcall completions bash)\n  graphcall completions pwsh | Out-String | Invoke-Expression",
    )
    .action(async (shell) => {
      io.out(completionScript(shell, completionNode(await fullTree())));
      setExit(0);
    });
}
