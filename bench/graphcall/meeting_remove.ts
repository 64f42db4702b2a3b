/**
 * The meeting flow with graphcall's library, start to exit: `removeFromMeeting(link, [upn])`
 * (resolve the UPN, join, wait until established, read the roster, remove, hang up). Prints
 * `{removed, left}`.
 *
 * GC_JOIN_URL, GC_PERSON (a UPN); GC_CALLBACK_URI (polling: where the emulator may post, the
 * bench's sink) or GC_NOTIFICATION_JWKS (a loopback listener takes the notifications, and the
 * wait for `established` follows them).
 */

import { listenForNotifications } from "../../mod.ts";
import { connectFromEnv, need } from "./connect_from_env.ts";

const jwks = Deno.env.get("GC_NOTIFICATION_JWKS");
const listener = jwks
  ? await listenForNotifications({ appId: need("GC_CLIENT_ID"), keys: jwks })
  : undefined;
try {
  const graph = await connectFromEnv(listener?.url ?? need("GC_CALLBACK_URI"));
  const result = await graph.removeFromMeeting(need("GC_JOIN_URL"), [need("GC_PERSON")], {
    ...(listener ? { notifications: listener } : {}),
  });
  console.log(JSON.stringify({ removed: result.removed, left: result.left }));
} finally {
  await listener?.close();
}
