/**
 * Help text, rendered from the command tree: 80 columns, plain (no colour), the same everywhere.
 *
 * ```
 * Usage: graphcall participant remove [options]
 *
 * remove participants: drops active ones at once, or cancels pending invitations
 *
 * Options:
 *   --call <id>                  the call id
 *   ...
 * ```
 * Options and commands are aligned in two columns; descriptions wrap under their column.
 * Hidden options are left out. The footer (examples, exit codes) follows as written.
 *
 * @module
 */

import { HELP_OPTION, optionTerm, VERSION_OPTION } from "./parse_argv.ts";
import type { CommandSpec, OptionSpec } from "./spec.ts";

/** The width help is wrapped to. */
export const HELP_WIDTH = 80;

/** Splits text into lines of at most `width` characters, at spaces. */
export function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  for (const paragraph of text.split("\n")) {
    let line = "";
    for (const word of paragraph.split(" ")) {
      if (line === "") line = word;
      else if (line.length + 1 + word.length <= width) line += " " + word;
      else {
        lines.push(line);
        line = word;
      }
    }
    lines.push(line);
  }
  return lines;
}

function annotated(option: OptionSpec): string {
  const notes: string[] = [];
  if (option.choices) notes.push(`choices: ${option.choices.map((c) => `"${c}"`).join(", ")}`);
  if (option.default !== undefined) notes.push(`default: "${option.default}"`);
  if (option.repeatable && !/repeat/i.test(option.description)) notes.push("repeatable");
  return notes.length ? `${option.description} (${notes.join(", ")})` : option.description;
}

/** Two aligned columns: terms, and descriptions wrapped under their column. */
function columns(rows: readonly [string, string][], termWidth: number): string[] {
  const indent = 2 + termWidth + 2;
  const room = HELP_WIDTH - indent;
  const out: string[] = [];
  for (const [term, description] of rows) {
    if (room < 30) {
      out.push(`  ${term}`);
      for (const line of wrap(description, HELP_WIDTH - 6)) out.push(`      ${line}`);
      continue;
    }
    const lines = wrap(description, room);
    out.push(`  ${term.padEnd(termWidth)}  ${lines[0]}`.trimEnd());
    for (const line of lines.slice(1)) out.push(`${" ".repeat(indent)}${line}`);
  }
  return out;
}

function optionRow(option: OptionSpec): [string, string] {
  const term = option.short ? `${option.short}, ${optionTerm(option)}` : optionTerm(option);
  return [term, annotated(option)];
}

function commandTerm(command: CommandSpec): string {
  if (command.commands) return command.name;
  const args = (command.arguments ?? []).map((a) =>
    a.required === false ? `[${a.name}]` : `<${a.name}>`
  );
  const options = (command.options ?? []).some((o) => !o.hidden) ? ["[options]"] : [];
  return [command.name, ...options, ...args].join(" ");
}

/**
 * The help of the command at `path` (`[]` for the root) in the tree rooted at `root`.
 *
 * @example
 * ```ts
 * import { renderHelp } from "./help.ts";
 * import { ROOT } from "./command_tree.ts";
 * console.log(renderHelp(ROOT, ["participant", "list"]).split("\n")[0]);
 * // Usage: graphcall participant list [options]
 * ```
 */
export function renderHelp(root: CommandSpec, path: readonly string[]): string {
  let command = root;
  for (const name of path) command = command.commands?.find((c) => c.name === name) ?? command;
  const isRoot = command === root;
  const name = ["graphcall", ...path].join(" ");
  const usage = command.commands ? `${name} [options] [command]` : [
    name,
    "[options]",
    ...(command.arguments ?? []).map((a) => a.required === false ? `[${a.name}]` : `<${a.name}>`),
  ].join(" ");
  const parts: string[] = [
    `Usage: ${usage}`,
    "",
    ...wrap(command.description ?? command.summary, HELP_WIDTH),
  ];
  const options = [
    ...(isRoot ? [VERSION_OPTION] : []),
    ...(command.options ?? []),
    HELP_OPTION,
  ].filter((o) => !o.hidden);
  const optionRows = options.map(optionRow);
  const commandRows: [string, string][] = (command.commands ?? []).map((c) => [
    commandTerm(c),
    c.summary,
  ]);
  if (isRoot) commandRows.push(["help [command]", "display help for command"]);
  // The two lists share their column.
  const termWidth = Math.max(...[...optionRows, ...commandRows].map(([term]) => term.length));
  parts.push("", "Options:", ...columns(optionRows, termWidth));
  if (commandRows.length) parts.push("", "Commands:", ...columns(commandRows, termWidth));
  if (!isRoot) parts.push("", "Global options: see graphcall --help");
  if (command.footer) parts.push("", command.footer);
  return parts.join("\n") + "\n";
}
