/**
 * The journal of a bulk run (`--journal FILE`, `--resume FILE`): JSON lines, so that nothing is
 * lost when a run is interrupted or killed.
 *
 * - The first line is a header: `{"type":"header","version":1,"command","callId","items",...}`
 *   with the full input list (participant ids, or `{participantId, identity}` invitations).
 * - Then one line per finished item: `{"type":"item","key","outcome","requestId",
 *   "clientRequestId","operationId","errorCode","at"}`.
 * - A resumed run appends `{"type":"resume","at","remaining"}`; an interrupted one
 *   `{"type":"interrupt","signal","done","at"}`; every run ends with
 *   `{"type":"summary","counts","interrupted","at"}`.
 *
 * The file is opened once and each line is written with one synchronous `write` call before the
 * next item is reported, so a killed process leaves complete lines behind (at worst a torn last
 * line, which {@link readJournal} drops). Lines are not fsync'ed: they survive the process, not a
 * power cut.
 *
 * @module
 */

import { InvalidInputError } from "../errors.ts";

/** Outcomes that finish an item: a resumed run does not send these again. */
export const COMPLETED_OUTCOMES: ReadonlySet<string> = new Set([
  "removed",
  "alreadyGone",
  "invited",
]);

/** The first line of a journal. */
export interface JournalHeader {
  /** Always `header`. */
  type: "header";
  /** Format version, 1. */
  version: 1;
  /** The command, e.g. `participant remove`. */
  command: string;
  /** The call id. */
  callId: string;
  /** Every input item, in order: participant ids, or invitations. */
  items: unknown[];
  /** Settings the resumed run must reuse (e.g. `clientContext` of an invitation). */
  settings?: Record<string, unknown>;
  /** When the run started (ISO). */
  startedAt: string;
}

/** One finished item. */
export interface JournalItem {
  /** Always `item`. */
  type: "item";
  /** The item's key: its participant id. */
  key: string;
  /** `removed`, `alreadyGone`, `invited`, `failed`, `notStarted`. */
  outcome: string;
  /** Graph's request-id. */
  requestId?: string;
  /** The client-request-id sent. */
  clientRequestId?: string;
  /** The invitation's operation id. */
  operationId?: string;
  /** The error's stable code, when it failed. */
  errorCode?: string;
  /** The error message, when it failed. */
  errorMessage?: string;
  /** When it finished (ISO). */
  at?: string;
}

/** What {@link readJournal} found. */
export interface JournalContents {
  /** The header. */
  header: JournalHeader;
  /** The latest line of each item key, in file order. */
  items: Map<string, JournalItem>;
  /** Whether a torn last line was dropped (and cut from the file by `repair`). */
  torn: boolean;
  /** Complete lines read. */
  lines: number;
}

const encoder = new TextEncoder();

/** Appends JSON lines to a journal file, one synchronous write per line. */
export class JournalWriter {
  readonly #file: Deno.FsFile;
  /** The journal's path. */
  readonly path: string;

  private constructor(path: string, file: Deno.FsFile) {
    this.path = path;
    this.#file = file;
  }

  /**
   * Opens a new journal (refusing an existing non-empty file unless `append`), or an existing one
   * to append to.
   */
  static open(path: string, options: { append?: boolean; field?: string } = {}): JournalWriter {
    const field = options.field ?? "--journal";
    if (!options.append) checkNewJournal(path, field);
    try {
      const file = Deno.openSync(path, {
        write: true,
        create: true,
        append: true,
        mode: 0o600,
      });
      return new JournalWriter(path, file);
    } catch (e) {
      throw new InvalidInputError(
        field,
        `cannot write ${path}: ${e instanceof Error ? e.message : String(e)}`,
      );
    }
  }

  /** Writes one line now (a complete line, or nothing, reaches the file). */
  write(entry: Record<string, unknown>): void {
    const bytes = encoder.encode(JSON.stringify(entry) + "\n");
    let offset = 0;
    while (offset < bytes.length) offset += this.#file.writeSync(bytes.subarray(offset));
  }

  /** Closes the file. */
  close(): void {
    try {
      this.#file.close();
    } catch {
      // already closed
    }
  }
}

/** Refuses a `--journal` file that already has content (it would mix two runs). */
export function checkNewJournal(path: string, field = "--journal"): void {
  let size = 0;
  try {
    size = Deno.statSync(path).size;
  } catch {
    // does not exist yet: good
  }
  if (size > 0) {
    throw new InvalidInputError(
      field,
      `${path} already holds a journal; continue it with --resume ${path}, or choose a new file`,
    );
  }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/**
 * Reads a journal. A last line without its newline (a write cut short) is dropped; with `repair`
 * it is also cut from the file so that appended lines start clean. Any other unreadable line is
 * an error naming the line.
 *
 * @example Continue where a run stopped
 * ```ts ignore
 * const journal = readJournal("remove.jsonl", { field: "--resume", repair: true });
 * const done = [...journal.items.values()].filter((i) => COMPLETED_OUTCOMES.has(i.outcome));
 * ```
 */
export function readJournal(
  path: string,
  options: { field?: string; repair?: boolean } = {},
): JournalContents {
  const field = options.field ?? "--resume";
  let bytes: Uint8Array;
  try {
    bytes = Deno.readFileSync(path);
  } catch (e) {
    throw new InvalidInputError(
      field,
      e instanceof Deno.errors.NotFound ? `${path}: file not found` : `${path}: cannot be read`,
    );
  }
  const text = new TextDecoder().decode(bytes);
  const lastNewline = text.lastIndexOf("\n");
  const complete = text.slice(0, lastNewline + 1);
  const torn = complete.length < text.length;
  if (torn && options.repair) {
    Deno.truncateSync(path, encoder.encode(complete).length);
  }
  const lines = complete.split("\n").filter((l) => l.trim() !== "");
  let header: JournalHeader | undefined;
  const items = new Map<string, JournalItem>();
  lines.forEach((line, i) => {
    let entry: unknown;
    try {
      entry = JSON.parse(line);
    } catch {
      throw new InvalidInputError(field, `${path} line ${i + 1} is not JSON; is it a journal?`);
    }
    if (!isObject(entry)) {
      throw new InvalidInputError(field, `${path} line ${i + 1} is not a journal entry`);
    }
    if (i === 0) {
      if (
        entry.type !== "header" || entry.version !== 1 || typeof entry.command !== "string" ||
        typeof entry.callId !== "string" || !Array.isArray(entry.items)
      ) {
        throw new InvalidInputError(
          field,
          `${path} does not start with a graphcall journal header`,
        );
      }
      header = entry as unknown as JournalHeader;
      return;
    }
    if (entry.type === "item" && typeof entry.key === "string") {
      items.set(entry.key, entry as unknown as JournalItem);
    }
  });
  if (!header) {
    throw new InvalidInputError(
      field,
      `${path} has no complete header line (the run stopped before it began); start it again without --resume`,
    );
  }
  return { header, items, torn, lines: lines.length };
}
