/**
 * The meeting guard with graphcall's library: `guardMeeting(link, { users: [upn] })`, polling the
 * roster every GC_POLL_MS, or following roster notifications when GC_NOTIFICATION_JWKS is set (a
 * loopback listener). Prints one JSON line per event (`joined`, `removed`, ...) and runs until
 * its standard input closes; then it hangs up and prints the summary.
 *
 * GC_JOIN_URL, GC_PERSON (a UPN), GC_POLL_MS; GC_CALLBACK_URI or GC_NOTIFICATION_JWKS.
 */

import { listenForNotifications } from "../../mod.ts";
import { connectFromEnv, need } from "./connect_from_env.ts";

const jwks = Deno.env.get("GC_NOTIFICATION_JWKS");
const listener = jwks
  ? await listenForNotifications({ appId: need("GC_CLIENT_ID"), keys: jwks })
  : undefined;
const stop = new AbortController();
// The parent closes our standard input to end the guard.
(async () => {
  for await (const _ of Deno.stdin.readable) { /* nothing is sent; wait for the end */ }
  stop.abort();
})();
try {
  const graph = await connectFromEnv(listener?.url ?? need("GC_CALLBACK_URI"));
  const summary = await graph.guardMeeting(need("GC_JOIN_URL"), { users: [need("GC_PERSON")] }, {
    signal: stop.signal,
    pollIntervalMs: Number(need("GC_POLL_MS")),
    ...(listener ? { notifications: listener, rosterNotifications: listener } : {}),
    onEvent: (e) => {
      const { type, at } = e;
      const id = "participantId" in e ? { participantId: e.participantId } : {};
      console.log(JSON.stringify({ type, at, ...id }));
    },
  });
  console.log(JSON.stringify({ type: "summary", removals: summary.removals.length }));
} finally {
  await listener?.close();
}
