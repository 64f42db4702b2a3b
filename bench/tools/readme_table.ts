/**
 * Puts bench/results/latest.json's goals table into the README's "Performance" section (what a
 * full `deno task bench` does by itself), e.g. after editing the section's text.
 * `deno run -A bench/tools/readme_table.ts`
 */

import { updateReadmeTable } from "../lib/readme_table.ts";
import type { BenchResult } from "../lib/types.ts";

const root = new URL("../../", import.meta.url).pathname;
const result = JSON.parse(
  await Deno.readTextFile(`${root}bench/results/latest.json`),
) as BenchResult;
if (result.mode !== "full" || result.only) {
  console.error("latest.json is not a full run: the README's table shows full runs only");
  Deno.exit(1);
}
if (!(await updateReadmeTable(`${root}README.md`, result))) {
  console.error("README.md has no <!-- bench-table:start --> ... <!-- bench-table:end --> markers");
  Deno.exit(1);
}
