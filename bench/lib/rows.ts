/** Builds table rows from samples. */

import type { Sample } from "./interleave.ts";
import { pairedRatios, summarize } from "./stats.ts";
import type { Row } from "./types.ts";

/** What to put in a row besides the samples. */
export interface RowOptions {
  /** The anchor's samples (paired with these) and label. */
  anchor?: { label: string; samples: readonly Sample[] };
  /** Ratio on `value` instead of time. */
  ratioOn?: "time" | "value";
  /** Unit of `value`, when the samples carry one. */
  valueUnit?: string;
  /** Status text. */
  status?: string;
  /** Omit time (e.g. for a pure count). */
  noTime?: boolean;
}

/** A row from one contender's samples. */
export function rowOf(id: string, label: string, samples: readonly Sample[], o: RowOptions = {}) {
  const row: Row = { id, label };
  if (!o.noTime) row.timeMs = summarize(samples.map((s) => s.ms));
  const values = samples.map((s) => s.value).filter((v): v is number => v !== undefined);
  if (o.valueUnit && values.length > 0) {
    row.value = { unit: o.valueUnit, summary: summarize(values)! };
  }
  const rss = samples.map((s) => s.rssMiB).filter((v): v is number => v !== undefined);
  if (rss.length > 0) {
    row.rssMiB = summarize(rss);
    row.rssSource = "VmHWM sampled";
  }
  if (o.anchor) {
    const pick = (s: Sample) => (o.ratioOn === "value" ? s.value ?? NaN : s.ms);
    const r = pairedRatios(samples.map(pick), o.anchor.samples.map(pick));
    if (r) {
      row.ratio = r;
      row.anchor = o.anchor.label;
    }
  }
  if (o.status) row.status = o.status;
  return row;
}
