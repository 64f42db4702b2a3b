/**
 * The emulator's admin API under `/_emulator/`: seed tenants, apps, users, meetings and calls,
 * read the state, set the tenant policy, faults, throttle, GitHub job and settings, admit a call
 * from a meeting's lobby, add a person to a live meeting, apply what is due (`tick`), and read or
 * clear the request log and the notification deliveries. JSON in, JSON out; errors as
 * `{"error": {"code", "message"}}`.
 *
 * It is open on a loopback bind. On any other bind it answers only when the emulator was given an
 * admin token, and then only to `Authorization: Bearer <token>` (on loopback too, once a token is
 * set).
 *
 * @module
 */

import { GraphcallError } from "../errors.ts";
import type { LoggedRequest } from "./request_log.ts";
import type { Delivery } from "./notifications.ts";
import {
  type AppSpec,
  type AttendeeSpec,
  type CallSpec,
  type EmulatedTenant,
  type EmulatorSettingsSpec,
  type EmulatorState,
  type FaultSpec,
  type GithubSpec,
  type MeetingSpec,
  parseFaults,
  parseGithub,
  parseSettings,
  parseThrottle,
  type TenantSpec,
  type UserSpec,
} from "./state.ts";

/** What the admin API acts on; the running emulator provides it. */
export interface AdminContext {
  /** The live state. */
  state: EmulatorState;
  /** The request log, oldest first. */
  requests(): readonly LoggedRequest[];
  /** Empties the request log. */
  clearRequests(): void;
  /** Replaces the fault rules. */
  setFaults(rules: FaultSpec[]): void;
  /** Replaces the throttle (null: no limit). */
  setThrottle(requestsPerSecond: number | null): void;
  /** Replaces the emulated GitHub job settings. */
  setGithub(github: GithubSpec): void;
  /** Changes the configurable assumptions. */
  setSettings(settings: EmulatorSettingsSpec): void;
  /** Adds or replaces a tenant. */
  seedTenant(spec: TenantSpec): Promise<void>;
  /** Adds or replaces a meeting (a replaced meeting's calls end). */
  addMeeting(tenant: EmulatedTenant, spec: MeetingSpec): void;
  /** Admits a call waiting in a lobby. */
  admit(tenant: EmulatedTenant, callId: string): "admitted" | "notFound" | "notWaiting";
  /** Adds a person to a live meeting; the participant id, or undefined for no such meeting. */
  addAttendee(
    tenant: EmulatedTenant,
    meetingId: string,
    attendee: AttendeeSpec,
  ): string | undefined;
  /** Applies every time-driven change due by the emulator's clock. */
  tick(): void;
  /** The notification deliveries, oldest first. */
  deliveries(): readonly Delivery[];
  /** Empties the delivery log. */
  clearDeliveries(): void;
  /** Whether the admin API answers at all (false on a public bind without a token). */
  enabled: boolean;
  /** The admin token, when one is required. */
  token: string | undefined;
}

const MAX_BODY = 5_000_000;

class AdminError extends Error {
  constructor(readonly status: number, readonly code: string, message: string) {
    super(message);
  }
}

function answer(status: number, body?: unknown): Response {
  if (body === undefined) return new Response(null, { status });
  return Response.json(body, { status, headers: { "cache-control": "no-store" } });
}

function adminError(status: number, code: string, message: string): Response {
  return answer(status, { error: { code, message } });
}

async function jsonBody(request: Request): Promise<unknown> {
  const type = request.headers.get("content-type") ?? "";
  if (!/^application\/json\b/i.test(type)) {
    throw new AdminError(415, "unsupportedMediaType", "Send the body as application/json.");
  }
  const text = await request.text();
  if (text.length > MAX_BODY) throw new AdminError(413, "tooLarge", "The body is too large.");
  try {
    return JSON.parse(text);
  } catch {
    throw new AdminError(400, "invalidJson", "The body is not valid JSON.");
  }
}

function timingSafeEqual(a: string, b: string): boolean {
  const x = new TextEncoder().encode(a);
  const y = new TextEncoder().encode(b);
  let diff = x.length ^ y.length;
  for (let i = 0; i < Math.max(x.length, y.length); i++) diff |= (x[i] ?? 0) ^ (y[i] ?? 0);
  return diff === 0;
}

function tenantOf(ctx: AdminContext, segment: string) {
  const tenant = ctx.state.tenant(segment);
  if (!tenant) throw new AdminError(404, "tenantNotFound", `No tenant '${segment}' is seeded.`);
  return tenant;
}

function listOf<T>(body: unknown): T[] {
  return (Array.isArray(body) ? body : [body]) as T[];
}

/** Handles a request under `/_emulator/`. */
export async function handleAdmin(
  ctx: AdminContext,
  request: Request,
  url: URL,
): Promise<Response> {
  if (!ctx.enabled) {
    return adminError(
      403,
      "adminDisabled",
      "The admin API is off on a non-loopback bind; start the emulator with an admin token.",
    );
  }
  if (ctx.token !== undefined) {
    const bearer = /^Bearer\s+(\S+)$/i.exec(request.headers.get("authorization") ?? "")?.[1];
    if (bearer === undefined || !timingSafeEqual(bearer, ctx.token)) {
      return adminError(401, "unauthorized", "Send the admin token as Authorization: Bearer.");
    }
  }
  try {
    return await dispatch(ctx, request, url);
  } catch (e) {
    if (e instanceof AdminError) return adminError(e.status, e.code, e.message);
    if (e instanceof GraphcallError) return adminError(400, "invalidInput", e.message);
    throw e;
  }
}

async function dispatch(ctx: AdminContext, request: Request, url: URL): Promise<Response> {
  const path = url.pathname.replace(/\/+$/, "");
  const method = request.method;
  let parts: string[];
  try {
    parts = path.split("/").slice(2).map(decodeURIComponent);
  } catch {
    throw new AdminError(400, "invalidPath", "The path is not valid.");
  }
  const [head, id, sub, subId, action] = parts;
  const route = `${method} ${head ?? ""}${id !== undefined ? "/:id" : ""}${sub ? `/${sub}` : ""}${
    subId !== undefined ? "/:sub" : ""
  }${action ? `/${action}` : ""}`;
  switch (route) {
    case "GET ":
      return answer(200, { routes: ADMIN_ROUTES });
    case "GET state":
      return answer(200, ctx.state.snapshot());
    case "GET requests":
      return answer(200, ctx.requests());
    case "DELETE requests":
      ctx.clearRequests();
      return answer(204);
    case "GET faults":
      return answer(200, ctx.state.faults);
    case "PUT faults": {
      const body = await jsonBody(request);
      ctx.setFaults(
        parseFaults(Array.isArray(body) ? body : (body as { faults?: unknown })?.faults),
      );
      return answer(200, ctx.state.faults);
    }
    case "DELETE faults":
      ctx.setFaults([]);
      return answer(204);
    case "PUT throttle": {
      const throttle = parseThrottle(await jsonBody(request));
      ctx.setThrottle(throttle?.requestsPerSecond ?? null);
      return answer(200, ctx.state.throttle);
    }
    case "DELETE throttle":
      ctx.setThrottle(null);
      return answer(204);
    case "PUT github": {
      ctx.setGithub(parseGithub(await jsonBody(request)));
      return answer(204);
    }
    case "PUT settings": {
      ctx.setSettings(parseSettings(await jsonBody(request)));
      return answer(200, ctx.state.settings);
    }
    case "POST tick":
      await request.body?.cancel();
      ctx.tick();
      return answer(204);
    case "GET notifications":
      return answer(200, ctx.deliveries());
    case "DELETE notifications":
      ctx.clearDeliveries();
      return answer(204);
    case "POST tenants": {
      const specs = listOf<TenantSpec>(await jsonBody(request));
      for (const spec of specs) await ctx.seedTenant(spec);
      return answer(201, { tenants: specs.map((s) => s.id) });
    }
    case "GET tenants/:id": {
      const tenant = tenantOf(ctx, id!);
      return answer(200, ctx.state.snapshot().tenants.find((t) => t.id === tenant.id));
    }
    case "DELETE tenants/:id":
      tenantOf(ctx, id!);
      ctx.state.removeTenant(id!);
      return answer(204);
    case "PUT tenants/:id/policy": {
      const tenant = tenantOf(ctx, id!);
      const body = await jsonBody(request) as { allowRemoveParticipantAppIds?: unknown } | null;
      const ids = Array.isArray(body) ? body : body?.allowRemoveParticipantAppIds;
      ctx.state.setPolicy(tenant, ids as string[]);
      return answer(200, {
        allowRemoveParticipantAppIds: [...tenant.allowRemoveParticipantAppIds],
      });
    }
    case "POST tenants/:id/apps": {
      const tenant = tenantOf(ctx, id!);
      const apps = listOf<AppSpec>(await jsonBody(request));
      for (const app of apps) await ctx.state.addApp(tenant, app);
      return answer(201, { apps: apps.map((a) => a.clientId) });
    }
    case "POST tenants/:id/users": {
      const tenant = tenantOf(ctx, id!);
      const users = listOf<UserSpec>(await jsonBody(request));
      for (const user of users) ctx.state.addUser(tenant, user);
      return answer(201, { users: users.map((u) => u.id) });
    }
    case "POST tenants/:id/calls": {
      const tenant = tenantOf(ctx, id!);
      const calls = listOf<CallSpec>(await jsonBody(request));
      for (const call of calls) ctx.state.addCall(tenant, call);
      return answer(201, { calls: calls.map((c) => c.id) });
    }
    case "POST tenants/:id/meetings": {
      const tenant = tenantOf(ctx, id!);
      const meetings = listOf<MeetingSpec>(await jsonBody(request));
      for (const meeting of meetings) ctx.addMeeting(tenant, meeting);
      return answer(201, { meetings: meetings.map((m) => m.id) });
    }
    case "POST tenants/:id/meetings/:sub/attendees": {
      const tenant = tenantOf(ctx, id!);
      const participantId = ctx.addAttendee(
        tenant,
        subId!,
        await jsonBody(request) as AttendeeSpec,
      );
      if (participantId === undefined) {
        throw new AdminError(404, "meetingNotFound", `No meeting '${subId}' is seeded.`);
      }
      return answer(201, { participantId });
    }
    case "POST tenants/:id/calls/:sub/admit": {
      const tenant = tenantOf(ctx, id!);
      await request.body?.cancel();
      const outcome = ctx.admit(tenant, subId!);
      if (outcome === "notFound") {
        throw new AdminError(404, "callNotFound", `No call '${subId}' in this tenant.`);
      }
      if (outcome === "notWaiting") {
        throw new AdminError(409, "notInLobby", `Call '${subId}' is not waiting in a lobby.`);
      }
      return answer(204);
    }
  }
  throw new AdminError(404, "routeNotFound", `No admin route ${method} ${path}.`);
}

/** The admin routes, as `GET /_emulator` lists them. */
export const ADMIN_ROUTES: readonly string[] = Object.freeze([
  "GET /_emulator/state",
  "GET /_emulator/requests",
  "DELETE /_emulator/requests",
  "GET|PUT|DELETE /_emulator/faults",
  "PUT|DELETE /_emulator/throttle",
  "PUT /_emulator/github",
  "PUT /_emulator/settings",
  "POST /_emulator/tenants",
  "GET|DELETE /_emulator/tenants/{id}",
  "PUT /_emulator/tenants/{id}/policy",
  "POST /_emulator/tenants/{id}/apps",
  "POST /_emulator/tenants/{id}/users",
  "POST /_emulator/tenants/{id}/calls",
  "POST /_emulator/tenants/{id}/meetings",
  "POST /_emulator/tenants/{id}/meetings/{meetingId}/attendees",
  "POST /_emulator/tenants/{id}/calls/{callId}/admit",
  "POST /_emulator/tick",
  "GET|DELETE /_emulator/notifications",
  "GET /_emulator/notifications/jwks",
]);
