/**
 * Bulk invitation: one `invite` request per invitee, with bounded concurrency, so that each
 * invitee has its own outcome (`invited`, `failed`, `notStarted`) that a journal can record and a
 * resumed run can skip. Each invitee's participant id is chosen before the run (and kept in the
 * journal), so a resumed run invites under the same id and the invitation can be cancelled with
 * `participant remove`.
 *
 * It runs on the worker pool bulk removal uses (worker_pool.ts): the same bound, the same fatal
 * errors after which no new request starts, and the same `stop` (no new request; those in flight
 * finish; the rest are `notStarted`).
 *
 * @module
 */

import { type GraphcallError, GraphError } from "../errors.ts";
import type { CallHandle } from "./call.ts";
import type { IdentitySet } from "./identities.ts";
import { runPool } from "./worker_pool.ts";

/** One invitee. */
export interface Invitation {
  /** The participant id the invitee gets. */
  participantId: string;
  /** Who. */
  identity: IdentitySet;
}

/** What happened to one invitee. */
export interface InvitationResult extends Invitation {
  /** `invited` (Graph accepted the invitation), `failed` or `notStarted`. */
  outcome: "invited" | "failed" | "notStarted";
  /** The invite operation id. */
  operationId?: string;
  /** Graph's request-id. */
  requestId?: string;
  /** The client-request-id sent. */
  clientRequestId?: string;
  /** Why it failed. */
  error?: GraphcallError;
}

/** Options of {@link inviteMany}. */
export interface InviteManyOptions {
  /** Requests in flight at most (1 to 64, default 4). */
  concurrency?: number;
  /** Echoed in each operation. */
  clientContext?: string;
  /** Hide the invitees from the roster. */
  hidden?: boolean;
  /** Extra request headers. */
  headers?: Record<string, string>;
  /** Aborts requests in flight. */
  signal?: AbortSignal;
  /** Stops starting new invitations; those in flight finish. */
  stop?: AbortSignal;
  /** Called after each invitee. */
  onProgress?: (progress: { done: number; total: number; item: InvitationResult }) => void;
}

/**
 * Invites each invitee with its own request; every invitee is accounted for once, in order.
 *
 * @example Invite three users, one request each
 * ```ts ignore
 * const results = await inviteMany(graph.call(callId), [
 *   { participantId: crypto.randomUUID(), identity: user(oid) },
 * ], { concurrency: 4 });
 * ```
 */
export async function inviteMany(
  call: CallHandle,
  invitations: readonly Invitation[],
  options: InviteManyOptions = {},
): Promise<InvitationResult[]> {
  return await runPool<Invitation, InvitationResult>(
    invitations,
    async (invitation) => {
      const r = await call.invite([invitation.identity], {
        participantId: invitation.participantId,
        ...(options.clientContext !== undefined ? { clientContext: options.clientContext } : {}),
        ...(options.hidden !== undefined ? { hidden: options.hidden } : {}),
        ...(options.headers ? { headers: options.headers } : {}),
        ...(options.signal ? { signal: options.signal } : {}),
      });
      return {
        ...invitation,
        outcome: "invited",
        operationId: r.operationId,
        ...(r.requestId ? { requestId: r.requestId } : {}),
        clientRequestId: r.clientRequestId,
      };
    },
    {
      ...(options.concurrency !== undefined ? { concurrency: options.concurrency } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
      ...(options.stop ? { stop: options.stop } : {}),
      failed: (invitation, error) => ({
        ...invitation,
        outcome: "failed",
        error,
        ...(error instanceof GraphError && error.requestId ? { requestId: error.requestId } : {}),
        ...(error instanceof GraphError && error.clientRequestId
          ? { clientRequestId: error.clientRequestId }
          : {}),
      }),
      notStarted: (invitation) => ({ ...invitation, outcome: "notStarted" }),
      ...(options.onProgress ? { onDone: options.onProgress } : {}),
    },
  );
}
