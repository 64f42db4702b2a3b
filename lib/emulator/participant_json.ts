/**
 * A participant as Graph shows it (`#microsoft.graph.participant`): in lists, on GET, and in
 * roster notifications. `mediaStreams` carries one audio stream whose `serverMuted` shows a
 * server mute (the mute action).
 *
 * @module
 */

import type { EmulatedParticipant } from "./state.ts";

/** The participant resource of a live participant. */
export function participantJson(p: EmulatedParticipant, sequence: number): Record<string, unknown> {
  return {
    "@odata.type": "#microsoft.graph.participant",
    id: p.id,
    info: { identity: p.identity, endpointType: "default", participantId: p.id },
    isInLobby: p.isInLobby,
    isMuted: p.isMuted,
    mediaStreams: [{
      "@odata.type": "#microsoft.graph.mediaStream",
      mediaType: "audio",
      label: "main-audio",
      sourceId: "1",
      direction: "sendReceive",
      serverMuted: p.serverMuted === true,
    }],
    metadata: null,
    recordingInfo: null,
    removedState: null,
    restrictedExperience: null,
    rosterSequenceNumber: sequence,
  };
}
