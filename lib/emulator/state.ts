/**
 * The emulator's state: tenants, apps, users, calls and their participants, faults and the
 * throttle. The JSON shape is the public contract of ../shared/emulator-state.md; this file
 * reads it, checks it, and holds the live model the routes act on.
 *
 * @module
 */

import { dirname, isAbsolute, join } from "node:path";
import { getCloud } from "../clouds.ts";
import type { CloudName } from "../clouds.ts";
import { InvalidInputError } from "../errors.ts";

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

/** A call, as seeded. */
export interface CallSpec {
  /** The id. */
  id: string;
  /** The app that owns the call. */
  appId?: string;
  /** Participants in the call. */
  participants?: ParticipantSpec[];
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

/** The whole state file. */
export interface EmulatorStateSpec {
  /** The tenants. */
  tenants: TenantSpec[];
  /** The faults. */
  faults?: FaultSpec[];
  /** The throttle. */
  throttle?: { requestsPerSecond: number } | null;
}

/** A live participant. */
export interface EmulatedParticipant {
  /** The id. */
  id: string;
  /** The identity set. */
  identity: Record<string, unknown>;
  /** Whether the participant is muted. */
  isMuted: boolean;
  /** Whether the participant waits in the lobby. */
  isInLobby: boolean;
}

/** A live call. */
export interface EmulatedCall {
  /** The id. */
  id: string;
  /** The app that owns the call. */
  appId: string | undefined;
  /** Participants in the call. */
  participants: Map<string, EmulatedParticipant>;
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

/** The live model of all tenants. */
export class EmulatorState {
  /** Tenants by lower-case id. */
  readonly tenants: Map<string, EmulatedTenant> = new Map();
  /** Fault rules. */
  faults: FaultSpec[] = [];
  /** Graph requests per second allowed per app and tenant. */
  throttle: { requestsPerSecond: number } | null = null;

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
  async addTenant(spec: TenantSpec, baseDir = "."): Promise<EmulatedTenant> {
    if (!isObject(spec) || typeof spec.id !== "string" || !spec.id) {
      fail("tenants[].id", "required");
    }
    const cloud = getCloud(spec.cloud ?? "Global", "state.tenants[].cloud").name;
    const users = new Map<string, UserSpec>();
    for (const u of spec.users ?? []) {
      if (typeof u?.id !== "string") fail("tenants[].users[].id", "required");
      users.set(u.id.toLowerCase(), u);
    }
    const apps = new Map<string, AppSpec & { certificatePems: string[] }>();
    for (const app of spec.apps ?? []) {
      if (typeof app?.clientId !== "string") fail("tenants[].apps[].clientId", "required");
      const certificatePems: string[] = [];
      for (const c of app.certificates ?? []) {
        if (typeof c?.pem === "string") certificatePems.push(c.pem);
        else if (typeof c?.path === "string") {
          const path = isAbsolute(c.path) ? c.path : join(baseDir, c.path);
          certificatePems.push(await Deno.readTextFile(path));
        } else fail("tenants[].apps[].certificates[]", "needs pem or path");
      }
      apps.set(app.clientId.toLowerCase(), { ...app, certificatePems });
    }
    const calls = new Map<string, EmulatedCall>();
    for (const c of spec.calls ?? []) {
      if (typeof c?.id !== "string") fail("tenants[].calls[].id", "required");
      const participants = new Map<string, EmulatedParticipant>();
      for (const p of c.participants ?? []) {
        if (typeof p?.id !== "string") fail("tenants[].calls[].participants[].id", "required");
        participants.set(p.id, {
          id: p.id,
          identity: identityOf(p, users, spec.id),
          isMuted: p.isMuted ?? false,
          isInLobby: p.isInLobby ?? false,
        });
      }
      calls.set(c.id, { id: c.id, appId: c.appId, participants });
    }
    const tenant: EmulatedTenant = {
      id: spec.id,
      domains: spec.domains ?? [],
      cloud,
      allowRemoveParticipantAppIds: new Set(
        (spec.allowRemoveParticipantAppIds ?? []).map((a) => a.toLowerCase()),
      ),
      apps,
      users,
      calls,
    };
    this.tenants.set(spec.id.toLowerCase(), tenant);
    return tenant;
  }

  /** Finds a call in a tenant. */
  call(tenant: EmulatedTenant, callId: string): EmulatedCall | undefined {
    return tenant.calls.get(callId);
  }

  /** The live state as a plain object (admin API, tests). */
  snapshot(): EmulatorStateSpec {
    return {
      tenants: [...this.tenants.values()].map((t) => ({
        id: t.id,
        domains: t.domains,
        cloud: t.cloud,
        allowRemoveParticipantAppIds: [...t.allowRemoveParticipantAppIds],
        apps: [...t.apps.values()].map(({ certificatePems: _c, secrets: _s, ...app }) => app),
        users: [...t.users.values()],
        calls: [...t.calls.values()].map((c) => ({
          id: c.id,
          ...(c.appId ? { appId: c.appId } : {}),
          participants: [...c.participants.values()].map((p) => ({
            id: p.id,
            identity: p.identity,
            isMuted: p.isMuted,
            isInLobby: p.isInLobby,
          })),
        })),
      })),
      faults: this.faults,
      throttle: this.throttle,
    };
  }
}

/** Reads a state spec (object or file path) into a live model. */
export async function loadState(
  source: EmulatorStateSpec | string | undefined,
): Promise<EmulatorState> {
  const state = new EmulatorState();
  if (source === undefined) return state;
  let spec: unknown = source;
  let baseDir = ".";
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
    baseDir = dirname(source);
  }
  if (!isObject(spec) || !Array.isArray(spec.tenants)) fail("tenants", "must be an array");
  for (const t of spec.tenants as TenantSpec[]) await state.addTenant(t, baseDir);
  if (spec.faults !== undefined) {
    if (!Array.isArray(spec.faults)) fail("faults", "must be an array");
    state.faults = spec.faults as FaultSpec[];
  }
  if (isObject(spec.throttle)) {
    state.throttle = spec.throttle as { requestsPerSecond: number };
  }
  return state;
}
