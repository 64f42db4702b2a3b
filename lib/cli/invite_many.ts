/**
 * Bulk invitation: one `invite` request per invitee, with bounded concurrency, so that each
 * invitee has its own outcome (`invited`, `failed`, `notStarted`) that a journal can record and a
 * resumed run can skip. Each invitee's participant id is chosen before the run (and kept in the
 * journal), so a resumed run invites under the same id and the invitation can be cancelled with
 * `participant remove`.
 *
 * Like bulk removal: after an error that would fail every other item too (`policy_denied`,
 * `permission_missing`, `unauthenticated`, `not_supported`), no new request starts and the rest
 * fail with it; when `stop` fires, no new request starts, those in flight finish, and the rest
 * are `notStarted`.
 *
 * @module
 */

import { GraphcallError, GraphError } from "../errors.ts";
import type { CallHandle } from "../graph/call.ts";
import type { IdentitySet } from "../graph/identities.ts";

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

const FATAL = new Set(["policy_denied", "permission_missing", "unauthenticated", "not_supported"]);

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
  const concurrency = Math.max(1, Math.min(64, options.concurrency ?? 4));
  const results: InvitationResult[] = new Array(invitations.length);
  let next = 0;
  let done = 0;
  let fatal: GraphcallError | undefined;
  const finish = (index: number, result: InvitationResult) => {
    results[index] = result;
    done++;
    options.onProgress?.({ done, total: invitations.length, item: result });
  };
  const worker = async () => {
    while (true) {
      const index = next++;
      if (index >= invitations.length) return;
      const invitation = invitations[index]!;
      if (fatal) {
        finish(index, { ...invitation, outcome: "failed", error: fatal });
        continue;
      }
      if (options.stop?.aborted) {
        finish(index, { ...invitation, outcome: "notStarted" });
        continue;
      }
      try {
        const r = await call.invite([invitation.identity], {
          participantId: invitation.participantId,
          ...(options.clientContext !== undefined ? { clientContext: options.clientContext } : {}),
          ...(options.hidden !== undefined ? { hidden: options.hidden } : {}),
          ...(options.headers ? { headers: options.headers } : {}),
          ...(options.signal ? { signal: options.signal } : {}),
        });
        finish(index, {
          ...invitation,
          outcome: "invited",
          operationId: r.operationId,
          ...(r.requestId ? { requestId: r.requestId } : {}),
          clientRequestId: r.clientRequestId,
        });
      } catch (e) {
        const error = e instanceof GraphcallError
          ? e
          : new GraphcallError("internal", String(e), { cause: e });
        if (FATAL.has(error.code)) fatal ??= error;
        finish(index, {
          ...invitation,
          outcome: "failed",
          error,
          ...(error instanceof GraphError && error.requestId ? { requestId: error.requestId } : {}),
          ...(error instanceof GraphError && error.clientRequestId
            ? { clientRequestId: error.clientRequestId }
            : {}),
        });
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, invitations.length) }, worker));
  return results;
}
