/**
 * Puts a full run's goals table into the README's "Performance" section, between the markers
 * `<!-- bench-table:start -->` and `<!-- bench-table:end -->`, so the README's table is always
 * bench/results/latest.md's (then `deno fmt` pads it as the rest of the README).
 */

import { goalsTable } from "./report.ts";
import type { BenchResult } from "./types.ts";

const START = "<!-- bench-table:start -->";
const END = "<!-- bench-table:end -->";

/** Replaces the README's table with this run's; false when the markers are missing. */
export async function updateReadmeTable(readme: string, result: BenchResult): Promise<boolean> {
  const text = await Deno.readTextFile(readme);
  const a = text.indexOf(START);
  const b = text.indexOf(END);
  if (a < 0 || b < a) return false;
  const m = result.machine;
  const block = [
    START,
    "",
    `Latest full run (${result.startedAt.slice(0, 10)}, ${m.cpu}, ${m.memory}, ${m.os}; ` +
    `Deno ${m.deno}, Node.js ${m.node}; graphcall as \`deno run cli.ts\`), from ` +
    "[bench/results/latest.md](bench/results/latest.md):",
    "",
    ...goalsTable(result),
    "",
    END,
  ].join("\n");
  await Deno.writeTextFile(readme, text.slice(0, a) + block + text.slice(b + END.length));
  await new Deno.Command(Deno.execPath(), { args: ["fmt", "--quiet", readme] }).output();
  return true;
}
