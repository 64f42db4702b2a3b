/** Minimum, median and maximum of repeated measurements, and paired ratios. */

/** A figure measured several times. */
export interface Summary {
  /** Smallest value. */
  min: number;
  /** Median value (mean of the two middle values for an even count). */
  median: number;
  /** Largest value. */
  max: number;
  /** How many values. */
  n: number;
}

/** Summarises values; undefined when there are none. */
export function summarize(values: readonly number[]): Summary | undefined {
  const v = values.filter((x) => Number.isFinite(x)).toSorted((a, b) => a - b);
  if (v.length === 0) return undefined;
  const mid = Math.floor(v.length / 2);
  const median = v.length % 2 === 1 ? v[mid]! : (v[mid - 1]! + v[mid]!) / 2;
  return { min: v[0]!, median, max: v[v.length - 1]!, n: v.length };
}

/**
 * Ratios of paired repetitions (rep i of `a` over rep i of `b`), summarised. The contenders ran
 * interleaved, so rep i of each saw the same moment of the machine.
 */
export function pairedRatios(a: readonly number[], b: readonly number[]): Summary | undefined {
  const n = Math.min(a.length, b.length);
  const r: number[] = [];
  for (let i = 0; i < n; i++) if (b[i]! > 0) r.push(a[i]! / b[i]!);
  return summarize(r);
}

/** Ratios of each value to a constant (e.g. a floor computed from a rate limit). */
export function ratiosTo(a: readonly number[], constant: number): Summary | undefined {
  return constant > 0 ? summarize(a.map((x) => x / constant)) : undefined;
}
