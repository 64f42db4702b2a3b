import assert from "node:assert/strict";
import { type TenantSetupOptions, tenantSetupScript } from "../lib/tenant/setup_script.ts";
import { InvalidInputError } from "../lib/errors.ts";
import { psQuote } from "../lib/tenant/powershell.ts";
import { runMain } from "./support/run_main.ts";
import { IDS } from "./support/tenant.ts";

// Golden files: regenerate with `UPDATE_GOLDEN=1 deno test -A tests/tenant_setup_test.ts`, then
// read the diff before committing.
const GOLDEN = new URL("./fixtures/tenant_setup/", import.meta.url);
const ADMIN_APP = "5f1c2d8e-7b60-4a8b-9c0d-0b5e8a216c4f";
const THUMBPRINT = "3F2A9C41D0B8E7F6A5B4C3D2E1F0011223344556";

const CASES: Record<string, TenantSetupOptions> = {
  "global": { appId: IDS.clientId },
  "usgov": { appId: IDS.clientId, cloud: "USGov", tenantId: IDS.tenantId },
  "usgovdod": { appId: IDS.clientId, cloud: "USGovDoD" },
  "china": { appId: IDS.clientId, cloud: "China" },
  "revoke": { appId: IDS.clientId, revoke: true },
  "app_only_admin": {
    appId: IDS.clientId,
    cloud: "USGov",
    appOnlyAdmin: {
      certificateThumbprint: THUMBPRINT,
      applicationId: ADMIN_APP,
      tenantId: IDS.domain,
    },
  },
};

async function golden(name: string, actual: string): Promise<void> {
  const file = new URL(`${name}.ps1`, GOLDEN);
  if (Deno.env.get("UPDATE_GOLDEN") === "1") await Deno.writeTextFile(file, actual);
  assert.equal(actual, await Deno.readTextFile(file), `golden file ${name}.ps1 differs`);
}

for (const [name, options] of Object.entries(CASES)) {
  Deno.test(`the ${name} setup script matches its golden file`, async () => {
    await golden(name, tenantSetupScript(options).script);
  });
}

Deno.test("the script is the same on every run (no dates, no randomness)", () => {
  for (const options of Object.values(CASES)) {
    assert.equal(tenantSetupScript(options).script, tenantSetupScript(options).script);
  }
});

Deno.test("each cloud connects with its Teams environment name, Global with none", () => {
  const connect = (cloud: string) => tenantSetupScript({ appId: IDS.clientId, cloud }).script;
  assert.match(connect("Global"), /^ {4}Connect-MicrosoftTeams$/m);
  assert.match(connect("USGov"), /^ {4}Connect-MicrosoftTeams -TeamsEnvironmentName TeamsGCCH$/m);
  assert.match(connect("USGovDoD"), /^ {4}Connect-MicrosoftTeams -TeamsEnvironmentName TeamsDOD$/m);
  assert.match(connect("China"), /^ {4}Connect-MicrosoftTeams -TeamsEnvironmentName TeamsChina$/m);
});

Deno.test("the add script changes the policy only when the id is missing, and verifies", () => {
  const s = tenantSetupScript({ appId: IDS.clientId.toUpperCase() }).script;
  assert.ok(s.startsWith("#Requires -Version 5.1\n"));
  assert.match(s, /^\$ErrorActionPreference = 'Stop'$/m);
  assert.match(
    s,
    /Install-Module -Name MicrosoftTeams -MinimumVersion \$MinimumVersion -Scope CurrentUser/,
  );
  assert.match(s, /^\$MinimumVersion = \[version\]'5\.0\.0'$/m);
  // The id is lower-cased once, and compared case-insensitively in PowerShell.
  assert.match(s, new RegExp(`^\\$AppId = '${IDS.clientId}'$`, "m"));
  assert.match(s, /ToLowerInvariant\(\)/);
  const add = s.indexOf(
    `Set-CsApplicationMeetingConfiguration -AllowRemoveParticipantAppIds @{Add="${IDS.clientId}"}`,
  );
  const check = s.indexOf("if ((Get-AllowedAppIds) -contains $AppId)");
  const verify = s.lastIndexOf("if ((Get-AllowedAppIds) -contains $AppId)");
  assert.ok(check > 0 && check < add && add < verify, "read, then add, then read back");
  assert.match(s, /exit 1/);
  assert.doesNotMatch(s, /Remove=/);
});

Deno.test("--revoke removes each spelling of the id the tenant holds, and verifies it is gone", () => {
  const setup = tenantSetupScript({ appId: IDS.clientId, revoke: true });
  const s = setup.script;
  assert.equal(
    setup.policyCommand,
    `Set-CsApplicationMeetingConfiguration -AllowRemoveParticipantAppIds @{Remove="${IDS.clientId}"}`,
  );
  assert.ok(s.includes(`# For the id as given, this is: ${setup.policyCommand}`));
  assert.match(s, /Where-Object \{ "\$_"\.Trim\(\)\.ToLowerInvariant\(\) -eq \$AppId \}\)/);
  assert.match(
    s,
    /Set-CsApplicationMeetingConfiguration -AllowRemoveParticipantAppIds @\{Remove = \$entry\}/,
  );
  assert.doesNotMatch(s, /Add=/);
  assert.equal(s.match(/-notcontains \$AppId/g)?.length, 1, "the read-back");
});

Deno.test("the app-only admin script connects with thumbprint, admin app and tenant", () => {
  const setup = tenantSetupScript(CASES["app_only_admin"]!);
  assert.equal(
    setup.connectCommand,
    `Connect-MicrosoftTeams -TeamsEnvironmentName TeamsGCCH -CertificateThumbprint '${THUMBPRINT}' -ApplicationId '${ADMIN_APP}' -TenantId '${IDS.domain}'`,
  );
  assert.equal(setup.minimumModuleVersion, "5.1.0");
  assert.equal(
    tenantSetupScript({ ...CASES["app_only_admin"]!, cloud: "Global" }).minimumModuleVersion,
    "5.0.0",
  );
});

Deno.test("the result carries the consent URL of the cloud and the permissions per operation", () => {
  const setup = tenantSetupScript({ appId: IDS.clientId, cloud: "USGov", tenantId: IDS.tenantId });
  assert.equal(
    setup.adminConsentUrl,
    `https://login.microsoftonline.us/${IDS.tenantId}/adminconsent?client_id=${IDS.clientId}`,
  );
  assert.deepEqual(
    setup.permissions.find((p) => p.operation === "remove")?.roles,
    ["Calls.JoinGroupCall.All", "Calls.JoinGroupCallAsGuest.All"],
  );
  assert.ok(setup.script.includes(setup.adminConsentUrl));
  assert.ok(setup.script.includes("invite  Calls.InitiateGroupCall.All"));
});

Deno.test("every script is pure ASCII (Windows PowerShell reads BOM-less files as ANSI)", () => {
  for (const options of Object.values(CASES)) {
    assert.match(tenantSetupScript(options).script, /^[\n\x20-\x7e]*$/);
  }
});

const HOSTILE = [
  "",
  "x'; Remove-Item -Recurse C:\\ ; '",
  `${IDS.clientId}"}; Remove-Item C:\\ ; @{Add="x`,
  `${IDS.clientId}\n`,
  ` ${IDS.clientId}`,
  `${IDS.clientId}$(calc)`,
  "0b5e8a21-6c4f-4d2e-9a57-3f1c2d8e7b6\u2019",
  "$env:USERNAME",
  "0b5e8a21-6c4f-4d2e-9a57-3f1c2d8e7b6`",
];

Deno.test("hostile app ids are refused with an invalid-input error naming the field", () => {
  for (const appId of HOSTILE) {
    assert.throws(
      () => tenantSetupScript({ appId }),
      (e: unknown) => e instanceof InvalidInputError && e.field === "app-id",
      JSON.stringify(appId),
    );
  }
});

Deno.test("hostile admin app ids, thumbprints, tenants, clouds and versions are refused", () => {
  const base = CASES["app_only_admin"]!;
  const admin = base.appOnlyAdmin!;
  const cases: [TenantSetupOptions, string][] = [
    ...HOSTILE.map((h): [TenantSetupOptions, string] => [
      { ...base, appOnlyAdmin: { ...admin, applicationId: h } },
      "admin-app-id",
    ]),
    ...[...HOSTILE, "A".repeat(39), "G".repeat(40), `${"A".repeat(40)}'`].map((
      h,
    ): [TenantSetupOptions, string] => [
      { ...base, appOnlyAdmin: { ...admin, certificateThumbprint: h } },
      "certificate-thumbprint",
    ]),
    ...[...HOSTILE, "contoso.onmicrosoft.com'; whoami; '", "contoso", "-x.com"].map((
      h,
    ): [TenantSetupOptions, string] => [
      { ...base, appOnlyAdmin: { ...admin, tenantId: h } },
      "tenant",
    ]),
    [{ appId: IDS.clientId, tenantId: "evil.com/../x" }, "tenant"],
    [{ appId: IDS.clientId, cloud: "Global'; whoami" }, "cloud"],
    [{ appId: IDS.clientId, minimumModuleVersion: "5.0.0'; whoami" }, "minimum-module-version"],
  ];
  for (const [options, field] of cases) {
    assert.throws(
      () => tenantSetupScript(options),
      (e: unknown) => e instanceof InvalidInputError && e.field === field,
      `${field}: ${JSON.stringify(options)}`,
    );
  }
});

Deno.test("a thumbprint copied with spaces is accepted and written compact, upper-case", () => {
  const spaced = THUMBPRINT.toLowerCase().replace(/(..)/g, "$1 ").trim();
  const setup = tenantSetupScript({
    ...CASES["app_only_admin"]!,
    appOnlyAdmin: { ...CASES["app_only_admin"]!.appOnlyAdmin!, certificateThumbprint: spaced },
  });
  assert.ok(setup.connectCommand.includes(`-CertificateThumbprint '${THUMBPRINT}'`));
});

Deno.test("psQuote doubles ASCII and typographic single quotes and refuses line breaks", () => {
  assert.equal(psQuote("it's"), "'it''s'");
  assert.equal(psQuote("a\u2019b"), "'a\u2019\u2019b'");
  assert.equal(psQuote("$x `y"), "'$x `y'");
  assert.throws(() => psQuote("a\nb"), InvalidInputError);
});

Deno.test("tenant setup prints the golden script on stdout and the consent URL on stderr", async () => {
  const run = await runMain(["tenant", "setup", "--app-id", IDS.clientId, "--cloud", "USGovDoD"]);
  assert.equal(run.code, 0, run.stderr);
  assert.equal(run.stdout, await Deno.readTextFile(new URL("usgovdod.ps1", GOLDEN)));
  assert.match(
    run.stderr,
    new RegExp(
      `https://login\\.microsoftonline\\.us/organizations/adminconsent\\?client_id=${IDS.clientId}`,
    ),
  );
  assert.match(run.stderr, /remove\s+Calls\.JoinGroupCall\.All/);
});

Deno.test("tenant setup --revoke --out writes the golden revoke script and says where", async () => {
  const dir = await Deno.makeTempDir({ prefix: "graphcall-tenant-" });
  const out = `${dir}/revoke.ps1`;
  const run = await runMain(["tenant", "setup", "--revoke", "--out", out], {
    env: { AZURE_CLIENT_ID: IDS.clientId },
  });
  assert.equal(run.code, 0, run.stderr);
  assert.equal(
    await Deno.readTextFile(out),
    await Deno.readTextFile(new URL("revoke.ps1", GOLDEN)),
  );
  assert.match(run.stdout, new RegExp(`wrote ${out.replace(/[.]/g, "\\.")}`));
  assert.match(run.stdout, /@\{Remove="/);
});

Deno.test("tenant setup with a hostile app id exits 2 with one line and writes nothing", async () => {
  const dir = await Deno.makeTempDir({ prefix: "graphcall-tenant-" });
  const out = `${dir}/x.ps1`;
  const run = await runMain([
    "tenant",
    "setup",
    "--app-id",
    `${IDS.clientId}"}; whoami; #`,
    "--out",
    out,
  ]);
  assert.equal(run.code, 2);
  assert.equal(run.stderr.trimEnd().split("\n").length, 1, run.stderr);
  assert.match(run.stderr, /app-id/);
  assert.equal(run.stdout, "");
  await assert.rejects(Deno.stat(out), Deno.errors.NotFound);
});

Deno.test("tenant setup --app-only-admin without a thumbprint exits 2 naming the flag", async () => {
  const run = await runMain([
    "--tenant",
    IDS.tenantId,
    "tenant",
    "setup",
    "--app-id",
    IDS.clientId,
    "--app-only-admin",
    "--admin-app-id",
    ADMIN_APP,
  ]);
  assert.equal(run.code, 2);
  assert.match(run.stderr, /--certificate-thumbprint: required with --app-only-admin/);
});

Deno.test("tenant setup --output json gives the script and its facts as data", async () => {
  const run = await runMain([
    "tenant",
    "setup",
    "--app-id",
    IDS.clientId,
    "--cloud",
    "usgov",
    "--output",
    "json",
  ]);
  assert.equal(run.code, 0, run.stderr);
  const body = JSON.parse(run.stdout);
  assert.equal(body.ok, true);
  assert.equal(body.result.cloud, "USGov");
  assert.equal(
    body.result.connectCommand,
    "Connect-MicrosoftTeams -TeamsEnvironmentName TeamsGCCH",
  );
  assert.equal(
    body.result.script,
    tenantSetupScript({ appId: IDS.clientId, cloud: "USGov" }).script,
  );
  assert.equal(body.result.adminConsentUrl.startsWith("https://login.microsoftonline.us/"), true);
});
