// One removal with the official stack: msal-node (certificate) for the token, the Graph client
// for DELETE /communications/calls/{id}/participants/{id}. Prints the status on success.
import { createApp, env } from "./msal_config.mjs";
import { createGraphClient, participantPath } from "./graph_client.mjs";

const client = createGraphClient(createApp());
const response = await client.api(participantPath(env("GC_CALL_ID"), env("GC_PARTICIPANT_ID")))
  .responseType("raw").delete();
process.stdout.write(`${response.status}\n`);
if (response.status !== 204) process.exit(1);
