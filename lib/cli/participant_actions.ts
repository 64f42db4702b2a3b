/**
 * The participant operations as the CLI calls them, in one small file so that switching to the
 * library's newer entry points is one place:
 * - {@link connectClient} passes `--graph-version`, `--timeout` (`timeoutMs`), `--max-retries`
 *   (`maxRetries`) and `--debug` (`onTrace`) to `connect()`; the pipeline options other than
 *   `graphVersion` take effect once lib/graph reads them.
 * - {@link dryRunRemove} describes the DELETE requests itself (lib/cli/what_if.ts); the library's
 *   `dryRun: true` will replace it.
 * - {@link removeEach} removes one participant after another with per-item results; the
 *   library's `removeMany` (bounded concurrency, Retry-After aware) will replace it.
 *
 * @module
 */

import type { GraphClient } from "../graph/connect.ts";
import type { Participant } from "../graph/call.ts";
import type { RemoveResult } from "../graph/remove.ts";
import { exitCodeFor } from "../errors.ts";
import { redact } from "../redact.ts";
import { connectOptionsFrom, type GlobalOptions, runtimeOptionsFrom } from "./global_options.ts";
import type { Io } from "./io.ts";
import { describeRequest, type DryRunResult, graphBase, participantPath } from "./what_if.ts";
import { type ErrorBody, errorDocument } from "./render.ts";

/** Formats one trace event of the HTTP pipeline for `--debug` (redacted). */
export function formatTrace(event: unknown): string {
  const text = typeof event === "string" ? event : JSON.stringify(event, (_k, v) => {
    if (v instanceof Headers) return Object.fromEntries(v.entries());
    return v;
  });
  return `graphcall: debug: ${redact(text ?? String(event))}\n`;
}

/** Connects with the global options (credentials, hosts, pipeline options, `--debug` trace). */
export async function connectClient(options: GlobalOptions, io: Io): Promise<GraphClient> {
  const connectOptions = {
    ...connectOptionsFrom(options, io),
    ...runtimeOptionsFrom(options),
    ...(options.debug ? { onTrace: (event: unknown) => io.err(formatTrace(event)) } : {}),
  };
  const { connect } = await import("../graph/connect.ts");
  const client = await connect(connectOptions);
  if (options.verbose || options.debug) {
    io.err(`graphcall: credential: ${client.credentialDescription}\n`);
  }
  return client;
}

/** Options of a removal. */
export interface RemoveCliOptions {
  /** Sent as `If-Match`. */
  ifMatch?: string;
  /** Extra headers. */
  headers?: Record<string, string>;
}

/** Describes the DELETE requests for a removal, without any network. */
export function dryRunRemove(
  options: GlobalOptions,
  io: Io,
  callId: string,
  participantIds: readonly string[],
  remove: RemoveCliOptions,
): DryRunResult[] {
  const version = runtimeOptionsFrom(options).graphVersion ?? "v1.0";
  const base = graphBase(options, io, version);
  return participantIds.map((pid) =>
    describeRequest("DELETE", base, participantPath(callId, pid), {
      headers: {
        ...remove.headers,
        ...(remove.ifMatch ? { "if-match": remove.ifMatch } : {}),
      },
    })
  );
}

/** One participant's outcome in a bulk removal. */
export interface RemoveItem {
  /** The participant id. */
  participantId: string;
  /** Whether it was removed. */
  ok: boolean;
  /** HTTP status (0 when no response). */
  status: number;
  /** Graph's request-id. */
  requestId?: string;
  /** The client-request-id sent. */
  clientRequestId?: string;
  /** The response date. */
  date?: string;
  /** The error, when it failed. */
  error?: ErrorBody;
  /** The exit code the failure maps to. */
  exitCode?: number;
}

function itemFromResult(r: RemoveResult): RemoveItem {
  return {
    participantId: r.participantId,
    ok: true,
    status: r.status,
    ...(r.requestId ? { requestId: r.requestId } : {}),
    clientRequestId: r.clientRequestId,
    ...(r.date ? { date: r.date } : {}),
  };
}

function itemFromError(participantId: string, e: unknown): RemoveItem {
  const body = errorDocument(e).error;
  return {
    participantId,
    ok: false,
    status: typeof body.status === "number" ? body.status : 0,
    ...(body.requestId ? { requestId: body.requestId } : {}),
    ...(body.clientRequestId ? { clientRequestId: body.clientRequestId } : {}),
    error: body,
    exitCode: exitCodeFor(e),
  };
}

function callOptions(remove: RemoveCliOptions) {
  return {
    ...(remove.ifMatch ? { ifMatch: remove.ifMatch } : {}),
    ...(remove.headers ? { headers: remove.headers } : {}),
  };
}

/** Removes one participant; throws the library's error as it is. */
export async function removeOne(
  client: GraphClient,
  callId: string,
  participantId: string,
  remove: RemoveCliOptions,
): Promise<RemoveResult> {
  return await client.call(callId).remove(participantId, callOptions(remove));
}

/** Removes participants one after another; never throws for one item's failure. */
export async function removeEach(
  client: GraphClient,
  callId: string,
  participantIds: readonly string[],
  remove: RemoveCliOptions,
  onItem: (item: RemoveItem) => void = () => {},
): Promise<RemoveItem[]> {
  const call = client.call(callId);
  const items: RemoveItem[] = [];
  for (const pid of participantIds) {
    let item: RemoveItem;
    try {
      item = itemFromResult(await call.remove(pid, callOptions(remove)));
    } catch (e) {
      item = itemFromError(pid, e);
    }
    items.push(item);
    onItem(item);
  }
  return items;
}

/** Lists a call's participants, stopping after `top` when given. */
export async function listParticipants(
  client: GraphClient,
  callId: string,
  options: { top?: number } = {},
): Promise<Participant[]> {
  const all: Participant[] = [];
  for await (const p of client.call(callId).participants()) {
    all.push(p);
    if (options.top !== undefined && all.length >= options.top) break;
  }
  return all;
}

/** Whether a participant is the app itself (its bot in the call). */
export function isSelf(p: Participant, clientId: string): boolean {
  const identity = p.info?.identity ?? {};
  return [identity.application, identity.applicationInstance].some((who) =>
    who?.id !== undefined && who.id.toLowerCase() === clientId.toLowerCase()
  );
}
