/**
 * Benchmarks (`deno task bench`). Not built yet: see issue 9. Exits 1 so nobody mistakes this for
 * a result.
 */
console.error("graphcall bench: the benchmarks are not built yet (issue 9).");
Deno.exit(1);
