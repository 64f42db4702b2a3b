/**
 * Test fixtures: a fresh certificate per test process, a seeded tenant, and an emulator on
 * loopback. Tests make their own keys; no private key is committed.
 */

import { createCertificate, type CreatedCertificate } from "../../lib/auth/create_certificate.ts";
import { type Emulator, startEmulator } from "../../lib/emulator/mod.ts";
import type { EmulatorOptions } from "../../lib/emulator/mod.ts";
import type { EmulatorStateSpec, TenantSpec } from "../../lib/emulator/state.ts";

/** Ids used across tests (made up). */
export const IDS = Object.freeze({
  tenantId: "72f988bf-86f1-41af-91ab-2d7cd011db47",
  domain: "contoso.onmicrosoft.com",
  clientId: "0b5e8a21-6c4f-4d2e-9a57-3f1c2d8e7b60",
  otherClientId: "9d4c7b12-1f0e-4a8b-b3c2-5e6f7a8b9c0d",
  callId: "112f7296-5fa4-42ca-bae8-6a692b15d4b8",
  adeleUser: "278405a3-f568-4b3e-b684-009193463064",
  adele: "a7ebfb2d-871e-419c-87af-27290b22e8db",
  megan: "2c8d5c7e-3c0b-4b57-9f5e-9f0e2a7d1b44",
});

/** All roles the participant operations need. */
export const ALL_ROLES = [
  "Calls.JoinGroupCall.All",
  "Calls.InitiateGroupCall.All",
  "Calls.Initiate.All",
];

let appCert: Promise<CreatedCertificate> | undefined;
let otherCert: Promise<CreatedCertificate> | undefined;

/** The app's certificate (one per test process). */
export function appCertificate(): Promise<CreatedCertificate> {
  return appCert ??= createCertificate({ subject: "CN=graphcall test", keySize: 2048 });
}

/** A second certificate, not registered anywhere. */
export function strangerCertificate(): Promise<CreatedCertificate> {
  return otherCert ??= createCertificate({ subject: "CN=stranger", keySize: 2048 });
}

/** A tenant with the app, two users in one call, and the app allowed to remove. */
export function tenantSpec(
  cert: CreatedCertificate,
  overrides: Partial<TenantSpec> = {},
): TenantSpec {
  return {
    id: IDS.tenantId,
    domains: [IDS.domain],
    cloud: "Global",
    allowRemoveParticipantAppIds: [IDS.clientId],
    apps: [{
      clientId: IDS.clientId,
      displayName: "Meeting bot",
      roles: [...ALL_ROLES],
      certificates: [{ pem: cert.certificatePem }],
    }],
    users: [{ id: IDS.adeleUser, displayName: "Adele Vance" }],
    calls: [{
      id: IDS.callId,
      appId: IDS.clientId,
      participants: [
        { id: IDS.adele, user: IDS.adeleUser },
        { id: IDS.megan, identity: { user: { id: "u2", displayName: "Megan Bowen" } } },
      ],
    }],
    ...overrides,
  };
}

/** Starts an emulator with the standard tenant (or the given state). */
export async function startTestEmulator(
  options: { state?: EmulatorStateSpec; tenant?: Partial<TenantSpec> } & EmulatorOptions = {},
): Promise<{ emulator: Emulator; cert: CreatedCertificate } & AsyncDisposable> {
  const cert = await appCertificate();
  const emulator = await startEmulator({
    ...options,
    state: options.state ?? { tenants: [tenantSpec(cert, options.tenant)] },
  });
  return { emulator, cert, [Symbol.asyncDispose]: () => emulator.close() };
}

/** Writes the app's PEM (certificate + key) to a temp file and returns its path. */
export async function writePem(cert: CreatedCertificate, dir?: string): Promise<string> {
  const d = dir ?? await Deno.makeTempDir({ prefix: "graphcall-test-" });
  const path = `${d}/app.pem`;
  await Deno.writeTextFile(path, cert.certificatePem + cert.privateKeyPem, { mode: 0o600 });
  return path;
}
