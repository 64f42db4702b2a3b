import assert from "node:assert/strict";
import { ALL_ROLES, appCertificate, IDS, startTestEmulator, writePem } from "./support/tenant.ts";

const SCRIPT = new URL("./interop/official_clients.ts", import.meta.url).pathname;

const MEETING = {
  threadId: "19:meeting_aW50ZXJvcC1tZWV0aW5n@thread.v2",
  organizerId: "5b2c1a9e-0e5f-4f7a-9d39-6f1e2a3b4c5d",
  attendeeUserId: IDS.adeleUser,
  attendee: "6f0e1d2c-3b4a-4958-8776-655443322110",
  phone: "7a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d",
};

Deno.test("msal-node gets tokens with a certificate and the Graph JS client lists, removes and invites participants, then joins a meeting, removes a person and hangs up, over HTTPS", async () => {
  await using t = await startTestEmulator({
    tls: "self-signed",
    // A joined call is established at once: the client polls without waiting.
    joinDelayMs: 0,
    tenant: {
      meetings: [{
        id: "interop",
        organizer: MEETING.organizerId,
        threadId: MEETING.threadId,
        attendees: [
          { id: MEETING.attendee, user: IDS.adeleUser },
          { id: MEETING.phone, identity: { phone: { id: "+14255550100" } } },
        ],
      }],
    },
  });
  assert.ok(t.emulator.authorityUrl.startsWith("https://"));
  assert.ok(t.emulator.caCertPath);
  const cert = await appCertificate();
  const pemPath = await writePem(cert);
  const command = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--quiet",
      "--cert",
      t.emulator.caCertPath,
      "--allow-net=127.0.0.1",
      "--allow-read",
      "--allow-env",
      "--allow-sys",
      SCRIPT,
    ],
    env: {
      INTEROP_CONFIG: JSON.stringify({
        authorityUrl: t.emulator.authorityUrl,
        graphUrl: t.emulator.graphUrl,
        tenantId: IDS.tenantId,
        clientId: IDS.clientId,
        pemPath,
        thumbprintSha1: cert.thumbprintSha1,
        thumbprintSha256: cert.thumbprintSha256,
        callId: IDS.callId,
        removeParticipantId: IDS.adele,
        inviteUserId: IDS.adeleUser,
        meeting: MEETING,
      }),
    },
    stdout: "piped",
    stderr: "piped",
  });
  const { code, stdout, stderr } = await command.output();
  await Deno.remove(pemPath);
  const err = new TextDecoder().decode(stderr);
  assert.equal(code, 0, `interop script failed:\n${err}`);
  const out = JSON.parse(new TextDecoder().decode(stdout));
  assert.deepEqual(out.msalSha256, {
    tokenType: "Bearer",
    expiresOnInFuture: true,
    cached: true,
    claims: {
      aud: "https://graph.microsoft.com",
      appid: IDS.clientId,
      tid: IDS.tenantId,
      idtyp: "app",
      roles: ALL_ROLES,
    },
  });
  assert.deepEqual(out.msalSha1, { appid: IDS.clientId });
  assert.deepEqual(out.listBefore, [IDS.adele, IDS.megan]);
  assert.deepEqual(out.listAfter, [IDS.megan]);
  assert.deepEqual(out.secondDelete, { statusCode: 404, code: "itemNotFound" });
  // The Graph JS client's POST .../participants/invite gets an inviteParticipantsOperation.
  assert.equal(out.invite.hasId, true);
  assert.equal(out.invite.clientContext, "official-client");
  assert.match(String(out.invite.status), /^(notStarted|running|completed)$/i);
  // The meeting flow: join -> established -> roster (attendees + the app) -> remove -> hang up.
  const m = out.meeting;
  assert.equal(m.firstState, "establishing");
  assert.equal(m.reachedEstablished, true);
  assert.deepEqual(
    [...m.roster].sort(),
    [MEETING.attendee, MEETING.phone, m.myParticipantId].sort(),
  );
  assert.equal(m.selfIsApp, IDS.clientId);
  assert.equal(m.removed, MEETING.attendee);
  assert.deepEqual([...m.rosterAfter].sort(), [MEETING.phone, m.myParticipantId].sort());
  assert.equal(m.afterHangUp, 404);
  const leg = t.emulator.state.snapshot().tenants[0]!.calls.find((c) => c.meetingId === "interop");
  assert.equal(leg?.state, "terminated");
  assert.equal(leg?.appId, IDS.clientId);
  // The emulator saw the discovery request, two token requests (RS256 and PS256) and Graph calls.
  const paths = t.emulator.requests.map((r) => `${r.method} ${r.path} ${r.status}`);
  assert.ok(
    paths.includes(`GET /${IDS.tenantId}/v2.0/.well-known/openid-configuration 200`),
    paths.join("\n"),
  );
  assert.equal(paths.filter((p) => p.startsWith(`POST /${IDS.tenantId}/oauth2`)).length, 2);
  assert.equal(t.emulator.tokenRequests.get(IDS.clientId), 2);
});
