import assert from "node:assert/strict";
import { diagnose, type DiagnoseOptions } from "../lib/tenant/doctor.ts";
import type { DoctorCheck, DoctorReport } from "../lib/tenant/doctor_check.ts";
import { audienceCheck } from "../lib/tenant/check_claims.ts";
import { clockSkew } from "../lib/tenant/check_clock.ts";
import { CLOUDS } from "../lib/clouds.ts";
import { InvalidInputError } from "../lib/errors.ts";
import { createCertificate } from "../lib/auth/create_certificate.ts";
import type { TenantSpec } from "../lib/emulator/state.ts";
import {
  appCertificate,
  IDS,
  startTestEmulator,
  strangerCertificate,
  tenantSpec,
  writePem,
} from "./support/tenant.ts";

// One fixed instant for the emulator and (unless a test skews it) for the doctor.
const BASE = Math.floor(Date.now() / 1000) * 1000;

async function setup(tenant: Partial<TenantSpec> = {}) {
  const t = await startTestEmulator({ tenant, clock: () => BASE });
  const pem = await writePem(t.cert);
  const options: DiagnoseOptions = {
    tenantId: IDS.tenantId,
    clientId: IDS.clientId,
    certificate: { path: pem },
    graphUrl: t.emulator.graphUrl,
    authorityUrl: t.emulator.authorityUrl,
    emulatorAdminUrl: t.emulator.adminUrl,
    env: {},
    now: () => BASE,
  };
  return { ...t, pem, options };
}

function check(report: DoctorReport, id: string): DoctorCheck {
  const found = report.checks.find((c) => c.id === id);
  assert.ok(found, `no check ${id}`);
  return found;
}

function failing(report: DoctorReport): string[] {
  return report.checks.filter((c) => c.status === "fail").map((c) => c.id);
}

Deno.test("doctor: all good against the emulator passes every check and exits 0", async () => {
  await using t = await setup();
  const report = await diagnose({ ...t.options, callId: IDS.callId });
  assert.deepEqual(
    report.checks.filter((c) => c.status !== "pass").map((c) => `${c.id}: ${c.detail}`),
    [],
  );
  assert.equal(report.ok, true);
  assert.equal(report.exitCode, 0);
  assert.match(check(report, "credential").detail, /^certificate [0-9A-F]{40} .*from /);
  assert.match(check(report, "probe").detail, /2 participants listed/);
  assert.match(check(report, "clock").detail, /in step with the server/);
  // Read-only: nothing was removed, no DELETE was sent.
  assert.equal(t.emulator.requests.some((r) => r.method === "DELETE"), false);
  assert.equal(t.emulator.state.tenant(IDS.tenantId)!.calls.get(IDS.callId)!.participants.size, 2);
});

Deno.test("doctor: a missing role fails that operation with the role and the consent URL, exit 5", async () => {
  await using t = await setup({
    apps: [{
      clientId: IDS.clientId,
      roles: ["Calls.Initiate.All", "Calls.InitiateGroupCall.All"],
      certificates: [{ pem: (await appCertificate()).certificatePem }],
    }],
  });
  const report = await diagnose(t.options);
  assert.deepEqual(failing(report), ["roles.remove"]);
  assert.equal(report.exitCode, 5);
  const remove = check(report, "roles.remove");
  assert.match(remove.detail, /Calls\.JoinGroupCall\.All/);
  assert.ok(
    remove.fix?.includes(
      `https://login.microsoftonline.com/${IDS.tenantId}/adminconsent?client_id=${IDS.clientId}`,
    ),
    remove.fix,
  );
  // Operations not required only warn.
  assert.equal(check(report, "roles.get").status, "warn");
  assert.equal(check(report, "roles.list").status, "pass");
});

Deno.test("doctor: an app with no consented permission is told the token has no roles claim", async () => {
  await using t = await setup({
    apps: [{
      clientId: IDS.clientId,
      certificates: [{ pem: (await appCertificate()).certificatePem }],
    }],
  });
  const report = await diagnose({ ...t.options, operations: ["remove", "invite"] });
  assert.deepEqual(failing(report), ["roles.remove", "roles.invite"]);
  assert.match(check(report, "roles.invite").detail, /no roles claim/);
});

Deno.test("doctor: a token asked for another cloud is refused, and the fix names --cloud; exit 3", async () => {
  await using t = await setup({ cloud: "USGov" });
  const report = await diagnose(t.options); // cloud defaults to Global
  const token = check(report, "token");
  assert.equal(token.status, "fail");
  assert.match(token.detail, /AADSTS(70011|500011)/);
  assert.match(
    token.fix ?? "",
    /Global token \(scope https:\/\/graph\.microsoft\.com\/\.default\)/,
  );
  assert.match(token.fix ?? "", /--cloud/);
  assert.equal(report.exitCode, 3);
  assert.equal(check(report, "roles.remove").status, "skip");
  // Asking for the tenant's own cloud works.
  const right = await diagnose({ ...t.options, cloud: "USGov" });
  assert.equal(right.ok, true, JSON.stringify(right.checks.filter((c) => c.status === "fail")));
  assert.match(check(right, "token.audience").detail, /graph\.microsoft\.us: USGov Graph/);
});

Deno.test("doctor: a token whose audience is another cloud's Graph fails with the cloud to use", () => {
  const finding = audienceCheck({ aud: "https://graph.microsoft.us" }, CLOUDS.Global);
  assert.equal(finding.check.status, "fail");
  assert.equal(finding.exitCode, 3);
  assert.match(finding.check.fix ?? "", /--cloud USGov/);
  assert.equal(
    audienceCheck({ aud: "00000003-0000-0000-c000-000000000000" }, CLOUDS.USGov).check.status,
    "pass",
  );
  assert.equal(audienceCheck({ aud: "api://other" }, CLOUDS.Global).check.status, "fail");
});

Deno.test("doctor: the tenant policy refusal fails with the exact command, exit 5, and removes nothing", async () => {
  await using t = await setup({ allowRemoveParticipantAppIds: [] });
  const report = await diagnose({ ...t.options, callId: IDS.callId });
  assert.deepEqual(failing(report), ["policy"]);
  assert.equal(report.exitCode, 5);
  const policy = check(report, "policy");
  assert.ok(
    policy.fix?.includes(
      `Set-CsApplicationMeetingConfiguration -AllowRemoveParticipantAppIds @{Add="${IDS.clientId}"}`,
    ),
    policy.fix,
  );
  assert.ok(policy.fix?.includes(`graphcall tenant setup --app-id ${IDS.clientId} --cloud Global`));
  assert.equal(t.emulator.requests.some((r) => r.method === "DELETE"), false);
});

Deno.test("doctor: against a real tenant the policy step warns that Graph cannot read it and gives the commands", async () => {
  await using t = await setup({ cloud: "USGovDoD" });
  const { emulatorAdminUrl: _, ...options } = t.options;
  const report = await diagnose({ ...options, cloud: "USGovDoD" });
  const policy = check(report, "policy");
  assert.equal(policy.status, "warn");
  assert.match(policy.detail, /cannot be read through Microsoft Graph/);
  assert.match(policy.detail, /Connect-MicrosoftTeams -TeamsEnvironmentName TeamsDOD/);
  assert.match(
    policy.detail,
    /\(Get-CsApplicationMeetingConfiguration\)\.AllowRemoveParticipantAppIds/,
  );
  assert.match(policy.fix ?? "", /@\{Add="0b5e8a21-6c4f-4d2e-9a57-3f1c2d8e7b60"\}/);
  assert.equal(report.ok, true);
});

Deno.test("doctor: a clock 10 minutes ahead fails the clock check and explains the refused assertion; exit 3", async () => {
  await using t = await setup();
  const report = await diagnose({ ...t.options, now: () => BASE + 600_000 });
  const clock = check(report, "clock");
  assert.equal(clock.status, "fail");
  assert.match(clock.detail, /600 s ahead of the server/);
  assert.equal(check(report, "certificate").status, "pass");
  assert.match(clock.fix ?? "", /NTP/);
  const token = check(report, "token");
  assert.equal(token.status, "fail");
  assert.match(token.detail, /AADSTS700024/);
  assert.match(token.fix ?? "", /clock/);
  assert.equal(report.exitCode, 3);
});

Deno.test("doctor: a clock 2 minutes ahead only warns, and the token is still issued", async () => {
  await using t = await setup();
  const report = await diagnose({ ...t.options, now: () => BASE + 120_000 });
  const clock = check(report, "clock");
  assert.equal(clock.status, "warn");
  assert.match(clock.detail, /120 s ahead of the server/);
  assert.equal(check(report, "token").status, "pass");
  assert.equal(report.ok, true);
});

Deno.test("clock skew allows for the Date header's whole seconds", () => {
  const date = new Date(BASE).toUTCString();
  const floor = Math.floor(BASE / 1000) * 1000;
  assert.equal(clockSkew(floor + 999, date), 0);
  assert.equal(clockSkew(floor + 5_000, date), 5_000);
  assert.equal(clockSkew(floor - 5_000, date), -5_000);
  assert.equal(clockSkew(BASE, "not a date"), undefined);
});

Deno.test("doctor: an expired certificate fails with its expiry date and the way to renew; exit 3", async () => {
  const expired = await createCertificate({
    subject: "CN=expired",
    keySize: 2048,
    notBefore: new Date(BASE - 400 * 86_400_000),
    notAfter: new Date(BASE - 86_400_000),
  });
  await using t = await setup({
    apps: [{
      clientId: IDS.clientId,
      roles: ["Calls.JoinGroupCall.All"],
      certificates: [{ pem: expired.certificatePem }],
    }],
  });
  const pem = await writePem(expired);
  const report = await diagnose({ ...t.options, certificate: { path: pem } });
  const certificate = check(report, "certificate");
  assert.equal(certificate.status, "fail");
  assert.match(certificate.detail, /expired on /);
  assert.match(certificate.detail, new RegExp(expired.thumbprintSha1));
  assert.match(certificate.fix ?? "", /graphcall cert new/);
  assert.equal(check(report, "credential").status, "fail");
  assert.equal(check(report, "token").status, "skip");
  assert.equal(report.exitCode, 3);
});

Deno.test("doctor: a certificate not uploaded to the app fails token acquisition with the AADSTS700027 fix; exit 3", async () => {
  await using t = await setup();
  const stranger = await strangerCertificate();
  const pem = await writePem(stranger);
  const report = await diagnose({ ...t.options, certificate: { path: pem } });
  assert.equal(check(report, "certificate").status, "pass");
  const token = check(report, "token");
  assert.equal(token.status, "fail");
  assert.match(token.detail, /AADSTS700027/);
  assert.match(token.fix ?? "", /not the one uploaded/);
  assert.equal(report.exitCode, 3);
});

Deno.test("doctor: a key that does not belong to the certificate fails the key check; exit 2", async () => {
  await using t = await setup();
  const dir = await Deno.makeTempDir({ prefix: "graphcall-test-" });
  const pem = `${dir}/mixed.pem`;
  await Deno.writeTextFile(
    pem,
    (await appCertificate()).certificatePem + (await strangerCertificate()).privateKeyPem,
  );
  const report = await diagnose({ ...t.options, certificate: { path: pem } });
  const certificate = check(report, "certificate");
  assert.equal(certificate.status, "fail");
  assert.match(certificate.detail, /does not match/);
  assert.match(certificate.fix ?? "", /private key that belongs to this certificate/);
  assert.equal(report.exitCode, 2);
});

Deno.test("doctor: no credential at all fails the credential line naming the option and variable; exit 2", async () => {
  await using t = await setup();
  const { certificate: _, ...options } = t.options;
  const report = await diagnose(options);
  const credential = check(report, "credential");
  assert.equal(credential.status, "fail");
  assert.match(credential.detail, /the certificate, .* option/);
  assert.match(credential.detail, /AZURE_CLIENT_CERTIFICATE_PATH/);
  assert.equal(check(report, "certificate").status, "skip");
  assert.equal(report.exitCode, 2);
});

Deno.test("doctor: the China cloud fails the participants-API check", async () => {
  const report = await diagnose({
    cloud: "China",
    env: {},
    fetch: () => Promise.reject(new Error("offline")),
  });
  assert.equal(check(report, "cloud").status, "fail");
  assert.equal(report.checks[0]!.id, "cloud");
  assert.equal(report.exitCode, 2);
});

Deno.test("doctor: bad input throws before anything is sent", async () => {
  let sent = 0;
  const fetch = () => {
    sent++;
    return Promise.reject(new Error("no"));
  };
  await assert.rejects(diagnose({ cloud: "Mars", env: {}, fetch }), InvalidInputError);
  await assert.rejects(diagnose({ callId: "../users", env: {}, fetch }), InvalidInputError);
  await assert.rejects(
    diagnose({ operations: ["delete" as "remove"], env: {}, fetch }),
    InvalidInputError,
  );
  assert.equal(sent, 0);
});

Deno.test("doctor: a call that does not exist fails the probe with exit 4", async () => {
  await using t = await setup();
  const report = await diagnose({ ...t.options, callId: "00000000-0000-0000-0000-0000000000aa" });
  assert.deepEqual(failing(report), ["probe"]);
  assert.equal(report.exitCode, 4);
});

Deno.test("doctor never puts the token in its report", async () => {
  await using t = await setup();
  const report = await diagnose({ ...t.options, callId: IDS.callId });
  assert.doesNotMatch(JSON.stringify(report), /eyJ[A-Za-z0-9_-]{10,}\./);
  assert.doesNotMatch(JSON.stringify(report), /PRIVATE KEY/);
});

// Keep the spec helper in use for readers: the default tenant is the one tenantSpec() builds.
Deno.test("the default test tenant allows the app (so policy failures above are the seeding's doing)", async () => {
  assert.deepEqual(tenantSpec(await appCertificate()).allowRemoveParticipantAppIds, [IDS.clientId]);
});
