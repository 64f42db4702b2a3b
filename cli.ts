#!/usr/bin/env -S deno run --allow-net --allow-read --allow-write --allow-env
/**
 * The graphcall command line. Thin: it hands the arguments to lib/cli and exits with the code
 * it returns. Run `graphcall --help` for the commands.
 *
 * @module
 */

import { VERSION } from "./lib/version.ts";

if (import.meta.main) {
  // `graphcall --version` is what scripts and installers call to probe the tool: answer it
  // without loading the CLI at all. The output is the same as the CLI's (a test compares them).
  if (Deno.args.length === 1 && (Deno.args[0] === "--version" || Deno.args[0] === "-V")) {
    console.log(VERSION);
    Deno.exit(0);
  }
  // Likewise `graphcall --help`: its text is rendered from the command tree by `deno task gen-help`
  // (lib/cli/root_help.ts; a test checks it is current), which saves loading the tree.
  if (Deno.args.length === 1 && (Deno.args[0] === "--help" || Deno.args[0] === "-h")) {
    const { ROOT_HELP } = await import("./lib/cli/root_help.ts");
    await Deno.stdout.write(new TextEncoder().encode(ROOT_HELP));
    Deno.exit(0);
  }
  const { main } = await import("./lib/cli/main.ts");
  Deno.exit(await main(Deno.args));
}
