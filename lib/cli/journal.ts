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
 * power cut. While a run writes a journal it holds the file's lock; a second run on the same
 * journal (`--resume` while the first still runs) is refused with the reason.
 *
 * @module
 */

import { InvalidInputError } from "../errors.ts";

/** Outcomes that finish an item: a resumed run does not send these again. */
export const COMPLETED_OUTCOMES: ReadonlySet<string> = new Set([
  "removed",
  "alreadyGone",
  "invited",
  "alreadyInvited",
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

/** Why a second run may not use a journal that a run is using. */
function inUse(path: string): string {
  return `${path} is in use by another graphcall run (it holds the journal's lock); wait for ` +
    "that run to finish, or stop it, and try again";
}

/** Reads a whole file through an open handle (a lock on it then covers the read too). */
function readAll(file: Deno.FsFile): Uint8Array {
  const size = file.statSync().size;
  const bytes = new Uint8Array(size);
  let offset = 0;
  file.seekSync(0, Deno.SeekMode.Start);
  while (offset < size) {
    const n = file.readSync(bytes.subarray(offset));
    if (n === null || n === 0) break;
    offset += n;
  }
  return bytes.subarray(0, offset);
}

/**
 * Appends JSON lines to a journal file, one synchronous write per line. The writer holds an
 * exclusive lock on the file (an advisory lock, released when the file is closed or the process
 * ends, even by SIGKILL): a second run on the same journal is refused with the reason.
 */
export class JournalWriter {
  readonly #file: Deno.FsFile;
  /** The journal's path. */
  readonly path: string;

  private constructor(path: string, file: Deno.FsFile) {
    this.path = path;
    this.#file = file;
  }

  /** Opens `path` for appending and takes its lock; refuses when another run holds it. */
  static #openLocked(path: string, field: string, read: boolean): Deno.FsFile {
    let file: Deno.FsFile;
    try {
      file = Deno.openSync(path, { read, write: true, create: !read, append: true, mode: 0o600 });
    } catch (e) {
      if (e instanceof Deno.errors.NotFound) {
        throw new InvalidInputError(field, `${path}: file not found`);
      }
      throw new InvalidInputError(
        field,
        `cannot write ${path}: ${e instanceof Error ? e.message : String(e)}`,
      );
    }
    let locked = false;
    try {
      locked = file.tryLockSync(true);
    } catch {
      locked = false;
    }
    if (!locked) {
      file.close();
      throw new InvalidInputError(field, inUse(path));
    }
    return file;
  }

  /**
   * Opens a new journal (refusing an existing non-empty file unless `append`), or an existing one
   * to append to, and takes its lock.
   */
  static open(path: string, options: { append?: boolean; field?: string } = {}): JournalWriter {
    const field = options.field ?? "--journal";
    if (!options.append) checkNewJournal(path, field);
    const file = JournalWriter.#openLocked(path, field, false);
    if (!options.append && file.statSync().size > 0) {
      // Another run began writing it between the check and the lock.
      file.close();
      throw new InvalidInputError(field, inUse(path));
    }
    return new JournalWriter(path, file);
  }

  /**
   * Takes the lock of an existing journal to continue it (`--resume`), reads it through the
   * locked handle and cuts a torn last line, so that appended lines start clean.
   */
  static resume(
    path: string,
    field = "--resume",
  ): { writer: JournalWriter; contents: JournalContents } {
    const file = JournalWriter.#openLocked(path, field, true);
    try {
      const text = new TextDecoder().decode(readAll(file));
      const contents = parseJournal(text, path, field);
      if (contents.torn) file.truncateSync(encoder.encode(contents.complete).length);
      const { complete: _, ...rest } = contents;
      return { writer: new JournalWriter(path, file), contents: rest };
    } catch (e) {
      file.close();
      throw e;
    }
  }

  /** Writes one line now (a complete line, or nothing, reaches the file). */
  write(entry: Record<string, unknown>): void {
    const bytes = encoder.encode(JSON.stringify(entry) + "\n");
    let offset = 0;
    while (offset < bytes.length) offset += this.#file.writeSync(bytes.subarray(offset));
  }

  /** Closes the file (which releases the lock). */
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
  const { complete, ...contents } = parseJournal(new TextDecoder().decode(bytes), path, field);
  if (contents.torn && options.repair) {
    Deno.truncateSync(path, encoder.encode(complete).length);
  }
  return contents;
}

/** Parses a journal's text; `complete` is the text without a torn last line. */
function parseJournal(
  text: string,
  path: string,
  field: string,
): JournalContents & { complete: string } {
  const lastNewline = text.lastIndexOf("\n");
  const complete = text.slice(0, lastNewline + 1);
  const torn = complete.length < text.length;
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
  return { header, items, torn, lines: lines.length, complete };
}
