/**
 * Run by tests/interop_official_clients_test.ts in its own `deno run --cert <CA>` process, so
 * Microsoft's own clients trust the emulator's self-signed CA exactly as a user's program would
 * (msal-node and the Graph client both use the global `fetch`).
 *
 * Input: one JSON object in the INTEROP_CONFIG environment variable. Output: one JSON object on
 * stdout with what each step saw. It prints no token.
 */

import { ConfidentialClientApplication } from "npm:@azure/msal-node@7.2.1";
import { Client } from "npm:@microsoft/microsoft-graph-client@3.0.7";

interface Config {
  authorityUrl: string;
  graphUrl: string;
  tenantId: string;
  clientId: string;
  pemPath: string;
  thumbprintSha1: string;
  thumbprintSha256: string;
  callId: string;
  removeParticipantId: string;
  inviteUserId: string;
  meeting: { threadId: string; organizerId: string; attendeeUserId: string };
}

const config = JSON.parse(Deno.env.get("INTEROP_CONFIG") ?? "{}") as Config;
const pem = await Deno.readTextFile(config.pemPath);
const privateKey = pem.slice(pem.indexOf("-----BEGIN PRIVATE KEY-----"));
const host = new URL(config.authorityUrl).host;
const scopes = ["https://graph.microsoft.com/.default"];

function claimsOf(token: string): Record<string, unknown> {
  const part = token.split(".")[1]!.replace(/-/g, "+").replace(/_/g, "/");
  return JSON.parse(atob(part.padEnd(Math.ceil(part.length / 4) * 4, "=")));
}

async function acquire(certificate: { thumbprint?: string; thumbprintSha256?: string }) {
  const app = new ConfidentialClientApplication({
    auth: {
      clientId: config.clientId,
      authority: `${config.authorityUrl}/${config.tenantId}`,
      knownAuthorities: [host],
      clientCertificate: { ...certificate, privateKey },
    },
  });
  const result = await app.acquireTokenByClientCredential({ scopes });
  if (!result) throw new Error("msal-node returned no result");
  // A second call is answered from msal-node's cache.
  const again = await app.acquireTokenByClientCredential({ scopes });
  return { result, cached: again?.accessToken === result.accessToken };
}

const out: Record<string, unknown> = {};
const sha256 = await acquire({ thumbprintSha256: config.thumbprintSha256 });
const c = claimsOf(sha256.result.accessToken);
out.msalSha256 = {
  tokenType: sha256.result.tokenType,
  expiresOnInFuture: (sha256.result.expiresOn?.getTime() ?? 0) > Date.now(),
  cached: sha256.cached,
  claims: { aud: c.aud, appid: c.appid, tid: c.tid, idtyp: c.idtyp, roles: c.roles },
};
const sha1 = await acquire({ thumbprint: config.thumbprintSha1 });
out.msalSha1 = { appid: claimsOf(sha1.result.accessToken).appid };

const graph = Client.init({
  authProvider: (done) => done(null, sha256.result.accessToken),
  baseUrl: config.graphUrl,
  customHosts: new Set([new URL(config.graphUrl).hostname]),
  defaultVersion: "v1.0",
});
const path = `/communications/calls/${config.callId}/participants`;
const before = await graph.api(path).get();
out.listBefore = before.value.map((p: { id: string }) => p.id);
await graph.api(`${path}/${config.removeParticipantId}`).delete();
const after = await graph.api(path).get();
out.listAfter = after.value.map((p: { id: string }) => p.id);
try {
  await graph.api(`${path}/${config.removeParticipantId}`).delete();
  out.secondDelete = "succeeded";
} catch (e) {
  const err = e as { statusCode?: number; code?: string };
  out.secondDelete = { statusCode: err.statusCode, code: err.code };
}
const invitation = await graph.api(`${path}/invite`).post({
  participants: [{
    "@odata.type": "#microsoft.graph.invitationParticipantInfo",
    identity: { user: { id: config.inviteUserId, identityProvider: "AAD" } },
    participantId: "5b6c7d8e-9f00-4a1b-8c2d-3e4f5a6b7c8d",
  }],
  clientContext: "official-client",
});
out.invite = {
  hasId: typeof invitation.id === "string" && invitation.id.length > 0,
  status: invitation.status,
  clientContext: invitation.clientContext,
};

// The real job: join a meeting (the docs' create-call Example 5), wait until established, read
// the roster, remove a person, hang up.
const joined = await graph.api("/communications/calls").post({
  "@odata.type": "#microsoft.graph.call",
  requestedModalities: ["audio"],
  mediaConfig: { "@odata.type": "#microsoft.graph.serviceHostedMediaConfig" },
  chatInfo: {
    "@odata.type": "#microsoft.graph.chatInfo",
    threadId: config.meeting.threadId,
    messageId: "0",
  },
  meetingInfo: {
    "@odata.type": "#microsoft.graph.organizerMeetingInfo",
    organizer: {
      "@odata.type": "#microsoft.graph.identitySet",
      user: { "@odata.type": "#microsoft.graph.identity", id: config.meeting.organizerId },
    },
  },
  tenantId: config.tenantId,
});
let state = joined.state;
const states = [state];
for (let i = 0; i < 50 && state !== "established"; i++) {
  state = (await graph.api(`/communications/calls/${joined.id}`).get()).state;
  states.push(state);
}
const roster = await graph.api(`/communications/calls/${joined.id}/participants`).get();
type P = { id: string; info: { identity: Record<string, { id?: string }> } };
const person = (roster.value as P[]).find((p) =>
  p.info.identity.user?.id === config.meeting.attendeeUserId
);
await graph.api(`/communications/calls/${joined.id}/participants/${person!.id}`).delete();
const rosterAfter = await graph.api(`/communications/calls/${joined.id}/participants`).get();
await graph.api(`/communications/calls/${joined.id}`).delete();
let afterHangUp: unknown = "still there";
try {
  await graph.api(`/communications/calls/${joined.id}`).get();
} catch (e) {
  afterHangUp = (e as { statusCode?: number }).statusCode;
}
out.meeting = {
  firstState: joined.state,
  reachedEstablished: state === "established",
  myParticipantId: joined.myParticipantId,
  roster: (roster.value as P[]).map((p) => p.id),
  selfIsApp: (roster.value as P[]).find((p) => p.id === joined.myParticipantId)?.info.identity
    .application?.id,
  removed: person!.id,
  rosterAfter: (rosterAfter.value as P[]).map((p) => p.id),
  afterHangUp,
};
console.log(JSON.stringify(out));
