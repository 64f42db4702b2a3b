/**
 * The script `graphcall tenant setup` writes, run for real: PowerShell 7 runs it against the
 * stand-in MicrosoftTeams module (tests/fixtures/microsoft_teams), which keeps the tenant's
 * application meeting configuration in a state file and records every cmdlet call.
 */

import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { type TenantSetupOptions, tenantSetupScript } from "../lib/tenant/setup_script.ts";
import { policyRemediation } from "../lib/fixes.ts";
import { InvalidInputError } from "../lib/errors.ts";
import {
  graphcallShim,
  HAS_PWSH,
  notePwshSkipped,
  psLiteral,
  type PwshReply,
  PwshSession,
} from "./support/pwsh.ts";
import { IDS } from "./support/tenant.ts";

notePwshSkipped(import.meta.url);

const FIXTURES = fileURLToPath(new URL("./fixtures/microsoft_teams", import.meta.url));
const ADMIN_APP = "5f1c2d8e-7b60-4a8b-9c0d-0b5e8a216c4f";
const THUMBPRINT = "3F2A9C41D0B8E7F6A5B4C3D2E1F0011223344556";
const OTHER = IDS.otherClientId;
const CLOUDS = [
  { cloud: "Global", environment: "" },
  { cloud: "USGov", environment: "TeamsGCCH" },
  { cloud: "USGovDoD", environment: "TeamsDOD" },
  { cloud: "China", environment: "TeamsChina" },
] as const;

let session: PwshSession | undefined;
const pwsh = () => session ??= PwshSession.start();

/** One cmdlet call the stand-in recorded. */
interface Call {
  cmdlet: string;
  parameters: Record<string, unknown>;
}

/** The stand-in's state file. */
interface TeamsState {
  environment: string;
  tenantId: string;
  domains: string[];
  allowRemoveParticipantAppIds: string[];
  certificates: string[];
  connectSets?: "documented" | "environmentEverywhere";
  ignoreSet?: boolean;
  gallery?: "untrusted" | "trusted" | "unreachable";
  calls: Call[];
}

interface Scenario {
  /** The generated script to run. */
  script: string;
  /** The tenant, on top of a Global tenant that allows OTHER. */
  state?: Partial<TeamsState>;
  /** Whether the MicrosoftTeams module is installed: yes (7.4.0), no, or too old (4.9.0). */
  module?: "installed" | "missing" | "old";
  /** How many times to run the script. */
  runs?: number;
}

interface Outcome {
  runs: PwshReply[];
  state: TeamsState;
  dir: string;
}

/** Runs a generated script in PowerShell, as `pwsh -File` would, against a fresh tenant. */
async function runScript(scenario: Scenario): Promise<Outcome> {
  const dir = await Deno.makeTempDir({ prefix: "graphcall-teams-" });
  const statePath = `${dir}/state.json`;
  const state: TeamsState = {
    environment: "",
    tenantId: IDS.tenantId,
    domains: [IDS.domain],
    allowRemoveParticipantAppIds: [OTHER],
    certificates: [THUMBPRINT],
    calls: [],
    ...scenario.state,
  };
  await Deno.writeTextFile(statePath, JSON.stringify(state, null, 2));
  await Deno.writeTextFile(`${dir}/setup.ps1`, scenario.script);
  const userModules = `${dir}/user-modules`;
  await Deno.mkdir(userModules);
  const paths = [userModules];
  if ((scenario.module ?? "installed") === "installed") paths.push(FIXTURES);
  if (scenario.module === "old") {
    const old = `${dir}/old-modules/MicrosoftTeams/4.9.0`;
    await Deno.mkdir(old, { recursive: true });
    for (const file of ["MicrosoftTeams.psm1", "connect_documented.ps1"]) {
      await Deno.copyFile(`${FIXTURES}/MicrosoftTeams/7.4.0/${file}`, `${old}/${file}`);
    }
    const manifest = await Deno.readTextFile(
      `${FIXTURES}/MicrosoftTeams/7.4.0/MicrosoftTeams.psd1`,
    );
    await Deno.writeTextFile(
      `${old}/MicrosoftTeams.psd1`,
      manifest.replace("ModuleVersion     = '7.4.0'", "ModuleVersion     = '4.9.0'"),
    );
    paths.push(`${dir}/old-modules`);
  }
  const runs: PwshReply[] = [];
  for (let i = 0; i < (scenario.runs ?? 1); i++) {
    runs.push(
      await pwsh().run(`
        $env:GRAPHCALL_TEAMS_STATE = ${psLiteral(statePath)}
        $env:GRAPHCALL_TEAMS_GALLERY = ${psLiteral(FIXTURES)}
        $env:GRAPHCALL_TEAMS_USER_MODULES = ${psLiteral(userModules)}
        $env:PSModulePath = (@(${
        paths.map(psLiteral).join(", ")
      }) + (Join-Path $PSHOME 'Modules')) -join [System.IO.Path]::PathSeparator
        Remove-Module -Name MicrosoftTeams -Force -ErrorAction SilentlyContinue
        . ${psLiteral(`${FIXTURES}/install_module.ps1`)}
        & ${psLiteral(`${dir}/setup.ps1`)}
      `),
    );
  }
  return { runs, state: JSON.parse(await Deno.readTextFile(statePath)), dir };
}

const calls = (state: TeamsState, cmdlet: string) =>
  state.calls.filter((c) => c.cmdlet === cmdlet).map((c) => c.parameters);

function text(reply: PwshReply): string {
  return [...reply.messages, reply.error ?? ""].join("\n");
}

function succeeded(reply: PwshReply): void {
  assert.equal(reply.ok, true, text(reply));
  assert.equal(reply.exitCode, 0, text(reply));
}

function failed(reply: PwshReply, message: RegExp): void {
  assert.equal(reply.ok, true, `the script ends with exit 1, not an error: ${text(reply)}`);
  assert.equal(reply.exitCode, 1, text(reply));
  assert.match(text(reply), message);
}

// One pwsh process serves the whole file, so it outlives each test: the sanitizers would count it.
const test = (name: string, fn: () => Promise<void>) =>
  Deno.test({ name, ignore: !HAS_PWSH, sanitizeResources: false, sanitizeOps: false, fn });

for (const { cloud, environment } of CLOUDS) {
  const connected = (state: TeamsState) =>
    calls(state, "Connect-MicrosoftTeams").map((p) => p["TeamsEnvironmentName"] ?? "");

  test(`the ${cloud} script adds the app, and a second run changes nothing and says so`, async () => {
    const { runs, state } = await runScript({
      script: tenantSetupScript({ appId: IDS.clientId, cloud }).script,
      state: { environment },
      runs: 2,
    });
    const [first, second] = runs as [PwshReply, PwshReply];
    succeeded(first);
    assert.match(text(first), new RegExp(`Adding the app ${IDS.clientId} to`));
    assert.match(text(first), new RegExp(`OK: the app ${IDS.clientId} is allowed`));
    succeeded(second);
    assert.match(text(second), /already allowed to remove participants: nothing to change/);
    assert.doesNotMatch(text(second), /Adding/);
    assert.deepEqual(state.allowRemoveParticipantAppIds, [OTHER, IDS.clientId]);
    assert.deepEqual(connected(state), [environment, environment]);
    assert.deepEqual(calls(state, "Set-CsApplicationMeetingConfiguration"), [{
      AllowRemoveParticipantAppIds: { Add: [IDS.clientId], Remove: [], Replace: [] },
    }]);
    assert.equal(calls(state, "Disconnect-MicrosoftTeams").length, 2);
    assert.equal(calls(state, "Install-Module").length, 0);
  });

  test(`the ${cloud} --revoke script removes the app in any spelling, keeps the others, then has nothing to do`, async () => {
    const { runs, state } = await runScript({
      script: tenantSetupScript({ appId: IDS.clientId, cloud, revoke: true }).script,
      state: {
        environment,
        allowRemoveParticipantAppIds: [IDS.clientId.toUpperCase(), OTHER, ` ${IDS.clientId}`],
      },
      runs: 2,
    });
    const [first, second] = runs as [PwshReply, PwshReply];
    succeeded(first);
    assert.match(text(first), new RegExp(`OK: the app ${IDS.clientId} is no longer allowed`));
    succeeded(second);
    assert.match(text(second), /is not in AllowRemoveParticipantAppIds: nothing to change/);
    assert.deepEqual(state.allowRemoveParticipantAppIds, [OTHER]);
    assert.deepEqual(connected(state), [environment, environment]);
    assert.equal(calls(state, "Set-CsApplicationMeetingConfiguration").length, 2);
  });

  test(`the ${cloud} scripts exit 1 when the read-back shows the change did not take`, async () => {
    const add = await runScript({
      script: tenantSetupScript({ appId: IDS.clientId, cloud }).script,
      state: { environment, ignoreSet: true },
    });
    failed(add.runs[0]!, /FAILED: the app \S+ is still not in AllowRemoveParticipantAppIds/);
    assert.deepEqual(add.state.allowRemoveParticipantAppIds, [OTHER]);
    assert.equal(calls(add.state, "Set-CsApplicationMeetingConfiguration").length, 1);
    assert.equal(calls(add.state, "Disconnect-MicrosoftTeams").length, 1, "signs out anyway");

    const revoke = await runScript({
      script: tenantSetupScript({ appId: IDS.clientId, cloud, revoke: true }).script,
      state: { environment, ignoreSet: true, allowRemoveParticipantAppIds: [IDS.clientId] },
    });
    failed(revoke.runs[0]!, /FAILED: the app \S+ is still in AllowRemoveParticipantAppIds/);
    assert.deepEqual(revoke.state.allowRemoveParticipantAppIds, [IDS.clientId]);
  });
}

for (const { cloud, environment } of CLOUDS) {
  test(`the fix graphcall prints for a ${cloud} policy refusal runs as printed`, async () => {
    const fix = policyRemediation(IDS.clientId, cloud);
    const commands = /in PowerShell: (.*?) {2}\(or run: /.exec(fix)?.[1];
    assert.ok(commands, fix);
    const { runs, state } = await runScript({ script: commands, state: { environment } });
    succeeded(runs[0]!);
    assert.deepEqual(state.allowRemoveParticipantAppIds, [OTHER, IDS.clientId]);
    assert.deepEqual(
      calls(state, "Connect-MicrosoftTeams").map((p) => p["TeamsEnvironmentName"] ?? ""),
      [environment],
    );
  });
}

test("a tenant of another cloud refuses the sign-in and the script stops before reading anything", async () => {
  const { runs, state } = await runScript({
    script: tenantSetupScript({ appId: IDS.clientId, cloud: "Global" }).script,
    state: { environment: "TeamsGCCH" },
  });
  failed(
    runs[0]!,
    /FAILED: the sign-in to Teams \(Global\) did not work: unknown_user_type[^\n]*\nThis script is for the Global cloud/,
  );
  assert.equal(calls(state, "Get-CsApplicationMeetingConfiguration").length, 0);
  assert.equal(calls(state, "Set-CsApplicationMeetingConfiguration").length, 0);
});

test("the stand-in refuses Get- and Set-CsApplicationMeetingConfiguration before Connect-MicrosoftTeams, as the real module does", async () => {
  const { runs, state } = await runScript({
    script: [
      "Import-Module -Name MicrosoftTeams",
      "try { Get-CsApplicationMeetingConfiguration } catch { 'get: ' + $_.Exception.GetType().Name + ': ' + $_.Exception.Message }",
      "try { Set-CsApplicationMeetingConfiguration -AllowRemoveParticipantAppIds @{Add='x'} } catch { 'set: ' + $_.Exception.Message }",
    ].join("\n"),
  });
  assert.deepEqual(runs[0]!.values, [
    "get: UnauthorizedAccessException: You must call the Connect-MicrosoftTeams cmdlet before calling any other cmdlets.",
    "set: You must call the Connect-MicrosoftTeams cmdlet before calling any other cmdlets.",
  ]);
  assert.deepEqual(state.allowRemoveParticipantAppIds, [OTHER]);
});

const appOnly = (cloud: string, extra: Partial<TenantSetupOptions> = {}) =>
  tenantSetupScript({
    appId: IDS.clientId,
    cloud,
    appOnlyAdmin: {
      certificateThumbprint: THUMBPRINT,
      applicationId: ADMIN_APP,
      tenantId: IDS.domain,
    },
    ...extra,
  }).script;

test("without the module, the unattended script installs it from PSGallery for the current user and goes on", async () => {
  const { runs, state, dir } = await runScript({ script: appOnly("Global"), module: "missing" });
  succeeded(runs[0]!);
  assert.match(text(runs[0]!), /Installing the MicrosoftTeams module \(5\.0\.0 or later\)/);
  assert.deepEqual(calls(state, "Install-Module"), [{
    Name: "MicrosoftTeams",
    MinimumVersion: "5.0.0",
    Scope: "CurrentUser",
    Repository: "PSGallery",
    Force: true,
    ErrorAction: 1, // Stop
  }]);
  await Deno.stat(`${dir}/user-modules/MicrosoftTeams/7.4.0/MicrosoftTeams.psd1`);
  assert.deepEqual(state.allowRemoveParticipantAppIds, [OTHER, IDS.clientId]);
});

test("a module older than the minimum takes the install path too", async () => {
  const { runs, state } = await runScript({ script: appOnly("Global"), module: "old" });
  succeeded(runs[0]!);
  assert.equal(calls(state, "Install-Module").length, 1);
  assert.deepEqual(state.allowRemoveParticipantAppIds, [OTHER, IDS.clientId]);
});

test("an install that is declined or cannot reach the gallery fails the script with the command to run", async () => {
  // The interactive script leaves the untrusted-gallery question to the admin; in a session
  // that cannot ask, PowerShellGet declines silently, and the script must say so.
  const declined = await runScript({
    script: tenantSetupScript({ appId: IDS.clientId }).script,
    module: "missing",
  });
  failed(
    declined.runs[0]!,
    /User declined to install module \(MicrosoftTeams\)\.[\s\S]*FAILED: the MicrosoftTeams module 5\.0\.0 or later is not installed[^\n]*Install-Module -Name MicrosoftTeams -MinimumVersion 5\.0\.0 -Scope CurrentUser/,
  );
  assert.equal(calls(declined.state, "Install-Module")[0]!["Force"], undefined);
  assert.equal(calls(declined.state, "Connect-MicrosoftTeams").length, 0);

  const unreachable = await runScript({
    script: appOnly("Global"),
    module: "missing",
    state: { gallery: "unreachable" },
  });
  failed(
    unreachable.runs[0]!,
    /The installation failed: No match was found[^\n]*\nFAILED: the MicrosoftTeams module/,
  );
  assert.equal(calls(unreachable.state, "Connect-MicrosoftTeams").length, 0);
});

test("the app-only script signs in with the admin app's certificate and tenant", async () => {
  const { runs, state } = await runScript({ script: appOnly("Global") });
  succeeded(runs[0]!);
  assert.deepEqual(calls(state, "Connect-MicrosoftTeams"), [{
    CertificateThumbprint: THUMBPRINT,
    ApplicationId: ADMIN_APP,
    TenantId: IDS.domain,
  }]);
  assert.deepEqual(state.allowRemoveParticipantAppIds, [OTHER, IDS.clientId]);

  const unknown = await runScript({ script: appOnly("Global"), state: { certificates: [] } });
  failed(
    unknown.runs[0]!,
    /FAILED: the sign-in to Teams \(Global\) did not work: Certificate not found/,
  );
});

for (const { cloud, environment } of CLOUDS.filter((c) => c.environment)) {
  test(`the app-only ${cloud} script stops when the module cannot name ${environment} for app-only sign-in`, async () => {
    const { runs, state } = await runScript({
      script: appOnly(cloud),
      state: { environment, connectSets: "documented" },
    });
    failed(
      runs[0]!,
      new RegExp(
        `FAILED: this MicrosoftTeams module \\(7\\.4\\.0\\) cannot sign in app-only to ${environment}`,
      ),
    );
    assert.equal(calls(state, "Connect-MicrosoftTeams").length, 0, "never signs in to commercial");
    assert.deepEqual(state.allowRemoveParticipantAppIds, [OTHER]);
  });

  test(`the app-only ${cloud} script signs in to ${environment} when the module allows it`, async () => {
    const { runs, state } = await runScript({
      script: appOnly(cloud),
      state: { environment, connectSets: "environmentEverywhere" },
    });
    succeeded(runs[0]!);
    assert.deepEqual(calls(state, "Connect-MicrosoftTeams"), [{
      TeamsEnvironmentName: environment,
      CertificateThumbprint: THUMBPRINT,
      ApplicationId: ADMIN_APP,
      TenantId: IDS.domain,
    }]);
    assert.deepEqual(state.allowRemoveParticipantAppIds, [OTHER, IDS.clientId]);
  });
}

// Hostile text: each value would create the canary file if PowerShell ever evaluated it.
function hostile(canary: string): string[] {
  const create = `New-Item -ItemType File -Path ${psLiteral(canary)}`;
  return [
    `$(${create})`,
    `"; ${create}; "`,
    `'; ${create}; '`,
    `\`"$(${create})\``,
    `${IDS.clientId}$(${create})`,
    `x\n${create}`,
    `@{Add=$(${create})}`,
  ];
}

async function exists(path: string): Promise<boolean> {
  return await Deno.stat(path).then(() => true, () => false);
}

test("the canary really is created when hostile text is evaluated (the check below can fail)", async () => {
  const dir = await Deno.makeTempDir({ prefix: "graphcall-canary-" });
  const canary = `${dir}/canary`;
  const reply = await pwsh().run(
    `$value = ${psLiteral(hostile(canary)[0]!)}; $null = Invoke-Expression ('"' + $value + '"')`,
  );
  assert.equal(reply.ok, true, text(reply));
  assert.equal(await exists(canary), true);
});

test("hostile app ids held by the tenant are compared and removed as text, never run", async () => {
  const dir = await Deno.makeTempDir({ prefix: "graphcall-canary-" });
  const canary = `${dir}/canary`;
  const held = [...hostile(canary), IDS.clientId];
  for (const revoke of [false, true]) {
    const { runs, state } = await runScript({
      script: tenantSetupScript({ appId: IDS.clientId, revoke }).script,
      state: { allowRemoveParticipantAppIds: held },
    });
    succeeded(runs[0]!);
    assert.deepEqual(
      state.allowRemoveParticipantAppIds,
      revoke ? held.slice(0, -1) : held,
      "the hostile entries stay as they were",
    );
  }
  assert.equal(await exists(canary), false);
});

test("hostile values are refused by the generator; the odd spellings it accepts run as plain values", async () => {
  const dir = await Deno.makeTempDir({ prefix: "graphcall-canary-" });
  const canary = `${dir}/canary`;
  const admin = {
    certificateThumbprint: THUMBPRINT,
    applicationId: ADMIN_APP,
    tenantId: IDS.domain,
  };
  for (const value of hostile(canary)) {
    for (
      const [field, options] of [
        ["app-id", { appId: value }],
        ["admin-app-id", { appId: IDS.clientId, appOnlyAdmin: { ...admin, applicationId: value } }],
        [
          "certificate-thumbprint",
          { appId: IDS.clientId, appOnlyAdmin: { ...admin, certificateThumbprint: value } },
        ],
        ["tenant", { appId: IDS.clientId, appOnlyAdmin: { ...admin, tenantId: value } }],
        ["tenant", { appId: IDS.clientId, tenantId: value }],
        ["minimum-module-version", { appId: IDS.clientId, minimumModuleVersion: value }],
      ] as [string, TenantSetupOptions][]
    ) {
      assert.throws(
        () => tenantSetupScript(options),
        (e: unknown) => e instanceof InvalidInputError && e.field === field,
        `${field}: ${JSON.stringify(value)}`,
      );
    }
  }
  // Accepted: a thumbprint as the certificate dialog shows it, upper-case ids, a hyphenated domain.
  const spaced = THUMBPRINT.toLowerCase().replace(/(..)/g, "$1 ").trim();
  const { runs, state } = await runScript({
    script: tenantSetupScript({
      appId: IDS.clientId.toUpperCase(),
      appOnlyAdmin: {
        certificateThumbprint: spaced,
        applicationId: ADMIN_APP.toUpperCase(),
        tenantId: "Contoso-Ltd2.OnMicrosoft.com",
      },
    }).script,
    state: { domains: ["contoso-ltd2.onmicrosoft.com"] },
  });
  succeeded(runs[0]!);
  assert.deepEqual(calls(state, "Connect-MicrosoftTeams"), [{
    CertificateThumbprint: THUMBPRINT,
    ApplicationId: ADMIN_APP,
    TenantId: "contoso-ltd2.onmicrosoft.com",
  }]);
  assert.equal(await exists(canary), false);
});

test("graphcall, called from PowerShell with a hostile app id, writes no script and runs nothing", async () => {
  const dir = await Deno.makeTempDir({ prefix: "graphcall-canary-" });
  const canary = `${dir}/canary`;
  const shim = await graphcallShim();
  const reply = await pwsh().run(`
    $env:PATH = ${psLiteral(shim)} + [System.IO.Path]::PathSeparator + $env:PATH
    $out = graphcall tenant setup --app-id ${psLiteral(hostile(canary)[0]!)} --out ${
    psLiteral(`${dir}/setup.ps1`)
  } --output json 2>$null
    [pscustomobject]@{ code = $LASTEXITCODE; doc = ($out | ConvertFrom-Json) }
  `);
  assert.equal(reply.ok, true, text(reply));
  const [{ code, doc }] = reply.values as [
    { code: number; doc: { ok: boolean; error: { field: string } } },
  ];
  assert.equal(code, 2);
  assert.equal(doc.ok, false);
  assert.equal(doc.error.field, "app-id");
  assert.equal(await exists(`${dir}/setup.ps1`), false);
  assert.equal(await exists(canary), false);
});

test("the PowerShell session of this file ends", async () => {
  await session?.close();
  session = undefined;
});
