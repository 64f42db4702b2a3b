// Bulk removal with the official stack, the way its docs lead: a sequential loop of DELETEs
// through the Graph client (msal-node caches the token after the first request).
// GC_WORK_FILE: JSON [{ callId, participants: [id, ...] }, ...]
import { readFileSync } from "node:fs";
import { createApp, env } from "./msal_config.mjs";
import { createGraphClient, participantPath } from "./graph_client.mjs";

const work = JSON.parse(readFileSync(env("GC_WORK_FILE"), "utf8"));
const client = createGraphClient(createApp());
let removed = 0;
for (const { callId, participants } of work) {
  for (const id of participants) {
    await client.api(participantPath(callId, id)).delete();
    removed++;
  }
}
process.stdout.write(JSON.stringify({ removed }) + "\n");
