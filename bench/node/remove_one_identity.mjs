// One removal with Azure Identity (ClientCertificateCredential, instance discovery off) for the
// token and the Graph client for the DELETE. Prints the status on success.
import { createIdentityCredential, identityTokenGetter } from "./identity_credential.mjs";
import { createGraphClient, participantPath } from "./graph_client.mjs";
import { env } from "./msal_config.mjs";

const client = createGraphClient(identityTokenGetter(createIdentityCredential()));
const response = await client.api(participantPath(env("GC_CALL_ID"), env("GC_PARTICIPANT_ID")))
  .responseType("raw").delete();
process.stdout.write(`${response.status}\n`);
if (response.status !== 204) process.exit(1);
