// Run by tests/interop_node_test.ts under Node.js with NODE_EXTRA_CA_CERTS set to the emulator's
// CA: a plain Node program (no packages) gets a token with a secret and removes a participant.
const c = JSON.parse(process.env.INTEROP_CONFIG);
const token = await fetch(`${c.authorityUrl}/${c.tenantId}/oauth2/v2.0/token`, {
  method: "POST",
  body: new URLSearchParams({
    client_id: c.clientId,
    client_secret: c.secret,
    scope: "https://graph.microsoft.com/.default",
    grant_type: "client_credentials",
  }),
});
const { access_token } = await token.json();
const removal = await fetch(
  `${c.graphUrl}/v1.0/communications/calls/${c.callId}/participants/${c.participantId}`,
  { method: "DELETE", headers: { authorization: `Bearer ${access_token}` } },
);
console.log(JSON.stringify({ token: token.status, removal: removal.status }));
