/**
 * A call as Graph shows it (`#microsoft.graph.call`): the answer to a join and to
 * `GET /communications/calls/{id}`, and the `resourceData` of call-state notifications.
 *
 * @module
 */

import type { EmulatedCall, EmulatedTenant } from "./state.ts";

/** The call resource of a live call. */
export function callJson(call: EmulatedCall, tenant: EmulatedTenant): Record<string, unknown> {
  const life = call.life;
  const echo = life?.echo ?? {};
  const appId = call.appId ?? "";
  const app = tenant.apps.get(appId.toLowerCase());
  const state = life?.state ?? "established";
  const modalities = Array.isArray(echo.requestedModalities) ? echo.requestedModalities : ["audio"];
  return {
    "@odata.type": "#microsoft.graph.call",
    id: call.id,
    state,
    direction: "outgoing",
    callbackUri: life?.callbackUri ?? null,
    callChainId: life?.chainId ?? null,
    myParticipantId: life?.myParticipantId ?? null,
    tenantId: tenant.id,
    subject: echo.subject ?? null,
    requestedModalities: modalities,
    activeModalities: state === "established" ? modalities : [],
    mediaConfig: echo.mediaConfig ?? null,
    chatInfo: echo.chatInfo ?? null,
    meetingInfo: echo.meetingInfo ?? null,
    callOptions: echo.callOptions ?? null,
    source: {
      "@odata.type": "#microsoft.graph.participantInfo",
      identity: {
        "@odata.type": "#microsoft.graph.identitySet",
        application: {
          "@odata.type": "#microsoft.graph.identity",
          id: app?.clientId ?? appId,
          displayName: app?.displayName ?? null,
        },
      },
      endpointType: null,
      region: null,
      languageId: null,
    },
    targets: [],
    resultInfo: life?.resultInfo ?? null,
    answeredBy: null,
    incomingContext: null,
    mediaState: null,
    toneInfo: null,
    transcription: null,
  };
}
