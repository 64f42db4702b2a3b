// Refuses, loudly, any fetch to a host that is not loopback. msal-node 7 and the Graph client
// both use the global fetch; a benchmark must talk only to the local emulator.
const LOOPBACK = new Set(["127.0.0.1", "localhost", "[::1]", "::1"]);
const realFetch = globalThis.fetch;
globalThis.fetch = (input, init) => {
  const url = new URL(typeof input === "string" || input instanceof URL ? input : input.url);
  if (!LOOPBACK.has(url.hostname)) {
    const message =
      `loopback guard: refused a request to ${url.origin} (benchmarks talk only to loopback)`;
    process.stderr.write(message + "\n");
    process.exit(70);
  }
  return realFetch(input, init);
};
