/**
 * What the participant commands share: repeatable options, `--concurrency`, the words and JSON
 * shape of bulk reports, and the not-found message of a removal.
 *
 * @module
 */

import { GraphError, InvalidInputError } from "../../errors.ts";
import type { BulkItem, BulkRunResult } from "../bulk_run.ts";
import type { FailedItem } from "../output.ts";

/** Parses `--concurrency N` (1 to 64, default 4). */
export function parseConcurrency(value: string | undefined): number {
  if (value === undefined) return 4;
  const n = Number(value);
  if (!/^\d{1,2}$/.test(value.trim()) || n < 1 || n > 64) {
    throw new InvalidInputError("--concurrency", `"${value}" is not a whole number from 1 to 64`);
  }
  return n;
}

/** Words for an outcome in tables. */
export function outcomeText(item: BulkItem): string {
  switch (item.outcome) {
    case "alreadyGone":
      return "already gone";
    case "alreadyInvited":
      return "already invited (earlier run)";
    case "notStarted":
      return "not started";
    case "failed":
      return `failed: ${item.error?.code ?? "error"}`;
    default:
      return item.outcome + (item.earlier ? " (earlier run)" : "");
  }
}

/** The tail of a bulk report line: what else happened besides the main outcome. */
export function bulkTail(run: BulkRunResult): string {
  const c = run.counts;
  return (c.alreadyGone ? `; ${c.alreadyGone} already gone` : "") +
    (c.alreadyInvited ? `; ${c.alreadyInvited} already invited by an earlier run` : "") +
    (c.failed ? `; ${c.failed} failed` : "") +
    (c.notStarted ? `; ${c.notStarted} not started` : "") +
    (run.earlier ? ` (${run.earlier} done by an earlier run)` : "") +
    (run.interrupted ? `; interrupted by ${run.interrupted}` : "");
}

/** The `result` of a bulk run in JSON (docs/cli-output.md). */
export function bulkResult(callId: string, run: BulkRunResult, main: string) {
  const c = run.counts;
  return {
    callId,
    [main]: c[main] ?? 0,
    ...(main === "removed" ? { alreadyGone: c.alreadyGone ?? 0 } : {}),
    ...(main === "invited" ? { alreadyInvited: c.alreadyInvited ?? 0 } : {}),
    failed: c.failed ?? 0,
    notStarted: c.notStarted ?? 0,
    ...(run.interrupted ? { interrupted: run.interrupted } : {}),
    ...(run.earlier ? { earlier: run.earlier } : {}),
    items: run.items,
  };
}

/** Why an item failed, and what to do: `message; fix: ...` (empty for items that did not fail). */
export function failureReason(item: BulkItem): string {
  if (item.outcome !== "failed" || !item.error) return "";
  const fix = typeof item.error.remediation === "string" ? `; fix: ${item.error.remediation}` : "";
  return `${item.error.message}${fix}`;
}

/** The failed items of a run, for their GitHub Actions annotations. */
export function failedItems(run: BulkRunResult): FailedItem[] {
  return run.items.filter((i) => i.outcome === "failed").map((i) => ({
    subject: i.participantId,
    message: i.error?.message ?? "failed",
    ...(typeof i.error?.remediation === "string" ? { fix: i.error.remediation } : {}),
  }));
}

/** A not-found removal, said with the call and the participant; other errors as they are. */
export function notFoundInCall(e: unknown, callId: string, participantId: string): unknown {
  if (!(e instanceof GraphError) || e.code !== "not_found") return e;
  return new GraphError(
    "not_found",
    `participant ${participantId} was not found in call ${callId} (${e.message})`,
    {
      status: e.status,
      ...(e.graphCode ? { graphCode: e.graphCode } : {}),
      ...(e.requestId ? { requestId: e.requestId } : {}),
      ...(e.clientRequestId ? { clientRequestId: e.clientRequestId } : {}),
      ...(e.date ? { date: e.date } : {}),
    },
    { cause: e },
  );
}

/** Refuses flags that make no sense with `--resume` (the journal holds the input). */
export function refuseWithResume(given: Record<string, unknown>): void {
  for (const [flag, value] of Object.entries(given)) {
    if (value !== undefined && value !== false) {
      throw new InvalidInputError(
        flag,
        "cannot be combined with --resume: the journal holds the call and the input list",
      );
    }
  }
}
