/**
 * One call's participants: remove (drop an active participant, or cancel a pending invitation).
 *
 * @module
 */

import type { GraphHttp } from "./graph_http.ts";
import { checkId } from "./ids.ts";

/** Options for {@link CallHandle.remove}. */
export interface RemoveOptions {
  /** Sent as `If-Match`. */
  ifMatch?: string;
  /** Extra request headers. */
  headers?: Record<string, string>;
  /** Abort signal. */
  signal?: AbortSignal;
}

/** The outcome of a removal. */
export interface RemoveResult {
  /** The call id. */
  callId: string;
  /** The participant id. */
  participantId: string;
  /** HTTP status Graph answered (204). */
  status: number;
  /** True when the participant was already gone after a lost response (see the README). */
  alreadyRemoved: boolean;
  /** Graph's request-id of the response. */
  requestId: string | undefined;
  /** The client-request-id graphcall sent. */
  clientRequestId: string;
  /** The response's Date. */
  date: string | undefined;
}

/** A participant as Graph returns it (unknown keys are kept). */
export interface Participant {
  /** The id. */
  id: string;
  /** The info. */
  info?: {
    identity?: Record<string, { id?: string; displayName?: string } | null | undefined>;
    [key: string]: unknown;
  };
  /** Whether the participant is muted. */
  isMuted?: boolean;
  /** Whether the participant waits in the lobby. */
  isInLobby?: boolean;
  /** The value. */
  [key: string]: unknown;
}

/** A handle on one call. Make it with `client.call(id)`. */
export class CallHandle {
  /** The call id. */
  readonly id: string;
  readonly #http: GraphHttp;

  /** Creates the handle. */
  constructor(http: GraphHttp, callId: string) {
    this.id = checkId(callId, "callId");
    this.#http = http;
  }

  #participantPath(participantId: string): string {
    return `/communications/calls/${encodeURIComponent(this.id)}/participants/${
      encodeURIComponent(participantId)
    }`;
  }

  /** Lists the call's participants, following `@odata.nextLink`. */
  async *participants(options: { signal?: AbortSignal } = {}): AsyncGenerator<Participant> {
    let path: string | undefined = `/communications/calls/${
      encodeURIComponent(this.id)
    }/participants`;
    while (path) {
      const response: { body: { value?: Participant[]; "@odata.nextLink"?: string } } = await this
        .#http.send({ method: "GET", path, ...(options.signal ? { signal: options.signal } : {}) });
      for (const p of response.body.value ?? []) yield p;
      const next = response.body["@odata.nextLink"];
      path = next ? this.#http.relativePath(next) : undefined;
    }
  }

  /**
   * Removes a participant: an active one is dropped at once; an invited one who has not joined
   * has the invitation cancelled. Graph answers 204.
   */
  async remove(participantId: string, options: RemoveOptions = {}): Promise<RemoveResult> {
    const pid = checkId(participantId, "participantId");
    const headers: Record<string, string> = { ...options.headers };
    if (options.ifMatch) headers["if-match"] = options.ifMatch;
    const response = await this.#http.send({
      method: "DELETE",
      path: this.#participantPath(pid),
      headers,
      ...(options.signal ? { signal: options.signal } : {}),
    });
    return {
      callId: this.id,
      participantId: pid,
      status: response.status,
      alreadyRemoved: false,
      requestId: response.requestId,
      clientRequestId: response.clientRequestId,
      date: response.date,
    };
  }
}
