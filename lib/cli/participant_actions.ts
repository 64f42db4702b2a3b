/**
 * The participant operations as the CLI calls them, on top of lib/graph: {@link bulkRemove} and
 * {@link bulkInvite} run `removeMany` / `inviteMany` inside {@link runBulk} (journal, resume,
 * SIGINT); they connect only when there is work left (a finished journal resumes without a
 * credential). Results become CLI items here.
 *
 * @module
 */

import type { GraphClient } from "../graph/connect.ts";
import type { Participant } from "../graph/call.ts";
import type { BulkItemResult } from "../graph/bulk_result.ts";
import { exitCodeFor, GraphError } from "../errors.ts";
import type { Interrupt } from "./interrupt.ts";
import type { Io } from "./io.ts";
import { errorDocument } from "./render.ts";
import { type BulkItem, type BulkRunOptions, type BulkRunResult, runBulk } from "./bulk_run.ts";
import type { Invitation, InvitationResult } from "../graph/invite_many.ts";

/** A library error as the CLI reports it in an item. */
function errorFields(e: unknown): Pick<BulkItem, "error" | "exitCode"> {
  return { error: errorDocument(e).error, exitCode: exitCodeFor(e) };
}

/** A removal result as a CLI item. */
export function removalItem(r: BulkItemResult): BulkItem {
  return {
    participantId: r.participantId,
    outcome: r.outcome,
    ok: r.outcome === "removed" || r.outcome === "alreadyGone",
    ...(r.requestId ? { requestId: r.requestId } : {}),
    ...(r.clientRequestId ? { clientRequestId: r.clientRequestId } : {}),
    ...(r.outcome === "failed" && r.error ? errorFields(r.error) : {}),
  };
}

/**
 * Graph's answers to an invitation sent again under the same participant id, when the first one
 * reached Graph before the run was killed: the participant is already invited or in the call.
 * The emulator answers 409 Conflict; what Graph answers is UNCONFIRMED (docs/cli-output.md).
 */
export const ALREADY_INVITED_STATUSES: ReadonlySet<number> = new Set([409]);

/**
 * An invitation result as a CLI item. In a resumed run, an invitation refused as already
 * invited or in the call counts as done (`alreadyInvited`): an earlier run's request reached
 * Graph before it was stopped.
 */
export function invitationItem(r: InvitationResult, options: { resumed?: boolean } = {}): BulkItem {
  const already = options.resumed === true && r.outcome === "failed" &&
    r.error instanceof GraphError && ALREADY_INVITED_STATUSES.has(r.error.status);
  if (already) {
    return {
      participantId: r.participantId,
      outcome: "alreadyInvited",
      ok: true,
      ...(r.requestId ? { requestId: r.requestId } : {}),
      ...(r.clientRequestId ? { clientRequestId: r.clientRequestId } : {}),
    };
  }
  return {
    participantId: r.participantId,
    outcome: r.outcome,
    ok: r.outcome === "invited",
    ...(r.operationId ? { operationId: r.operationId } : {}),
    ...(r.requestId ? { requestId: r.requestId } : {}),
    ...(r.clientRequestId ? { clientRequestId: r.clientRequestId } : {}),
    ...(r.outcome === "failed" && r.error ? errorFields(r.error) : {}),
  };
}

/** What both bulk operations share. */
type BulkCommon = Omit<BulkRunOptions, "work" | "command" | "inputs" | "keys" | "settings">;

/** Removes participants with `removeMany`, journaled and interruptible. */
export async function bulkRemove(
  client: () => Promise<GraphClient>,
  ids: readonly string[],
  options: BulkCommon & { concurrency: number; batch: boolean },
): Promise<BulkRunResult> {
  const { concurrency, batch, ...common } = options;
  return await runBulk({
    ...common,
    command: "participant remove",
    inputs: [...ids],
    keys: [...ids],
    work: async (indices, control) => {
      const r = await (await client()).call(options.callId).removeMany(
        indices.map((i) => ids[i]!),
        {
          concurrency,
          ...(batch ? { batch: true } : {}),
          stop: control.stop,
          signal: control.abort,
          onProgress: ({ item }) => control.onItem(removalItem(item)),
        },
      );
      return r.items.map(removalItem);
    },
  });
}

/**
 * `--all-except-self` without a journal: the library's `removeAllExcept` (lists the roster, keeps
 * the app's own participant), interruptible like the other bulk runs.
 */
export async function removeAllExceptSelf(
  client: GraphClient,
  callId: string,
  options: {
    io: Io;
    concurrency: number;
    batch: boolean;
    onItem?: (item: BulkItem) => void;
    listenForInterrupt?: () => Interrupt;
  },
): Promise<BulkRunResult & { kept: string[] }> {
  const { listenForInterrupt } = await import("./interrupt.ts");
  const { countOutcomes } = await import("./bulk_run.ts");
  using interrupt = options.listenForInterrupt?.() ?? listenForInterrupt(options.io);
  const r = await client.call(callId).removeAllExcept({
    concurrency: options.concurrency,
    ...(options.batch ? { batch: true } : {}),
    stop: interrupt.stop,
    signal: interrupt.abort,
    onProgress: ({ item }) => options.onItem?.(removalItem(item)),
  });
  const items = r.items.map(removalItem);
  const interrupted = interrupt.received;
  return {
    items,
    counts: countOutcomes(items),
    ...(interrupted ? { interrupted } : {}),
    earlier: 0,
    kept: r.kept,
  };
}

/** Invites one request per invitee with `inviteMany`, journaled and interruptible. */
export async function bulkInvite(
  client: () => Promise<GraphClient>,
  invitations: readonly Invitation[],
  options: BulkCommon & {
    concurrency: number;
    clientContext?: string;
    hidden?: boolean;
    headers?: Record<string, string>;
  },
): Promise<BulkRunResult> {
  const { concurrency, clientContext, hidden, headers, ...common } = options;
  const { inviteMany } = await import("../graph/invite_many.ts");
  const resumed = options.resume !== undefined;
  return await runBulk({
    ...common,
    command: "participant invite",
    inputs: [...invitations],
    keys: invitations.map((i) => i.participantId),
    settings: {
      ...(clientContext !== undefined ? { clientContext } : {}),
      ...(hidden ? { hidden } : {}),
    },
    work: async (indices, control) => {
      const results = await inviteMany(
        (await client()).call(options.callId),
        indices.map((i) => invitations[i]!),
        {
          concurrency,
          ...(clientContext !== undefined ? { clientContext } : {}),
          ...(hidden ? { hidden } : {}),
          ...(headers ? { headers } : {}),
          stop: control.stop,
          signal: control.abort,
          onProgress: ({ item }) => control.onItem(invitationItem(item, { resumed })),
        },
      );
      return results.map((r) => invitationItem(r, { resumed }));
    },
  });
}

/** Lists a call's participants, stopping after `top` when given. */
export async function listParticipants(
  client: GraphClient,
  callId: string,
  options: { top?: number; filter?: string; select?: string[] } = {},
): Promise<Participant[]> {
  const all: Participant[] = [];
  const listOptions = {
    ...(options.top !== undefined ? { top: options.top } : {}),
    ...(options.filter !== undefined ? { filter: options.filter } : {}),
    ...(options.select !== undefined ? { select: options.select } : {}),
  };
  for await (const p of client.call(callId).participants(listOptions)) {
    all.push(p);
    if (options.top !== undefined && all.length >= options.top) break;
  }
  return all;
}

/** Whether a participant is the app itself (the library's `removeAllExcept` rule). */
export function isSelf(p: Participant, clientId: string): boolean {
  const app = p.info?.identity?.application?.id;
  return app !== undefined && app.toLowerCase() === clientId.toLowerCase();
}
