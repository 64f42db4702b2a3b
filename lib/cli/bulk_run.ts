/**
 * A bulk run that loses nothing: writes the journal (header, one line per finished item,
 * interrupt and summary lines), resumes from one (skipping completed items, merging earlier
 * outcomes so the report accounts for every input item exactly once), and stops starting new
 * requests at SIGINT/SIGTERM while those in flight finish. The work itself (remove, invite) is a
 * function given by the caller.
 *
 * @module
 */

import { EXIT_CODES } from "../errors.ts";
import type { ErrorBody } from "./render.ts";
import { COMPLETED_OUTCOMES, type JournalItem, JournalWriter } from "./journal.ts";
import { type Interrupt, listenForInterrupt } from "./interrupt.ts";
import type { Io } from "./io.ts";

/** One item's outcome as the CLI reports it. */
export interface BulkItem {
  /** The participant id. */
  participantId: string;
  /** `removed`, `alreadyGone`, `invited`, `failed` or `notStarted`. */
  outcome: string;
  /** Whether it is done (`removed`, `alreadyGone`, `invited`). */
  ok: boolean;
  /** Graph's request-id. */
  requestId?: string;
  /** The client-request-id sent. */
  clientRequestId?: string;
  /** The invitation's operation id. */
  operationId?: string;
  /** Why it failed. */
  error?: ErrorBody;
  /** The exit code the failure maps to. */
  exitCode?: number;
  /** True when the outcome comes from an earlier run's journal. */
  earlier?: boolean;
}

/** The stop and abort signals, and the per-item callback, given to the work. */
export interface BulkControl {
  /** No new request may start once this fires. */
  stop: AbortSignal;
  /** Requests in flight are given up once this fires. */
  abort: AbortSignal;
  /** Report each item as it finishes (journal line, progress). */
  onItem(item: BulkItem): void;
}

/** Options of {@link runBulk}. */
export interface BulkRunOptions {
  /** Where logs go. */
  io: Io;
  /** The command, e.g. `participant remove`. */
  command: string;
  /** The call id. */
  callId: string;
  /** The input items as the journal header keeps them. */
  inputs: unknown[];
  /** The key (participant id) of each input item. */
  keys: string[];
  /** Settings a resumed run must reuse. */
  settings?: Record<string, unknown>;
  /** `--journal FILE` for a new run. */
  journalPath?: string;
  /** The journal being resumed (`--resume FILE`): locked, read again and repaired here. */
  resume?: { path: string };
  /** Called after each item (e.g. the progress bar). */
  onItem?: (item: BulkItem) => void;
  /** Listens for SIGINT/SIGTERM during the run (default: the process's signals). */
  listenForInterrupt?: () => Interrupt;
  /**
   * Does the work for the input indices given; returns their items, in that order. Not called
   * when nothing is left to do (so a finished journal resumes without a credential).
   */
  work: (indices: number[], control: BulkControl) => Promise<BulkItem[]>;
}

/** What a bulk run produced. */
export interface BulkRunResult {
  /** Every input item once, in input order. */
  items: BulkItem[];
  /** Counts by outcome. */
  counts: Record<string, number>;
  /** The signal that interrupted the run, if one did. */
  interrupted?: string;
  /** Items whose outcome came from an earlier run. */
  earlier: number;
}

/** Counts outcomes. */
export function countOutcomes(items: readonly BulkItem[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const i of items) counts[i.outcome] = (counts[i.outcome] ?? 0) + 1;
  return counts;
}

/** The exit code of a bulk run: 130 when interrupted, else the failures' common code, or 1. */
export function bulkExitCode(result: Pick<BulkRunResult, "items" | "interrupted">): number {
  if (result.interrupted) return EXIT_CODES.interrupted;
  const codes = new Set(
    result.items.filter((i) => !i.ok).map((i) => i.exitCode ?? EXIT_CODES.other),
  );
  if (codes.size === 0) return 0;
  return codes.size === 1 ? [...codes][0]! : EXIT_CODES.other;
}

function journalLine(item: BulkItem): JournalItem {
  return {
    type: "item",
    key: item.participantId,
    outcome: item.outcome,
    ...(item.requestId ? { requestId: item.requestId } : {}),
    ...(item.clientRequestId ? { clientRequestId: item.clientRequestId } : {}),
    ...(item.operationId ? { operationId: item.operationId } : {}),
    ...(item.error ? { errorCode: item.error.code, errorMessage: item.error.message } : {}),
    at: new Date().toISOString(),
  };
}

function fromJournal(line: JournalItem): BulkItem {
  return {
    participantId: line.key,
    outcome: line.outcome,
    ok: true,
    ...(line.requestId ? { requestId: line.requestId } : {}),
    ...(line.clientRequestId ? { clientRequestId: line.clientRequestId } : {}),
    ...(line.operationId ? { operationId: line.operationId } : {}),
    earlier: true,
  };
}

/** Runs a bulk operation with its journal and interrupt handling. */
export async function runBulk(options: BulkRunOptions): Promise<BulkRunResult> {
  const { keys } = options;
  const earlier = new Map<number, BulkItem>();
  let writer: JournalWriter | undefined;
  if (options.resume) {
    const resumed = JournalWriter.resume(options.resume.path);
    writer = resumed.writer;
    keys.forEach((key, index) => {
      const line = resumed.contents.items.get(key);
      if (line && COMPLETED_OUTCOMES.has(line.outcome)) earlier.set(index, fromJournal(line));
    });
  }
  const todo = keys.map((_, i) => i).filter((i) => !earlier.has(i));
  try {
    if (writer) {
      writer.write({
        type: "resume",
        done: earlier.size,
        remaining: todo.length,
        at: new Date().toISOString(),
      });
    } else if (options.journalPath) {
      writer = JournalWriter.open(options.journalPath);
      writer.write({
        type: "header",
        version: 1,
        command: options.command,
        callId: options.callId,
        items: options.inputs,
        ...(options.settings ? { settings: options.settings } : {}),
        startedAt: new Date().toISOString(),
      });
    }
    using interrupt = options.listenForInterrupt?.() ?? listenForInterrupt(options.io);
    let done = 0;
    interrupt.onStop(() => {
      writer?.write({
        type: "interrupt",
        signal: interrupt.received,
        done: earlier.size + done,
        at: new Date().toISOString(),
      });
    });
    const fresh = todo.length === 0 ? [] : await options.work(todo, {
      stop: interrupt.stop,
      abort: interrupt.abort,
      onItem: (item) => {
        done++;
        writer?.write({ ...journalLine(item) });
        options.onItem?.(item);
      },
    });
    const byIndex = new Map<number, BulkItem>(earlier);
    todo.forEach((index, k) => byIndex.set(index, fresh[k]!));
    const items = keys.map((_, i) => byIndex.get(i)!);
    const counts = countOutcomes(items);
    const interrupted = interrupt.received;
    writer?.write({
      type: "summary",
      total: items.length,
      counts,
      ...(interrupted ? { interrupted } : {}),
      at: new Date().toISOString(),
    });
    return { items, counts, ...(interrupted ? { interrupted } : {}), earlier: earlier.size };
  } finally {
    writer?.close();
  }
}
