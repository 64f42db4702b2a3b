/**
 * The world every benchmark runs in: one throwaway certificate, one tenant with the app, an
 * emulator on loopback, and helpers to seed fresh calls so every repetition removes real
 * participants.
 */

import { createCertificate, type CreatedCertificate } from "../../lib/auth/create_certificate.ts";
import { type Emulator, type EmulatorOptions, startEmulator } from "../../lib/emulator/mod.ts";
import type { EmulatedCall, TenantSpec } from "../../lib/emulator/state.ts";

/** Ids of the benchmark tenant (made up). */
export const IDS = Object.freeze({
  tenantId: "5d3e2c1b-0a9f-4e8d-b7c6-a5b4c3d2e1f0",
  clientId: "6e4f3d2c-1b0a-4f9e-8d7c-b6a5c4d3e2f1",
  scope: "https://graph.microsoft.com/.default",
});

/** Roles the participant operations need, and User.Read.All to resolve a UPN in a meeting. */
const ROLES = [
  "Calls.JoinGroupCall.All",
  "Calls.InitiateGroupCall.All",
  "Calls.Initiate.All",
  "User.Read.All",
];

/** The meeting of the meeting benchmarks: its organizer, the person removed, the link. */
export const MEETING = Object.freeze({
  id: "benchmeet",
  organizer: "7f5e4d3c-2b1a-4f0e-9d8c-7b6a5f4e3d2c",
  person: "8a6f5e4d-3c2b-4a1f-8e9d-8c7b6a5f4e3d",
  personUpn: "mallory@bench.onmicrosoft.com",
  bystander: "9b7a6f5e-4d3c-4b2a-9f8e-9d8c7b6a5f4e",
  threadId: "19:meeting_YmVuY2htZWV0aW5nLWJlbmNo@thread.v2",
});

/** The meeting's long join link (thread, organizer and tenant in its context). */
export function meetingJoinUrl(): string {
  const context = encodeURIComponent(
    JSON.stringify({ Tid: IDS.tenantId, Oid: MEETING.organizer }),
  );
  return `https://teams.microsoft.com/l/meetup-join/${
    encodeURIComponent(MEETING.threadId)
  }/0?context=${context}`;
}

/** Repository root and paths the benchmarks use. */
export const ROOT = new URL("../../", import.meta.url).pathname.replace(/\/$/, "");
/** The graphcall CLI entry. */
export const CLI = `${ROOT}/cli.ts`;
/** The bench folder. */
export const BENCH = `${ROOT}/bench`;

/** A certificate and the PEM file (certificate + key) written for the children. */
export interface BenchCredential {
  /** The certificate. Its key is secret: never printed. */
  cert: CreatedCertificate;
  /** certificate + key PEM, mode 0600. */
  pemPath: string;
  /** The key alone (PKCS#8 PEM), for msal-node. */
  keyPath: string;
}

/** Makes the benchmark's certificate and writes it to `dir`. */
export async function makeCredential(dir: string): Promise<BenchCredential> {
  const cert = await createCertificate({ subject: "CN=graphcall bench", keySize: 2048 });
  const pemPath = `${dir}/app.pem`;
  const keyPath = `${dir}/app.key`;
  await Deno.writeTextFile(pemPath, cert.certificatePem + cert.privateKeyPem, { mode: 0o600 });
  await Deno.writeTextFile(keyPath, cert.privateKeyPem, { mode: 0o600 });
  return { cert, pemPath, keyPath };
}

/** The tenant with the app allowed to remove participants, and no calls yet. */
export function tenantSpec(cert: CreatedCertificate): TenantSpec {
  return {
    id: IDS.tenantId,
    domains: ["bench.onmicrosoft.com"],
    cloud: "Global",
    allowRemoveParticipantAppIds: [IDS.clientId],
    apps: [{
      clientId: IDS.clientId,
      displayName: "graphcall bench",
      roles: [...ROLES],
      certificates: [{ pem: cert.certificatePem }],
    }],
    users: [
      { id: MEETING.organizer, displayName: "Olga Organizer" },
      { id: MEETING.person, displayName: "Mallory", userPrincipalName: MEETING.personUpn },
      { id: MEETING.bystander, displayName: "Bob Bystander" },
    ],
    calls: [],
    meetings: [{
      id: MEETING.id,
      organizer: MEETING.organizer,
      subject: "Bench meeting",
      threadId: MEETING.threadId,
      lobby: "open",
      attendees: [{ user: MEETING.bystander }],
    }],
  };
}

/** Puts the person back in the meeting (a rejoin); returns their new participant id. */
export function rejoinPerson(emulator: Emulator): string {
  return emulator.addAttendee(IDS.tenantId, MEETING.id, { user: MEETING.person });
}

/** Whether a participant id is still in the meeting (a map lookup: cheap enough to poll). */
export function inMeeting(emulator: Emulator, participantId: string): boolean {
  const meeting = emulator.state.tenant(IDS.tenantId)?.meetings.get(MEETING.id);
  return meeting?.participants.has(participantId) ?? false;
}

/** Starts an emulator with the bench tenant. */
export function startBenchEmulator(
  cred: BenchCredential,
  options: EmulatorOptions = {},
): Promise<Emulator> {
  return startEmulator({ ...options, state: { tenants: [tenantSpec(cred.cert)] } });
}

/** One seeded call: its id and its participants' ids. */
export interface SeededCall {
  /** The call id. */
  callId: string;
  /** Participant ids. */
  participants: string[];
}

let seedCounter = 0;

/**
 * Adds `calls` fresh calls holding `participants` participants in all (spread evenly) to the
 * live emulator state, and returns their ids.
 */
export function seedCalls(emulator: Emulator, calls: number, participants: number): SeededCall[] {
  const tenant = emulator.state.tenant(IDS.tenantId);
  if (!tenant) throw new Error("bench tenant missing from the emulator");
  const out: SeededCall[] = [];
  for (let c = 0; c < calls; c++) {
    const callId = crypto.randomUUID();
    const count = Math.floor(participants / calls) + (c < participants % calls ? 1 : 0);
    const map: EmulatedCall["participants"] = new Map();
    const ids: string[] = [];
    for (let i = 0; i < count; i++) {
      const id = crypto.randomUUID();
      seedCounter++;
      ids.push(id);
      map.set(id, {
        id,
        identity: {
          user: { id: crypto.randomUUID(), displayName: `Bench user ${seedCounter}` },
        },
        isMuted: false,
        isInLobby: false,
      });
    }
    tenant.calls.set(callId, { id: callId, appId: IDS.clientId, participants: map });
    out.push({ callId, participants: ids });
  }
  return out;
}

/** How many of the seeded participants are still in their calls. */
export function remaining(emulator: Emulator, seeded: readonly SeededCall[]): number {
  const tenant = emulator.state.tenant(IDS.tenantId)!;
  let left = 0;
  for (const s of seeded) {
    const call = tenant.calls.get(s.callId);
    if (!call) continue;
    for (const p of s.participants) if (call.participants.has(p)) left++;
  }
  return left;
}

/** Tokens the emulator issued to the bench app so far. */
export function tokensIssued(emulator: Emulator): number {
  return emulator.tokenRequests.get(IDS.clientId) ?? 0;
}

/** Writes seeded calls to a JSON file a child reads. */
export async function writeWork(dir: string, name: string, work: readonly SeededCall[]) {
  const path = `${dir}/${name}.json`;
  await Deno.writeTextFile(path, JSON.stringify(work));
  return path;
}

/**
 * Fails loudly if the emulator's request log shows anything but the routes a benchmark may use.
 * (Children cannot reach anything but loopback: graphcall runs with `--allow-net=127.0.0.1`, and
 * the Node scripts load a guard that refuses any non-loopback fetch.)
 */
export function assertOnlyExpectedRoutes(emulator: Emulator): void {
  const allowed = [
    /^\/[^/]+\/oauth2\/v2\.0\/token$/,
    /^\/v1\.0\/communications\/calls(\/[^/]+)?$/,
    /^\/v1\.0\/communications\/calls\/[^/]+\/participants(\/[^/]+)?$/,
    /^\/v1\.0\/users\/[^/]+$/,
    /^\/_emulator\/notifications\/jwks$/,
  ];
  for (const r of emulator.requests) {
    if (!allowed.some((re) => re.test(r.path))) {
      throw new Error(`unexpected request to the emulator: ${r.method} ${r.path}`);
    }
  }
}
