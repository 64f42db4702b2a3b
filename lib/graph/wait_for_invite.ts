/**
 * Waiting for an invitation to end: polls the invite operation
 * (`GET .../operations/{id}`) until its status is `completed` or `failed` (compared
 * case-insensitively: the docs print `Running`), or the time runs out. Where the operation
 * cannot be read (404: whether Graph keeps finished operations readable is UNCONFIRMED), it polls
 * the roster for the invitees' participant ids instead. Waits use the pipeline's injectable clock.
 *
 * @module
 */

import { GraphError } from "../errors.ts";
import type { GraphHttp, ResponseMeta } from "./graph_http.ts";
import type { InviteParticipantsOperation, InviteResult, ResultInfo } from "./invite.ts";
import { checkId } from "./ids.ts";
import { sendOperation } from "./run_operation.ts";

/** Options for `call.waitForInvite()`. */
export interface WaitForInviteOptions {
  /** Time between polls, ms. Default 1000. */
  pollIntervalMs?: number;
  /** Give up after this long, ms. Default 90 000 (Graph takes about 60 s to fail an unanswered call). */
  timeoutMs?: number;
  /** Abort signal. */
  signal?: AbortSignal;
}

/** How an invitation ended. */
export interface WaitForInviteResult extends Partial<ResponseMeta> {
  /** `completed`, `failed`, or `timedOut` when the wait ran out first. */
  status: "completed" | "failed" | "timedOut";
  /** The last operation read (absent when the roster was polled instead). */
  operation?: InviteParticipantsOperation;
  /** The operation's resultInfo: why it failed (decline, no answer, cancelled). */
  resultInfo?: ResultInfo | null;
  /** Where the answer came from. */
  via: "operation" | "roster";
  /** Polls made. */
  polls: number;
}

/** Waits for an invitation made by `call.invite()` (or an operation id) to end. */
export async function waitForInvite(
  http: GraphHttp,
  callId: string,
  invitation: InviteResult | string,
  options: WaitForInviteOptions = {},
): Promise<WaitForInviteResult> {
  const opId = checkId(
    typeof invitation === "string" ? invitation : invitation.operationId,
    "operationId",
  );
  const participantIds = typeof invitation === "string"
    ? []
    : invitation.participants.map((p) => p.participantId).filter((p): p is string => !!p);
  const interval = Math.max(0, options.pollIntervalMs ?? 1000);
  const deadline = http.now() + (options.timeoutMs ?? 90_000);
  const call = checkId(callId, "callId");
  const signal = options.signal ? { signal: options.signal } : {};
  let via: "operation" | "roster" = "operation";
  let polls = 0;
  let last: InviteParticipantsOperation | undefined;
  let meta: Partial<ResponseMeta> = {};
  while (true) {
    polls++;
    if (via === "operation") {
      try {
        const r = await sendOperation<InviteParticipantsOperation>(http, {
          name: "getOperation",
          params: { callId: call, operationId: opId },
          ...signal,
        });
        const body = r.response.body;
        last = body;
        meta = { requestId: r.requestId, clientRequestId: r.clientRequestId, date: r.date };
        const status = String(body?.status ?? "").toLowerCase();
        if (status === "completed" || status === "failed") {
          return {
            status,
            operation: body,
            resultInfo: body.resultInfo ?? null,
            via,
            polls,
            ...meta,
          };
        }
      } catch (e) {
        if (!(e instanceof GraphError && e.code === "not_found" && participantIds.length > 0)) {
          throw e;
        }
        via = "roster";
      }
    }
    if (via === "roster") {
      let joined = 0;
      for (const pid of participantIds) {
        try {
          const r = await sendOperation(http, {
            name: "get",
            params: { callId: call, participantId: pid },
            ...signal,
          });
          meta = { requestId: r.requestId, clientRequestId: r.clientRequestId, date: r.date };
          joined++;
        } catch (e) {
          if (!(e instanceof GraphError && e.code === "not_found")) throw e;
        }
      }
      if (joined === participantIds.length) return { status: "completed", via, polls, ...meta };
    }
    if (http.now() + interval > deadline) {
      return {
        status: "timedOut",
        ...(last ? { operation: last, resultInfo: last.resultInfo ?? null } : {}),
        via,
        polls,
        ...meta,
      };
    }
    await http.sleep(interval, options.signal);
  }
}
