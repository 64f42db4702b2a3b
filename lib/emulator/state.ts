/**
 * The emulator's state: tenants, apps, users, meetings, calls and their participants, faults
 * and the throttle. The JSON shape is the public contract of ../shared/emulator-state.md; this file
 * reads it, checks it, and holds the live model the routes act on.
 *
 * @module
 */

import { dirname, isAbsolute, join } from "node:path";
import { getCloud } from "../clouds.ts";
import type { CloudName } from "../clouds.ts";
import { InvalidInputError } from "../errors.ts";
import { type CallState, establishedLife, type ResultInfo } from "./call_life.ts";
import {
  type AttendeeSpec,
  buildMeeting,
  checkAttendee,
  checkMeetingSpec,
  type EmulatedMeeting,
  meetingLinks,
  type MeetingSpec,
} from "./meetings.ts";

export type { AttendeeSpec, MeetingSpec } from "./meetings.ts";
import type { EmulatedCall, EmulatedParticipant } from "./live_call.ts";
export type { EmulatedCall, EmulatedParticipant } from "./live_call.ts";

/** A certificate registered on an app: inline PEM or a path relative to the state file. */
export interface CertificateSpec {
  /** Inline PEM text. */
  pem?: string;
  /** Request path. */
  path?: string;
}

/** A client secret registered on an app. */
export interface SecretSpec {
  /** The secret value. */
  value: string;
  /** ISO date after which the secret is refused (AADSTS7000222). */
  expires?: string;
}

/** A federated identity credential on an app. */
export interface FederatedCredentialSpec {
  /** Issuer the token must carry (exact match). */
  issuer: string;
  /** Subject the token must carry (exact, case-sensitive match). */
  subject: string;
  /** Audiences; one must match the token's aud. */
  audiences: string[];
}

/** An app registration, as seeded. */
export interface AppSpec {
  /** The app (client) id. */
  clientId: string;
  /** Display name. */
  displayName?: string;
  /** Application permissions granted (the token's roles claim). */
  roles?: string[];
  /** Certificates uploaded to the app. */
  certificates?: CertificateSpec[];
  /** Client secrets. */
  secrets?: SecretSpec[];
  /** Federated identity credentials. */
  federatedCredentials?: FederatedCredentialSpec[];
}

/** A user, and how they answer invitations. */
export interface UserSpec {
  /** The id. */
  id: string;
  /** Display name. */
  displayName?: string;
  /** The sign-in name, e.g. `adele@contoso.onmicrosoft.com`; `GET /users/{upn}` finds it. */
  userPrincipalName?: string;
  /** The mail address. */
  mail?: string;
  /** How the user answers an invitation. */
  answer?: "accept" | "decline" | "noAnswer";
  /** How long the user takes to answer, ms. */
  answerAfterMs?: number;
}

/** A participant, naming a seeded user or carrying a full identity set. */
export interface ParticipantSpec {
  /** The id. */
  id: string;
  /** A seeded user id. */
  user?: string;
  /** The identity set. */
  identity?: Record<string, unknown>;
  /** Whether the participant is muted. */
  isMuted?: boolean;
  /** Whether the participant waits in the lobby. */
  isInLobby?: boolean;
}

/** A call, as seeded: an app's leg, established from the start. */
export interface CallSpec {
  /** The id. */
  id: string;
  /** The app that owns the call; absent: the tenant's first app. */
  appId?: string;
  /** Participants in the call (a call not tied to a meeting keeps its own roster). */
  participants?: ParticipantSpec[];
  /** A seeded meeting this call is joined to: its roster is the meeting's, plus the app. */
  meetingId?: string;
  /** The app's own participant id in the meeting (made up when absent). */
  myParticipantId?: string;
}

/** A tenant, as seeded. */
export interface TenantSpec {
  /** The id. */
  id: string;
  /** Verified domains; a tenant is found by id or any of these. */
  domains?: string[];
  /** The national cloud: decides the audience of issued tokens. */
  cloud?: CloudName | string;
  /** Apps the tenant policy allows to remove participants. */
  allowRemoveParticipantAppIds?: string[];
  /** App registrations. */
  apps?: AppSpec[];
  /** Users. */
  users?: UserSpec[];
  /** Calls. */
  calls?: CallSpec[];
  /** Teams meetings apps can join. */
  meetings?: MeetingSpec[];
}

/** A fault rule. */
export interface FaultSpec {
  /** HTTP method. */
  method?: string;
  /** Request path. */
  path: string;
  /** The status to answer with instead of the real one. */
  status?: number;
  /** Retry-After to send: seconds or an HTTP date. */
  retryAfter?: number | string;
  /** Delay before answering, ms. */
  latencyMs?: number;
  /** Drop the connection without answering. */
  drop?: boolean;
  /** Answer with a malformed body instead. */
  body?: "malformedJson" | "html";
  /** How many matching requests the rule applies to (all when absent). */
  times?: number;
  /** Apply with this probability (0 to 1). */
  probability?: number;
  /** Seed for probability. */
  seed?: number;
}

/** The emulated GitHub Actions job, as the state file's `github` section gives it. */
export interface GithubSpec {
  /** The bearer token a job presents (`ACTIONS_ID_TOKEN_REQUEST_TOKEN`). */
  requestToken?: string;
  /** The `sub` claim, e.g. `repo:contoso/bots:ref:refs/heads/main`. */
  subject?: string;
  /** Token lifetime, seconds. Default 300. */
  lifetimeSeconds?: number;
  /** Extra claims, or overrides of the derived ones (`repository`, `ref`, `event_name`, ...). */
  claims?: Record<string, unknown>;
}

/** The answer Graph gives when the tenant policy refuses a removal. */
export interface PolicyDenialSpec {
  /** HTTP status. */
  status: number;
  /** The Graph error code. */
  code: string;
  /** The Graph error message. */
  message: string;
}

/**
 * The emulator's assumptions where real behaviour is UNCONFIRMED upstream; each can be changed.
 * `startEmulator` options override these.
 */
export interface EmulatorSettingsSpec {
  /** Allowed clock skew for client assertions, seconds. Default 300. */
  clockSkewSeconds?: number;
  /** Lifetime of issued access tokens, seconds. Default 3599. */
  tokenLifetimeSeconds?: number;
  /** `refresh_in` (seconds) to return in token responses; absent (the default) omits it. */
  refreshInSeconds?: number | null;
  /** The answer to a removal the tenant policy refuses. */
  policyDenial?: PolicyDenialSpec;
  /** How long a joined call stays `establishing` before it is `established`, ms. Default 100. */
  joinDelayMs?: number;
  /** How long an app waits in a meeting's lobby before its call ends (200/5855), ms. */
  lobbyTimeoutMs?: number;
  /** A joined call with no keepAlive for this long ends (408/8537), ms. Default 45 minutes. */
  keepAliveTimeoutMs?: number;
  /** What a call whose notifications all fail does: go on (default) or end. */
  callbackFailure?: "ignore" | "terminate";
  /** Retries of a failed notification delivery (default 2, so 3 attempts). */
  notificationRetries?: number;
  /** How long one notification delivery may take, ms (default 5000). */
  notificationTimeoutMs?: number;
  /** The Graph error for an unknown, ended or other app's call. */
  callNotFound?: { code: string; message: string };
  /** Most participants one invitation may name (default 5, as the docs state). */
  inviteLimit?: number;
}

/** The whole state file. */
export interface EmulatorStateSpec {
  /** The tenants. */
  tenants: TenantSpec[];
  /** The faults. */
  faults?: FaultSpec[];
  /** The throttle. */
  throttle?: { requestsPerSecond: number } | null;
  /** The emulated GitHub Actions job (OIDC subject, request token, lifetime, claims). */
  github?: GithubSpec;
  /** The configurable assumptions (clock skew, token lifetime, `refresh_in`, policy denial). */
  settings?: EmulatorSettingsSpec;
}

/** A call as the admin API shows it: its spec, where it stands, and why it ended. */
export interface CallSnapshot extends CallSpec {
  /** `establishing`, `established` or `terminated`. */
  state: CallState;
  /** Whether it waits in its meeting's lobby. */
  isInLobby?: boolean;
  /** Where its notifications go. */
  callbackUri?: string;
  /** Why it ended. */
  resultInfo?: ResultInfo;
}

/** A meeting as the admin API shows it: its spec, with the derived join links. */
export interface MeetingSnapshot extends MeetingSpec {
  /** The long link. */
  joinWebUrl: string;
  /** The short link. */
  shortJoinUrl: string;
}

/** A tenant as the admin API shows it. */
export interface TenantSnapshot extends Omit<TenantSpec, "calls" | "meetings" | "apps"> {
  /** Apps (secrets redacted, certificates counted). */
  apps: (Omit<AppSpec, "certificates"> & { certificateCount: number })[];
  /** Calls. */
  calls: CallSnapshot[];
  /** Meetings. */
  meetings: MeetingSnapshot[];
}

/** The live state as the admin API shows it. */
export interface StateSnapshot extends Omit<EmulatorStateSpec, "tenants"> {
  /** The tenants. */
  tenants: TenantSnapshot[];
}

/** A live tenant. */
export interface EmulatedTenant {
  /** The id. */
  id: string;
  /** Verified domains; a tenant is found by id or any of these. */
  domains: string[];
  /** The national cloud: decides the audience of issued tokens. */
  cloud: CloudName;
  /** Apps the tenant policy allows to remove participants. */
  allowRemoveParticipantAppIds: Set<string>;
  /** App registrations. */
  apps: Map<string, AppSpec & { certificatePems: string[] }>;
  /** Users. */
  users: Map<string, UserSpec>;
  /** Calls. */
  calls: Map<string, EmulatedCall>;
  /** Meetings, by lower-case id. */
  meetings: Map<string, EmulatedMeeting>;
}

function fail(field: string, message: string): never {
  throw new InvalidInputError(`state.${field}`, message);
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Builds the live identity set of a seeded participant. */
function identityOf(p: ParticipantSpec, users: Map<string, UserSpec>, tenantId: string) {
  if (p.identity) return p.identity;
  if (p.user) {
    const u = users.get(p.user.toLowerCase());
    return {
      user: { id: p.user, displayName: u?.displayName ?? null, tenantId, identityProvider: "AAD" },
    };
  }
  return { user: { id: p.id, displayName: null, tenantId } };
}

/** The tenant's first app's id (the owner of a seeded call that names none). */
function firstApp(tenant: EmulatedTenant): string | undefined {
  for (const app of tenant.apps.values()) return app.clientId;
  return undefined;
}

/** A meeting attendee as a live participant. */
export function attendeeParticipant(tenant: EmulatedTenant, a: AttendeeSpec): EmulatedParticipant {
  checkAttendee(a);
  const id = a.id ?? crypto.randomUUID();
  return {
    id,
    identity: identityOf(
      { id, ...(a.user ? { user: a.user } : {}), ...(a.identity ? { identity: a.identity } : {}) },
      tenant.users,
      tenant.id,
    ),
    isMuted: a.isMuted ?? false,
    isInLobby: a.isInLobby ?? false,
  };
}

/** An app's own leg as a participant: `identity.application`. */
export function appParticipant(
  tenant: EmulatedTenant,
  appId: string,
  participantId: string,
  inLobby: boolean,
): EmulatedParticipant {
  const app = tenant.apps.get(appId.toLowerCase());
  return {
    id: participantId,
    identity: {
      application: { id: app?.clientId ?? appId, displayName: app?.displayName ?? null },
    },
    isMuted: false,
    isInLobby: inLobby,
  };
}

/** Whether a participant of a meeting is the leg of one of its calls. */
function isAppLeg(p: EmulatedParticipant, m: EmulatedMeeting): boolean {
  for (const c of m.calls) if (c.life?.myParticipantId === p.id) return true;
  return false;
}

/** The live model of all tenants. */
export class EmulatorState {
  /** Tenants by lower-case id. */
  readonly tenants: Map<string, EmulatedTenant> = new Map();
  /** Fault rules; read on each Graph request, replaced by the admin API. */
  faults: FaultSpec[] = [];
  /** Graph requests per second allowed per app and tenant; read on each Graph request. */
  throttle: { requestsPerSecond: number } | null = null;
  /** The emulated GitHub Actions job; fields left out take their defaults. */
  github: GithubSpec = {};
  /** The configurable assumptions from the state file. */
  settings: EmulatorSettingsSpec = {};
  /** The directory relative certificate paths are read from. */
  baseDir = ".";
  /** Whether certificate paths may be read: only while the initial state loads. */
  #filesAllowed = false;

  /** Runs `load` with certificate paths allowed (the initial state); never after start. */
  async loadingFiles<T>(load: () => Promise<T>): Promise<T> {
    this.#filesAllowed = true;
    try {
      return await load();
    } finally {
      this.#filesAllowed = false;
    }
  }

  /** Finds a tenant by id or domain, case-insensitively. */
  tenant(idOrDomain: string): EmulatedTenant | undefined {
    const key = idOrDomain.toLowerCase();
    const byId = this.tenants.get(key);
    if (byId) return byId;
    for (const t of this.tenants.values()) {
      if (t.domains.some((d) => d.toLowerCase() === key)) return t;
    }
    return undefined;
  }

  /** Adds or replaces a tenant from its spec. `baseDir` resolves certificate paths. */
  async addTenant(spec: TenantSpec, baseDir: string = this.baseDir): Promise<EmulatedTenant> {
    if (!isObject(spec) || typeof spec.id !== "string" || !spec.id) {
      fail("tenants[].id", "required");
    }
    if (spec.cloud !== undefined && typeof spec.cloud !== "string") {
      fail("tenants[].cloud", "must be Global, USGov, USGovDoD or China");
    }
    const cloud = getCloud(spec.cloud ?? "Global", "state.tenants[].cloud").name;
    if (spec.domains !== undefined && !isStringArray(spec.domains)) {
      fail("tenants[].domains", "must be an array of strings");
    }
    const allowed = spec.allowRemoveParticipantAppIds ?? [];
    if (!isStringArray(allowed)) {
      fail("tenants[].allowRemoveParticipantAppIds", "must be an array of strings");
    }
    for (
      const [field, list] of [
        ["users", spec.users],
        ["apps", spec.apps],
        ["calls", spec.calls],
        ["meetings", spec.meetings],
      ]
    ) {
      if (list !== undefined && !Array.isArray(list)) {
        fail(
          `tenants[].${field}`,
          "must be an array",
        );
      }
    }
    const tenant: EmulatedTenant = {
      id: spec.id,
      domains: spec.domains ?? [],
      cloud,
      allowRemoveParticipantAppIds: new Set(allowed.map((a) => a.toLowerCase())),
      apps: new Map(),
      users: new Map(),
      calls: new Map(),
      meetings: new Map(),
    };
    // Build everything first, so a bad spec leaves the old tenant in place.
    for (const u of spec.users ?? []) this.addUser(tenant, u);
    for (const app of spec.apps ?? []) await this.addApp(tenant, app, baseDir);
    for (const m of spec.meetings ?? []) this.addMeeting(tenant, m);
    for (const c of spec.calls ?? []) this.addCall(tenant, c);
    this.tenants.set(spec.id.toLowerCase(), tenant);
    return tenant;
  }

  /** Removes a tenant; returns whether it existed. */
  removeTenant(idOrDomain: string): boolean {
    const t = this.tenant(idOrDomain);
    return t ? this.tenants.delete(t.id.toLowerCase()) : false;
  }

  /** Adds or replaces a user in a tenant. */
  addUser(tenant: EmulatedTenant, user: UserSpec): void {
    if (!isObject(user) || typeof user.id !== "string" || !user.id) {
      fail("tenants[].users[].id", "required");
    }
    if (user.answer !== undefined && !["accept", "decline", "noAnswer"].includes(user.answer)) {
      fail("tenants[].users[].answer", "must be accept, decline or noAnswer");
    }
    if (user.answerAfterMs !== undefined && !isNonNegative(user.answerAfterMs)) {
      fail("tenants[].users[].answerAfterMs", "must be a number of milliseconds, 0 or more");
    }
    for (const field of ["displayName", "userPrincipalName", "mail"] as const) {
      if (user[field] !== undefined && typeof user[field] !== "string") {
        fail(`tenants[].users[].${field}`, "must be a string");
      }
    }
    tenant.users.set(user.id.toLowerCase(), { ...user });
  }

  /** Adds or replaces an app registration; certificates given by path are read now. */
  async addApp(tenant: EmulatedTenant, app: AppSpec, baseDir: string = this.baseDir) {
    if (!isObject(app) || typeof app.clientId !== "string" || !app.clientId) {
      fail("tenants[].apps[].clientId", "required");
    }
    if (app.roles !== undefined && !isStringArray(app.roles)) {
      fail("tenants[].apps[].roles", "must be an array of strings");
    }
    const certificatePems: string[] = [];
    for (const c of app.certificates ?? []) {
      if (typeof c?.pem === "string") certificatePems.push(c.pem);
      else if (typeof c?.path === "string") {
        if (!this.#filesAllowed) {
          fail(
            "tenants[].apps[].certificates[].path",
            "is read only when a state file loads; give the certificate inline as pem",
          );
        }
        const path = isAbsolute(c.path) ? c.path : join(baseDir, c.path);
        certificatePems.push(await readCertificateFile(path));
      } else fail("tenants[].apps[].certificates[]", "needs pem or path");
    }
    for (const pem of certificatePems) {
      if (!pem.includes("-----BEGIN CERTIFICATE-----")) {
        fail("tenants[].apps[].certificates[]", "is not a PEM certificate");
      }
    }
    for (const secret of app.secrets ?? []) {
      if (!isObject(secret) || typeof secret.value !== "string") {
        fail("tenants[].apps[].secrets[].value", "required");
      }
      if (secret.expires !== undefined && Number.isNaN(Date.parse(secret.expires))) {
        fail("tenants[].apps[].secrets[].expires", "must be an ISO date");
      }
    }
    for (const f of app.federatedCredentials ?? []) {
      if (
        !isObject(f) || typeof f.issuer !== "string" || typeof f.subject !== "string" ||
        !isStringArray(f.audiences)
      ) {
        fail(
          "tenants[].apps[].federatedCredentials[]",
          "needs issuer, subject and audiences (an array of strings)",
        );
      }
    }
    tenant.apps.set(app.clientId.toLowerCase(), { ...app, certificatePems });
  }

  /**
   * Adds or replaces a call; its participants may name the tenant's users. A call without
   * `appId` belongs to the tenant's first app; one with `meetingId` is that app's established
   * leg in the meeting and sees the meeting's roster, where the app appears too.
   */
  addCall(tenant: EmulatedTenant, call: CallSpec): void {
    if (!isObject(call) || typeof call.id !== "string" || !call.id) {
      fail("tenants[].calls[].id", "required");
    }
    if (call.appId !== undefined && (typeof call.appId !== "string" || !call.appId)) {
      fail("tenants[].calls[].appId", "must be an app's client id");
    }
    if (call.participants !== undefined && !Array.isArray(call.participants)) {
      fail("tenants[].calls[].participants", "must be an array");
    }
    const appId = call.appId ?? firstApp(tenant);
    if (call.meetingId !== undefined) {
      const meeting = typeof call.meetingId === "string"
        ? tenant.meetings.get(call.meetingId.toLowerCase())
        : undefined;
      if (!meeting) fail("tenants[].calls[].meetingId", "must name a seeded meeting");
      if (call.participants !== undefined) {
        fail("tenants[].calls[].participants", "a meeting's call sees the meeting's attendees");
      }
      if (
        call.myParticipantId !== undefined &&
        (typeof call.myParticipantId !== "string" || !call.myParticipantId)
      ) fail("tenants[].calls[].myParticipantId", "must be a non-empty string");
      const myParticipantId = call.myParticipantId ?? crypto.randomUUID();
      if (appId) {
        meeting.participants.set(
          myParticipantId,
          appParticipant(tenant, appId, myParticipantId, false),
        );
      }
      const live: EmulatedCall = {
        id: call.id,
        appId,
        participants: meeting.participants,
        meetingId: meeting.id,
        life: establishedLife(tenant.id, myParticipantId),
      };
      meeting.calls.add(live);
      tenant.calls.set(call.id, live);
      return;
    }
    const participants = new Map<string, EmulatedParticipant>();
    for (const p of call.participants ?? []) {
      if (!isObject(p) || typeof p.id !== "string" || !p.id) {
        fail("tenants[].calls[].participants[].id", "required");
      }
      if (p.identity !== undefined && !isObject(p.identity)) {
        fail("tenants[].calls[].participants[].identity", "must be an identitySet object");
      }
      participants.set(p.id, {
        id: p.id,
        identity: identityOf(p, tenant.users, tenant.id),
        isMuted: p.isMuted ?? false,
        isInLobby: p.isInLobby ?? false,
      });
    }
    tenant.calls.set(call.id, { id: call.id, appId, participants });
  }

  /** Adds or replaces a meeting (its attendees may name the tenant's users). */
  addMeeting(tenant: EmulatedTenant, spec: MeetingSpec): EmulatedMeeting {
    checkMeetingSpec(spec);
    const meeting = buildMeeting(spec, (a) => attendeeParticipant(tenant, a));
    for (const other of tenant.meetings.values()) {
      if (other.id.toLowerCase() === meeting.id.toLowerCase()) continue;
      if (other.threadId === meeting.threadId) {
        fail("tenants[].meetings[].threadId", `is already the thread of meeting '${other.id}'`);
      }
      if (other.joinMeetingId === meeting.joinMeetingId) {
        fail("tenants[].meetings[].joinMeetingId", `is already used by meeting '${other.id}'`);
      }
    }
    tenant.meetings.set(meeting.id.toLowerCase(), meeting);
    return meeting;
  }

  /** Replaces the tenant's `AllowRemoveParticipantAppIds`. */
  setPolicy(tenant: EmulatedTenant, appIds: string[]): void {
    if (!isStringArray(appIds)) fail("allowRemoveParticipantAppIds", "must be an array of strings");
    tenant.allowRemoveParticipantAppIds = new Set(appIds.map((a) => a.toLowerCase()));
  }

  /** Finds a call in a tenant. */
  call(tenant: EmulatedTenant, callId: string): EmulatedCall | undefined {
    return tenant.calls.get(callId);
  }

  /**
   * The live state as a plain object (admin API, tests). Secret values and certificate bodies
   * are left out (secrets keep their `expires`, certificates are counted), and so is the GitHub
   * request token.
   */
  snapshot(): StateSnapshot {
    const { requestToken: _t, ...github } = this.github;
    return {
      tenants: [...this.tenants.values()].map((t) => ({
        id: t.id,
        domains: t.domains,
        cloud: t.cloud,
        allowRemoveParticipantAppIds: [...t.allowRemoveParticipantAppIds],
        apps: [...t.apps.values()].map((
          { certificatePems, certificates: _c, secrets, ...app },
        ) => ({
          ...app,
          certificateCount: certificatePems.length,
          secrets: (secrets ?? []).map((s) => ({
            value: "[REDACTED]",
            ...(s.expires ? { expires: s.expires } : {}),
          })),
        })),
        users: [...t.users.values()],
        meetings: [...t.meetings.values()].map((m) => ({
          id: m.id,
          ...(m.organizer !== undefined ? { organizer: m.organizer } : {}),
          ...(m.subject !== undefined ? { subject: m.subject } : {}),
          threadId: m.threadId,
          joinMeetingId: m.joinMeetingId,
          ...(m.passcode !== undefined ? { passcode: m.passcode } : {}),
          lobby: m.lobby,
          ...meetingLinks(m, t.id),
          attendees: [...m.participants.values()].filter((p) => !isAppLeg(p, m)).map((p) => ({
            id: p.id,
            identity: p.identity,
            isMuted: p.isMuted,
            isInLobby: p.isInLobby,
          })),
        })),
        calls: [...t.calls.values()].map((c) => ({
          id: c.id,
          ...(c.appId ? { appId: c.appId } : {}),
          state: c.life?.state ?? "established",
          ...(c.meetingId !== undefined ? { meetingId: c.meetingId } : {}),
          ...(c.life ? { myParticipantId: c.life.myParticipantId } : {}),
          ...(c.life?.inLobby ? { isInLobby: true } : {}),
          ...(c.life?.callbackUri ? { callbackUri: c.life.callbackUri } : {}),
          ...(c.life?.resultInfo ? { resultInfo: c.life.resultInfo } : {}),
          ...(c.meetingId === undefined
            ? {
              participants: [...c.participants.values()].map((p) => ({
                id: p.id,
                identity: p.identity,
                isMuted: p.isMuted,
                isInLobby: p.isInLobby,
              })),
            }
            : {}),
        })),
      })),
      faults: this.faults,
      throttle: this.throttle,
      github,
      settings: this.settings,
    };
  }
}

/** The largest certificate file the emulator reads, bytes. */
export const MAX_CERTIFICATE_FILE = 256 * 1024;

/** Reads a certificate file: a regular file only, at most {@link MAX_CERTIFICATE_FILE} bytes. */
async function readCertificateFile(path: string): Promise<string> {
  const field = "state.tenants[].apps[].certificates[].path";
  let info: Deno.FileInfo;
  try {
    info = await Deno.stat(path);
  } catch (e) {
    throw new InvalidInputError(field, `${path}: file could not be read`, { cause: e });
  }
  // Not a FIFO, device or directory: opening or reading those can block or never end.
  if (!info.isFile) fail("tenants[].apps[].certificates[].path", `${path}: not a regular file`);
  if (info.size > MAX_CERTIFICATE_FILE) {
    fail(
      "tenants[].apps[].certificates[].path",
      `${path}: larger than ${MAX_CERTIFICATE_FILE} bytes`,
    );
  }
  let file: Deno.FsFile | undefined;
  try {
    file = await Deno.open(path, { read: true });
    const again = await file.stat();
    if (!again.isFile || again.size > MAX_CERTIFICATE_FILE) throw new Error("changed");
    const buffer = new Uint8Array(MAX_CERTIFICATE_FILE + 1);
    let size = 0;
    while (size < buffer.length) {
      const n = await file.read(buffer.subarray(size));
      if (n === null) break;
      size += n;
    }
    if (size > MAX_CERTIFICATE_FILE) throw new Error("too large");
    return new TextDecoder().decode(buffer.subarray(0, size));
  } catch (e) {
    throw new InvalidInputError(field, `${path}: file could not be read`, { cause: e });
  } finally {
    file?.close();
  }
}

function isStringArray(v: unknown): v is string[] {
  return Array.isArray(v) && v.every((x) => typeof x === "string");
}

function isNonNegative(v: unknown): v is number {
  return typeof v === "number" && Number.isFinite(v) && v >= 0;
}

/** Checks a fault rule list (the admin API and the state file share this). */
export function parseFaults(value: unknown): FaultSpec[] {
  if (!Array.isArray(value)) fail("faults", "must be an array of rules");
  for (const [i, rule] of value.entries()) {
    if (!isObject(rule) || typeof rule.path !== "string" || !rule.path.startsWith("/")) {
      fail(`faults[${i}].path`, "required: a path starting with / (* is a wildcard)");
    }
    if (rule.method !== undefined && typeof rule.method !== "string") {
      fail(`faults[${i}].method`, "must be a string such as DELETE or *");
    }
    if (
      rule.status !== undefined &&
      !(Number.isInteger(rule.status) && Number(rule.status) >= 100 && Number(rule.status) <= 599)
    ) fail(`faults[${i}].status`, "must be an HTTP status from 100 to 599");
    for (const field of ["latencyMs", "times"] as const) {
      if (rule[field] !== undefined && !isNonNegative(rule[field])) {
        fail(`faults[${i}].${field}`, "must be a number, 0 or more");
      }
    }
    if (
      rule.probability !== undefined &&
      !(isNonNegative(rule.probability) && Number(rule.probability) <= 1)
    ) fail(`faults[${i}].probability`, "must be a number from 0 to 1");
  }
  return value as FaultSpec[];
}

/** Checks a throttle setting: `{requestsPerSecond}` or null (no limit). */
export function parseThrottle(value: unknown): { requestsPerSecond: number } | null {
  if (value === null || value === undefined) return null;
  if (
    !isObject(value) || !(typeof value.requestsPerSecond === "number") ||
    !(value.requestsPerSecond > 0)
  ) fail("throttle.requestsPerSecond", "must be a number above 0 (or give null for no limit)");
  return { requestsPerSecond: value.requestsPerSecond as number };
}

/** Checks the `github` section. */
export function parseGithub(value: unknown): GithubSpec {
  if (value === undefined) return {};
  if (!isObject(value)) fail("github", "must be an object");
  for (const field of ["requestToken", "subject"] as const) {
    if (value[field] !== undefined && (typeof value[field] !== "string" || !value[field])) {
      fail(`github.${field}`, "must be a non-empty string");
    }
  }
  if (
    value.lifetimeSeconds !== undefined &&
    !(isNonNegative(value.lifetimeSeconds) && Number(value.lifetimeSeconds) > 0)
  ) fail("github.lifetimeSeconds", "must be a number of seconds above 0");
  if (value.claims !== undefined && !isObject(value.claims)) {
    fail("github.claims", "must be an object of claims");
  }
  return value as GithubSpec;
}

/** Checks the `settings` section. */
export function parseSettings(value: unknown): EmulatorSettingsSpec {
  if (value === undefined) return {};
  if (!isObject(value)) fail("settings", "must be an object");
  for (const field of ["clockSkewSeconds", "tokenLifetimeSeconds"] as const) {
    if (value[field] !== undefined && !isNonNegative(value[field])) {
      fail(`settings.${field}`, "must be a number of seconds, 0 or more");
    }
  }
  if (
    value.refreshInSeconds !== undefined && value.refreshInSeconds !== null &&
    !isNonNegative(value.refreshInSeconds)
  ) fail("settings.refreshInSeconds", "must be a number of seconds, or null to omit it");
  for (
    const field of [
      "joinDelayMs",
      "lobbyTimeoutMs",
      "keepAliveTimeoutMs",
      "notificationTimeoutMs",
    ] as const
  ) {
    if (value[field] !== undefined && !isNonNegative(value[field])) {
      fail(`settings.${field}`, "must be a number of milliseconds, 0 or more");
    }
  }
  if (
    value.inviteLimit !== undefined &&
    !(Number.isInteger(value.inviteLimit) && Number(value.inviteLimit) >= 1 &&
      Number(value.inviteLimit) <= 1000)
  ) fail("settings.inviteLimit", "must be a whole number from 1 to 1000");
  if (
    value.notificationRetries !== undefined &&
    !(Number.isInteger(value.notificationRetries) && Number(value.notificationRetries) >= 0 &&
      Number(value.notificationRetries) <= 10)
  ) fail("settings.notificationRetries", "must be a whole number from 0 to 10");
  if (
    value.callbackFailure !== undefined && value.callbackFailure !== "ignore" &&
    value.callbackFailure !== "terminate"
  ) fail("settings.callbackFailure", 'must be "ignore" or "terminate"');
  const nf = value.callNotFound;
  if (
    nf !== undefined &&
    !(isObject(nf) && typeof nf.code === "string" && nf.code && typeof nf.message === "string")
  ) fail("settings.callNotFound", "needs code and message (strings)");
  const d = value.policyDenial;
  if (
    d !== undefined &&
    !(isObject(d) && Number.isInteger(d.status) && typeof d.code === "string" &&
      typeof d.message === "string")
  ) fail("settings.policyDenial", "needs status (a number), code and message");
  return value as EmulatorSettingsSpec;
}

/** Reads a state spec (object or file path) into a live model. */
export async function loadState(
  source: EmulatorStateSpec | string | undefined,
): Promise<EmulatorState> {
  const state = new EmulatorState();
  if (source === undefined) return state;
  let spec: unknown = source;
  if (typeof source === "string") {
    let text: string;
    try {
      text = await Deno.readTextFile(source);
    } catch (e) {
      throw new InvalidInputError("state", `${source}: file could not be read`, { cause: e });
    }
    try {
      spec = JSON.parse(text);
    } catch (e) {
      throw new InvalidInputError("state", `${source}: not valid JSON`, { cause: e });
    }
    state.baseDir = dirname(source);
  }
  if (!isObject(spec) || !Array.isArray(spec.tenants)) fail("tenants", "must be an array");
  const tenants = spec.tenants as TenantSpec[];
  await state.loadingFiles(async () => {
    for (const t of tenants) await state.addTenant(t);
  });
  if (spec.faults !== undefined) state.faults = parseFaults(spec.faults);
  state.throttle = parseThrottle(spec.throttle);
  state.github = parseGithub(spec.github);
  state.settings = parseSettings(spec.settings);
  return state;
}
