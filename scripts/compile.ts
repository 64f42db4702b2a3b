/**
 * `deno task compile`: not built yet (issue 10). Exits 1 so nobody mistakes this for a build.
 */
console.error("graphcall compile: the compile script is not built yet (issue 10).");
Deno.exit(1);
