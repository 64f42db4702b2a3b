import assert from "node:assert/strict";
import { diagnose } from "../lib/tenant/doctor.ts";
import { M, startMeetingWorld } from "./support/meeting_world.ts";

const LINK = (tid: string = M.tenantId) =>
  `https://teams.microsoft.com/l/meetup-join/${encodeURIComponent(M.threadId)}/0?context=${
    encodeURIComponent(JSON.stringify({ Tid: tid, Oid: M.organizer }))
  }`;

function check(report: Awaited<ReturnType<typeof diagnose>>, id: string) {
  const c = report.checks.find((x) => x.id === id);
  assert.ok(c, `no check ${id}: ${report.checks.map((x) => x.id).join(", ")}`);
  return c;
}

Deno.test("doctor --join-url --user: roles to join and look up, the meeting's tenant, the person", async () => {
  await using world = await startMeetingWorld();
  const base = {
    tenantId: M.tenantId,
    clientSecret: M.secret,
    emulatorUrl: world.emulator.graphUrl,
    env: {},
    joinUrl: LINK(),
    users: ["adele@contoso.onmicrosoft.com"],
  };
  world.emulator.clearRequests();
  const good = await diagnose({ ...base, clientId: M.botA });
  assert.equal(check(good, "roles.join").status, "pass");
  assert.equal(check(good, "roles.lookup").status, "pass");
  assert.equal(check(good, "meeting.tenant").status, "pass");
  const users = check(good, "users");
  assert.equal(users.status, "pass");
  assert.match(users.detail, new RegExp(`adele@contoso.onmicrosoft.com is ${M.adele}`));
  assert.ok(
    !world.emulator.requests.some((r) => r.method === "POST" && r.path.endsWith("/calls")),
    "doctor joins nothing",
  );

  const noLookup = await diagnose({ ...base, clientId: M.botB });
  assert.equal(check(noLookup, "roles.lookup").status, "fail");
  assert.equal(check(noLookup, "users").status, "fail");
  assert.match(check(noLookup, "users").fix ?? "", /User\.Read\.All/);
  assert.equal(noLookup.exitCode, 5);

  const other = "11111111-2222-4333-8444-555555555555";
  const elsewhere = await diagnose({ ...base, clientId: M.botA, joinUrl: LINK(other) });
  const tenant = check(elsewhere, "meeting.tenant");
  assert.equal(tenant.status, "fail");
  assert.match(tenant.detail, /7505/);
  assert.match(tenant.fix ?? "", new RegExp(`--tenant ${other}`));

  const short = await diagnose({
    ...base,
    clientId: M.botA,
    joinUrl: `https://teams.microsoft.com/meet/${M.joinMeetingId}?p=${M.passcode}`,
  });
  assert.equal(check(short, "meeting.tenant").status, "warn");
});
