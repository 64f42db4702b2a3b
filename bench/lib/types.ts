/** The shapes of results: rows in sections, goals, and the whole run (latest.json). */

import type { Summary } from "./stats.ts";

/** One contender or floor in a section. */
export interface Row {
  /** Stable key, e.g. `startup.graphcall_version`. */
  id: string;
  /** What ran, as shown in the table. */
  label: string;
  /** Wall time, ms (min/median/max over repetitions). */
  timeMs?: Summary;
  /** Another figure (token requests, requests per second), with its unit. */
  value?: { unit: string; summary: Summary };
  /** Peak RSS, MiB. */
  rssMiB?: Summary;
  /** How peak RSS was measured for this row. */
  rssSource?: "VmHWM sampled" | "VmRSS" | "Deno.memoryUsage().rss";
  /** The row this one's ratio is to. */
  anchor?: string;
  /** Ratio to the anchor, from paired repetitions (or to a computed floor). */
  ratio?: Summary;
  /** E.g. "failed: ...", "not measured: emulator throttle missing". */
  status?: string;
}

/** One benchmark (a numbered section of the table). */
export interface Section {
  /** Stable key. */
  id: string;
  /** Title, e.g. "1. Start-up". */
  title: string;
  /** Repetitions per contender. */
  reps: number;
  /** How the figures were taken, when not "N repetitions per contender, interleaved". */
  method?: string;
  /** Rows, anchor first. */
  rows: Row[];
  /** Notes printed under the section. */
  notes: string[];
}

/** A goal (issue 17's, and issue 9's token count), marked met or not. */
export interface Goal {
  /** Stable key. */
  id: string;
  /** The goal in words. */
  goal: string;
  /** What was measured, in words and numbers. */
  measured: string;
  /** Met, missed, or null when it could not be measured (or is shown without a goal). */
  met: boolean | null;
  /** A figure shown beside the goals, with no goal of its own. */
  informational?: boolean;
  /** Where the time goes, when missed (from a profile), or why it was not measured. */
  note?: string;
}

/** The whole run, as written to latest.json. */
export interface BenchResult {
  /** quick (smoke, noisy) or full. */
  mode: "quick" | "full";
  /** The sections run, when not all (`--only=`). */
  only?: string[];
  /** When the run started (ISO). */
  startedAt: string;
  /** How long the run took, s. */
  durationS: number;
  /** The machine and the runtimes. */
  machine: Record<string, string>;
  /** Sections in issue order. */
  sections: Section[];
  /** Goals. */
  goals: Goal[];
  /** General notes. */
  notes: string[];
}
