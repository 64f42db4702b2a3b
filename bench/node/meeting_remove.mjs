// The meeting flow with the Graph JS client (msal-node for the token), start to exit, the same
// steps graphcall takes: resolve the UPN (GET /users/{upn}), join the meeting from its link
// (POST /communications/calls, the docs' organizer-meeting body), poll the call until it is
// established (every 50 ms, as graphcall starts), list the roster, remove the person's every
// participant, hang up (DELETE /communications/calls/{id}). Prints {removed}.
// GC_JOIN_URL (a long meetup-join link), GC_PERSON (UPN), GC_CALLBACK_URI.
import { createApp, env } from "./msal_config.mjs";
import { createGraphClient } from "./graph_client.mjs";

const client = createGraphClient(createApp());
const link = new URL(env("GC_JOIN_URL"));
const threadId = decodeURIComponent(link.pathname.split("/")[3]);
const context = JSON.parse(link.searchParams.get("context"));

const user = await client.api(`/users/${encodeURIComponent(env("GC_PERSON"))}`).select("id").get();
const call = await client.api("/communications/calls").post({
  "@odata.type": "#microsoft.graph.call",
  callbackUri: env("GC_CALLBACK_URI"),
  requestedModalities: ["audio"],
  mediaConfig: { "@odata.type": "#microsoft.graph.serviceHostedMediaConfig" },
  chatInfo: { "@odata.type": "#microsoft.graph.chatInfo", threadId, messageId: "0" },
  meetingInfo: {
    "@odata.type": "#microsoft.graph.organizerMeetingInfo",
    organizer: {
      "@odata.type": "#microsoft.graph.identitySet",
      user: { "@odata.type": "#microsoft.graph.identity", id: context.Oid, tenantId: context.Tid },
    },
    allowConversationWithoutHost: true,
  },
  tenantId: context.Tid,
});
let removed = 0;
try {
  for (let state = call.state; state !== "established";) {
    if (state === "terminated") throw new Error("the call ended before it was established");
    await new Promise((r) => setTimeout(r, 50));
    state = (await client.api(`/communications/calls/${call.id}`).get()).state;
  }
  const roster = await client.api(`/communications/calls/${call.id}/participants`).get();
  for (const p of roster.value) {
    if (p.info?.identity?.user?.id?.toLowerCase() !== user.id.toLowerCase()) continue;
    await client.api(`/communications/calls/${call.id}/participants/${p.id}`).delete();
    removed++;
  }
} finally {
  await client.api(`/communications/calls/${call.id}`).delete();
}
process.stdout.write(JSON.stringify({ removed }) + "\n");
if (removed === 0) process.exit(1);
