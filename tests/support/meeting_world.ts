/**
 * A tenant with meetings for the emulator's meeting tests, and plain-HTTP helpers: tokens come
 * from the token endpoint with a client secret and Graph is called with fetch, so no graphcall
 * client code is on the request side.
 */

import { type Emulator, startEmulator } from "../../lib/emulator/mod.ts";
import type { EmulatorOptions } from "../../lib/emulator/mod.ts";
import type { TenantSpec } from "../../lib/emulator/state.ts";
import { type FakeClock, fakeClock } from "./graph_fixtures.ts";

/** Ids of the meeting world (made up). */
export const M = Object.freeze({
  tenantId: "72f988bf-86f1-41af-91ab-2d7cd011db47",
  botA: "0b5e8a21-6c4f-4d2e-9a57-3f1c2d8e7b60",
  botB: "9d4c7b12-1f0e-4a8b-b3c2-5e6f7a8b9c0d",
  noRoles: "3c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f",
  mediaBot: "4d2e3f4a-5b6c-4d7e-9f8a-0b1c2d3e4f5a",
  organizer: "5b2c1a9e-0e5f-4f7a-9d39-6f1e2a3b4c5d",
  adele: "278405a3-f568-4b3e-b684-009193463064",
  guestUser: "8e7d6c5b-4a39-4281-9f0e-1d2c3b4a5968",
  dollarUser: "a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d",
  adeleParticipant: "a7ebfb2d-871e-419c-87af-27290b22e8db",
  phoneParticipant: "2c8d5c7e-3c0b-4b57-9f5e-9f0e2a7d1b44",
  guestParticipant: "c0ffee00-0000-4000-8000-000000000002",
  threadId: "19:meeting_NjA2MzY5ZWQtZmU4Ni00@thread.v2",
  joinMeetingId: "2414128301281",
  passcode: "NzhDLMLT8b07DrkwkE",
  lobbyThreadId: "19:meeting_bG9iYnlyb29tLWxvYmJ5@thread.v2",
  secret: "emulator-only-secret",
});

const CALL_ROLES = ["Calls.JoinGroupCall.All", "Calls.InitiateGroupCall.All", "Calls.Initiate.All"];

/** The tenant: two bots, a bot without roles, users, an open meeting and a lobby meeting. */
export function meetingTenant(overrides: Partial<TenantSpec> = {}): TenantSpec {
  return {
    id: M.tenantId,
    domains: ["contoso.onmicrosoft.com"],
    allowRemoveParticipantAppIds: [M.botA, M.botB],
    apps: [
      {
        clientId: M.botA,
        displayName: "Meeting bot A",
        roles: [...CALL_ROLES, "User.Read.All"],
        secrets: [{ value: M.secret }],
      },
      {
        clientId: M.botB,
        displayName: "Meeting bot B",
        roles: [...CALL_ROLES],
        secrets: [{ value: M.secret }],
      },
      { clientId: M.noRoles, displayName: "No roles", secrets: [{ value: M.secret }] },
      {
        clientId: M.mediaBot,
        displayName: "Media bot",
        roles: [...CALL_ROLES, "Calls.AccessMedia.All"],
        secrets: [{ value: M.secret }],
      },
    ],
    users: [
      {
        id: M.organizer,
        displayName: "Olga Organizer",
        userPrincipalName: "olga@contoso.onmicrosoft.com",
        mail: "olga@contoso.com",
      },
      {
        id: M.adele,
        displayName: "Adele Vance",
        userPrincipalName: "adele@contoso.onmicrosoft.com",
        mail: "adele@contoso.com",
      },
      {
        id: M.guestUser,
        displayName: "Gus Guest",
        userPrincipalName: "gus_fabrikam.com#EXT#@contoso.onmicrosoft.com",
        mail: "gus@fabrikam.com",
      },
      {
        id: M.dollarUser,
        displayName: "Dollar Dan",
        userPrincipalName: "$dan@contoso.onmicrosoft.com",
      },
    ],
    meetings: [
      {
        id: "allhands",
        organizer: M.organizer,
        subject: "All hands",
        threadId: M.threadId,
        joinMeetingId: M.joinMeetingId,
        passcode: M.passcode,
        lobby: "open",
        attendees: [
          { id: M.adeleParticipant, user: M.adele },
          { id: M.phoneParticipant, identity: { phone: { id: "+14255550100" } } },
          {
            id: M.guestParticipant,
            identity: {
              guest: { id: "c0ffee00-0000-4000-8000-000000000001", displayName: "Visitor" },
            },
          },
        ],
      },
      {
        id: "lobbyroom",
        organizer: M.organizer,
        threadId: M.lobbyThreadId,
        joinMeetingId: "9988776655443",
        lobby: "lobby",
        attendees: [{ user: M.adele }],
      },
    ],
    ...overrides,
  };
}

/** An emulator with the meeting tenant on a fake clock. */
export async function startMeetingWorld(
  options: EmulatorOptions & { tenant?: Partial<TenantSpec> } = {},
): Promise<{ emulator: Emulator; clock: FakeClock } & AsyncDisposable> {
  const clock = fakeClock();
  const emulator = await startEmulator({
    clock: clock.now,
    joinDelayMs: 100,
    // Tests move the clock by hours; the tokens outlive that.
    tokenLifetimeSeconds: 7 * 86_400,
    ...options,
    state: { tenants: [meetingTenant(options.tenant)] },
  });
  return { emulator, clock, [Symbol.asyncDispose]: () => emulator.close() };
}

/** A Graph token for an app, from the token endpoint with its client secret (plain HTTP). */
export async function secretToken(emulator: Emulator, clientId: string): Promise<string> {
  const r = await fetch(`${emulator.authorityUrl}/${M.tenantId}/oauth2/v2.0/token`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({
      client_id: clientId,
      client_secret: M.secret,
      grant_type: "client_credentials",
      scope: "https://graph.microsoft.com/.default",
    }),
  });
  const body = await r.json();
  if (r.status !== 200) throw new Error(`token request failed: ${r.status} ${body.error}`);
  return body.access_token;
}

/** A plain Graph request; the body is sent as JSON. */
export function graph(
  emulator: Emulator,
  method: string,
  path: string,
  token: string | undefined,
  body?: unknown,
): Promise<Response> {
  const headers: Record<string, string> = {};
  if (token) headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers["content-type"] = "application/json";
  return fetch(`${emulator.graphUrl}/v1.0${path}`, {
    method,
    headers,
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
}

/** The docs' Example 5 body: join by organizer + thread, service-hosted media. */
export function joinByOrganizer(
  extra: Record<string, unknown> = {},
  threadId: string = M.threadId,
): Record<string, unknown> {
  return {
    "@odata.type": "#microsoft.graph.call",
    callbackUri: "https://bot.contoso.com/callback",
    requestedModalities: ["audio"],
    mediaConfig: { "@odata.type": "#microsoft.graph.serviceHostedMediaConfig", preFetchMedia: [] },
    chatInfo: { "@odata.type": "#microsoft.graph.chatInfo", threadId, messageId: "0" },
    meetingInfo: {
      "@odata.type": "#microsoft.graph.organizerMeetingInfo",
      organizer: {
        "@odata.type": "#microsoft.graph.identitySet",
        user: {
          "@odata.type": "#microsoft.graph.identity",
          id: M.organizer,
          tenantId: M.tenantId,
        },
      },
      allowConversationWithoutHost: true,
    },
    tenantId: M.tenantId,
    ...extra,
  };
}

/** The docs' Example 7 body: join by meeting id + passcode. */
export function joinByMeetingId(
  passcode: string | null = M.passcode,
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    "@odata.type": "#microsoft.graph.call",
    callbackUri: "https://bot.contoso.com/callback",
    requestedModalities: ["audio"],
    mediaConfig: { "@odata.type": "#microsoft.graph.serviceHostedMediaConfig" },
    meetingInfo: {
      "@odata.type": "#microsoft.graph.joinMeetingIdMeetingInfo",
      joinMeetingId: M.joinMeetingId,
      passcode,
    },
    tenantId: M.tenantId,
    ...extra,
  };
}

/** Joins as an app and returns the call (201 checked). */
export async function join(
  emulator: Emulator,
  token: string,
  body: Record<string, unknown> = joinByOrganizer(),
): Promise<{ id: string; myParticipantId: string; state: string }> {
  const r = await graph(emulator, "POST", "/communications/calls", token, body);
  const call = await r.json();
  if (r.status !== 201) throw new Error(`join failed: ${r.status} ${JSON.stringify(call)}`);
  return call;
}

/** The participant ids a call lists. */
export async function rosterIds(
  emulator: Emulator,
  token: string,
  callId: string,
): Promise<string[]> {
  const r = await graph(emulator, "GET", `/communications/calls/${callId}/participants`, token);
  if (r.status !== 200) throw new Error(`list failed: ${r.status} ${await r.text()}`);
  return (await r.json()).value.map((p: { id: string }) => p.id);
}

/** The state a call reports. */
export async function callState(
  emulator: Emulator,
  token: string,
  callId: string,
): Promise<number | string> {
  const r = await graph(emulator, "GET", `/communications/calls/${callId}`, token);
  if (r.status !== 200) {
    await r.body?.cancel();
    return r.status;
  }
  return (await r.json()).state;
}
