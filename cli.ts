#!/usr/bin/env -S deno run --allow-net --allow-read --allow-write --allow-env
/**
 * The graphcall command line. Thin: it hands the arguments to lib/cli and exits with the code
 * it returns. Run `graphcall --help` for the commands.
 *
 * @module
 */

import { main } from "./lib/cli/main.ts";

if (import.meta.main) {
  Deno.exit(await main(Deno.args));
}
