/**
 * The emulator as a child process for the soak: starts on loopback with the state given as the
 * first argument (JSON), prints `{"graphUrl": ...}` on its first stdout line, then answers each
 * `measure` line on stdin with `{"rss", "heapUsed", "logged"}` after a garbage collection (run
 * with `--v8-flags=--expose-gc`). Ends when stdin closes.
 */

import { startEmulator } from "../../lib/emulator/mod.ts";

const emulator = await startEmulator({ state: JSON.parse(Deno.args[0] ?? '{"tenants": []}') });
const out = (o: unknown) =>
  Deno.stdout.writeSync(new TextEncoder().encode(JSON.stringify(o) + "\n"));
out({ graphUrl: emulator.graphUrl });

const gc = (globalThis as { gc?: () => void }).gc;
const decoder = new TextDecoder();
let buffered = "";
for await (const chunk of Deno.stdin.readable) {
  buffered += decoder.decode(chunk, { stream: true });
  let nl: number;
  while ((nl = buffered.indexOf("\n")) >= 0) {
    const line = buffered.slice(0, nl).trim();
    buffered = buffered.slice(nl + 1);
    if (line === "measure") {
      gc?.();
      const m = Deno.memoryUsage();
      out({ rss: m.rss, heapUsed: m.heapUsed, logged: emulator.requests.length });
    }
  }
}
await emulator.close();
