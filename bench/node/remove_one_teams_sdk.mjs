// One removal with the Teams SDK's Graph client (@microsoft/teams.graph) and its typed endpoint
// (@microsoft/teams.graph-endpoints: communications.calls.participants.del), the token from
// msal-node (certificate). The client's root is the emulator (`baseUrlRoot`). Prints 204 on
// success (the endpoint returns no body; an error status throws).
import { Client } from "@microsoft/teams.graph";
import { communications } from "@microsoft/teams.graph-endpoints";
import { createApp, env } from "./msal_config.mjs";
import { msalTokenGetter } from "./graph_client.mjs";

const getToken = msalTokenGetter(createApp());
const graph = new Client({ token: () => getToken() }, {
  baseUrlRoot: env("GC_GRAPH_URL").replace(/\/+$/, ""),
});
await graph.call(communications.calls.participants.del, {
  "call-id": env("GC_CALL_ID"),
  "participant-id": env("GC_PARTICIPANT_ID"),
});
process.stdout.write("204\n");
