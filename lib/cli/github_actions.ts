/**
 * GitHub Actions integration (`GITHUB_ACTIONS=true`): step outputs in `GITHUB_OUTPUT` (the
 * multi-line-safe heredoc form with a random `ghadelimiter_<uuid>` delimiter), a short Markdown
 * table in `GITHUB_STEP_SUMMARY`, `::error::` annotations and `::add-mask::` for secrets.
 *
 * Escaping follows the workflow-command rules: message data `%`→`%25`, `\r`→`%0D`, `\n`→`%0A`;
 * property values additionally `:`→`%3A`, `,`→`%2C`.
 *
 * Workflow commands go to stdout, where the runner reads them; with `--output json` they go to
 * stderr instead (the runner reads commands from both streams), so that stdout stays exactly
 * one JSON document.
 *
 * @module
 */

import { InvalidInputError } from "../errors.ts";
import type { Io } from "./io.ts";
import { sanitise } from "./sanitise.ts";

/** Whether the CLI runs as a GitHub Actions step. */
export function inGithubActions(io: Io): boolean {
  return io.env("GITHUB_ACTIONS") === "true";
}

/** Escapes the message part of a workflow command. */
export function escapeData(value: string): string {
  return value.replaceAll("%", "%25").replaceAll("\r", "%0D").replaceAll("\n", "%0A");
}

/** Escapes a property value of a workflow command. */
export function escapeProperty(value: string): string {
  return escapeData(value).replaceAll(":", "%3A").replaceAll(",", "%2C");
}

/** Formats one workflow command line, e.g. `::error title=x::message`. */
export function workflowCommand(
  name: string,
  properties: Record<string, string | undefined>,
  message: string,
): string {
  const props = Object.entries(properties)
    .filter((e): e is [string, string] => e[1] !== undefined && e[1] !== "")
    .map(([k, v]) => `${k}=${escapeProperty(v)}`)
    .join(",");
  return `::${name}${props ? " " + props : ""}::${escapeData(message)}\n`;
}

/** Where workflow commands are written: stdout, or stderr when stdout carries JSON. */
export type CommandStream = "stdout" | "stderr";

function write(io: Io, stream: CommandStream, text: string): void {
  if (stream === "stdout") io.out(text);
  else io.err(text);
}

/** Writes an `::error::` annotation. */
export function annotateError(
  io: Io,
  message: string,
  options: { title?: string; stream?: CommandStream } = {},
): void {
  write(
    io,
    options.stream ?? "stdout",
    workflowCommand("error", { title: options.title }, message),
  );
}

/**
 * Asks the runner to mask a secret in the log. Each line of a multi-line value is masked on its
 * own (the runner masks per line). Values shorter than 4 characters are not masked: masking them
 * would blank ordinary words everywhere in the log.
 */
export function addMask(io: Io, value: string, stream: CommandStream = "stdout"): void {
  for (const line of value.split(/\r?\n/)) {
    const trimmed = line.trim();
    if (trimmed.length >= 4) write(io, stream, workflowCommand("add-mask", {}, trimmed));
  }
}

/**
 * Subscribes to newly registered secrets and masks each one. `subscribe` is lib/redact.ts's
 * `onSecretRegistered(listener): () => void` (a listener called with every value passed to
 * `registerSecret`); the returned function unsubscribes.
 */
export function maskSecretsAsRegistered(
  io: Io,
  subscribe: (listener: (value: string) => void) => () => void,
  stream: CommandStream = "stdout",
): () => void {
  return subscribe((value) => addMask(io, value, stream));
}

const NAME_RE = /^[A-Za-z_][A-Za-z0-9_-]{0,99}$/;

/**
 * The `GITHUB_OUTPUT` text for some outputs, heredoc form with a fresh random delimiter; refuses
 * a name or value that contains the delimiter (it cannot happen by chance).
 */
export function formatOutputs(
  outputs: Readonly<Record<string, string>>,
  delimiter: () => string = () => `ghadelimiter_${crypto.randomUUID()}`,
): string {
  let text = "";
  for (const [name, value] of Object.entries(outputs)) {
    if (!NAME_RE.test(name)) {
      throw new InvalidInputError("GITHUB_OUTPUT", `"${name}" is not a valid output name`);
    }
    const delim = delimiter();
    if (name.includes(delim) || value.includes(delim)) {
      throw new InvalidInputError(
        "GITHUB_OUTPUT",
        `the value of "${name}" contains the delimiter ${delim}; refusing to write it`,
      );
    }
    text += `${name}<<${delim}\n${value}\n${delim}\n`;
  }
  return text;
}

async function appendTo(variable: string, path: string, text: string): Promise<void> {
  try {
    await Deno.writeTextFile(path, text, { append: true });
  } catch (e) {
    throw new InvalidInputError(
      variable,
      `cannot append to ${path}: ${e instanceof Error ? e.message : String(e)}`,
    );
  }
}

/** Appends outputs to the file named by `GITHUB_OUTPUT`, when it is set. */
export async function writeOutputs(
  io: Io,
  outputs: Readonly<Record<string, string>>,
): Promise<void> {
  const path = io.env("GITHUB_OUTPUT");
  if (!path || Object.keys(outputs).length === 0) return;
  await appendTo("GITHUB_OUTPUT", path, formatOutputs(outputs));
}

/** Appends Markdown to the file named by `GITHUB_STEP_SUMMARY`, when it is set. */
export async function writeStepSummary(io: Io, markdown: string): Promise<void> {
  const path = io.env("GITHUB_STEP_SUMMARY");
  if (!path || !markdown) return;
  await appendTo("GITHUB_STEP_SUMMARY", path, markdown.endsWith("\n") ? markdown : markdown + "\n");
}

/** Escapes text for a Markdown table cell (sanitised first: it may come from outside). */
function cell(value: unknown): string {
  return sanitise(value).replace(/[|\\`*_<>[\]]/g, (c) => `\\${c}`);
}

/** A GitHub-flavoured Markdown table, with a heading. Kept short: at most `limit` rows. */
export function markdownTable(
  heading: string,
  rows: readonly Record<string, unknown>[],
  columns: readonly string[],
  limit = 200,
): string {
  const shown = rows.slice(0, limit);
  const lines = [
    `### ${sanitise(heading)}`,
    "",
    `| ${columns.map(cell).join(" | ")} |`,
    `| ${columns.map(() => "---").join(" | ")} |`,
    ...shown.map((r) => `| ${columns.map((c) => cell(r[c])).join(" | ")} |`),
  ];
  if (rows.length > shown.length) lines.push("", `…and ${rows.length - shown.length} more.`);
  return lines.join("\n") + "\n";
}
