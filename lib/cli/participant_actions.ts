/**
 * The participant operations as the CLI calls them, on top of lib/graph:
 * - {@link connectClient} passes `--graph-version`, `--timeout` (`timeoutMs`), `--max-retries`
 *   (`maxRetries`) and `--debug` (`onTrace`, one redacted line per event) to `connect()`.
 * - {@link dryRunCall} is a call handle for `--what-if`: the library's `dryRun: true` describes
 *   the request; its credential refuses to be used, so nothing is looked up or sent.
 * - {@link bulkRemove} and {@link bulkInvite} run `removeMany` / `inviteMany` inside
 *   {@link runBulk} (journal, resume, SIGINT).
 *
 * @module
 */

import type { GraphClient } from "../graph/connect.ts";
import type { CallHandle, Participant } from "../graph/call.ts";
import type { GraphTraceEvent } from "../graph/graph_http.ts";
import type { BulkItemResult } from "../graph/bulk_result.ts";
import { exitCodeFor, GraphcallError } from "../errors.ts";
import { resolveHosts } from "../auth/hosts.ts";
import { redact } from "../redact.ts";
import { connectOptionsFrom, type GlobalOptions, runtimeOptionsFrom } from "./global_options.ts";
import type { Io } from "./io.ts";
import { errorDocument } from "./render.ts";
import { type BulkItem, type BulkRunOptions, type BulkRunResult, runBulk } from "./bulk_run.ts";
import type { Invitation, InvitationResult } from "../graph/invite_many.ts";

/** Formats one trace event of the HTTP pipeline for `--debug`: one redacted line. */
export function formatTrace(event: GraphTraceEvent): string {
  const parts = [event.type, event.method, event.url];
  if (event.status !== undefined) parts.push(`status=${event.status}`);
  parts.push(`attempt=${event.attempt}`, `client-request-id=${event.clientRequestId}`);
  const requestId = event.type === "response" ? event.headers?.["request-id"] : undefined;
  if (requestId) parts.push(`request-id=${requestId}`);
  if (event.delayMs !== undefined) parts.push(`delay=${event.delayMs}ms`);
  if (event.reason) parts.push(`reason=${JSON.stringify(event.reason)}`);
  // The pipeline hands headers over already redacted (Authorization keeps only its scheme).
  if (event.headers) parts.push(`headers=${JSON.stringify(event.headers)}`);
  return `graphcall: debug: ${redact(parts.join(" ").replace(/[\r\n]+/g, " "))}\n`;
}

/** Connects with the global options (credentials, hosts, pipeline options, `--debug` trace). */
export async function connectClient(
  options: GlobalOptions,
  io: Io,
  extra: { signal?: AbortSignal } = {},
): Promise<GraphClient> {
  const connectOptions = {
    ...connectOptionsFrom(options, io),
    ...runtimeOptionsFrom(options),
    ...(options.debug ? { onTrace: (event: GraphTraceEvent) => io.err(formatTrace(event)) } : {}),
    ...(extra.signal ? { signal: extra.signal } : {}),
  };
  const { connect } = await import("../graph/connect.ts");
  const client = await connect(connectOptions);
  if (options.verbose || options.debug) {
    io.err(`graphcall: credential: ${client.credentialDescription}\n`);
  }
  return client;
}

/**
 * A call handle for `--what-if`: the library describes each request (`dryRun: true`); the
 * credential behind it refuses to be asked, so not even a credential lookup happens.
 */
export async function dryRunCall(
  options: GlobalOptions,
  io: Io,
  callId: string,
): Promise<CallHandle> {
  const { cloud, graphUrl } = resolveHosts(connectOptionsFrom(options, io));
  const [{ GraphHttp }, { CallHandle }] = await Promise.all([
    import("../graph/graph_http.ts"),
    import("../graph/call.ts"),
  ]);
  const http = new GraphHttp({
    graphUrl,
    cloud: cloud.name,
    ...runtimeOptionsFrom(options),
    credential: {
      kind: "none",
      source: "--what-if (sends nothing)",
      getToken: () =>
        Promise.reject(new GraphcallError("internal", "--what-if must not ask for a token")),
    },
  });
  return new CallHandle(http, callId);
}

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

/** An invitation result as a CLI item. */
export function invitationItem(r: InvitationResult): BulkItem {
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
  client: GraphClient,
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
      const r = await client.call(options.callId).removeMany(indices.map((i) => ids[i]!), {
        concurrency,
        ...(batch ? { batch: true } : {}),
        stop: control.stop,
        signal: control.abort,
        onProgress: ({ item }) => control.onItem(removalItem(item)),
      });
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
  options: { io: Io; concurrency: number; batch: boolean; onItem?: (item: BulkItem) => void },
): Promise<BulkRunResult & { kept: string[] }> {
  const { listenForInterrupt } = await import("./interrupt.ts");
  const { countOutcomes } = await import("./bulk_run.ts");
  using interrupt = listenForInterrupt(options.io);
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
  client: GraphClient,
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
        client.call(options.callId),
        indices.map((i) => invitations[i]!),
        {
          concurrency,
          ...(clientContext !== undefined ? { clientContext } : {}),
          ...(hidden ? { hidden } : {}),
          ...(headers ? { headers } : {}),
          stop: control.stop,
          signal: control.abort,
          onProgress: ({ item }) => control.onItem(invitationItem(item)),
        },
      );
      return results.map(invitationItem);
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
