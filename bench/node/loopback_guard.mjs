// Refuses, loudly, any connection to a host that is not loopback: a benchmark must talk only to
// the local emulator. Two layers: the global fetch (msal-node 7 and the Graph client use it), and
// every TCP socket (net.Socket#connect), which also covers node:http/https, axios (the Teams SDK)
// and @azure/core-rest-pipeline (Azure Identity).
import net from "node:net";

const LOOPBACK = new Set(["127.0.0.1", "localhost", "[::1]", "::1"]);

function refuse(host) {
  process.stderr.write(
    `loopback guard: refused a connection to ${host} (benchmarks talk only to loopback)\n`,
  );
  process.exit(70);
}

const realFetch = globalThis.fetch;
globalThis.fetch = (input, init) => {
  const url = new URL(typeof input === "string" || input instanceof URL ? input : input.url);
  if (!LOOPBACK.has(url.hostname)) refuse(url.origin);
  return realFetch(input, init);
};

const realConnect = net.Socket.prototype.connect;
net.Socket.prototype.connect = function (...args) {
  const first = args[0];
  const options = Array.isArray(first) ? first[0] : first;
  let host;
  if (typeof options === "object" && options !== null) {
    if (typeof options.path !== "string") host = options.host ?? "localhost";
  } else if (typeof options === "number" || /^\d+$/.test(String(options))) {
    host = typeof args[1] === "string" ? args[1] : "localhost";
  }
  if (host !== undefined && !LOOPBACK.has(host)) refuse(host);
  return realConnect.apply(this, args);
};
