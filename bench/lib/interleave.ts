/**
 * Runs contenders' repetitions interleaved (A B C, B C A, C A B, ...) so that machine noise
 * falls on all of them alike, after one untimed warm-up of each.
 */

/** One measured repetition. */
export interface Sample {
  /** Wall time, ms. */
  ms: number;
  /** Peak RSS, MiB. */
  rssMiB?: number | undefined;
  /** Another figure (e.g. token requests). */
  value?: number;
}

/** A contender: runs one repetition (rep is -1 for the warm-up). */
export interface Contender {
  /** Stable key. */
  id: string;
  /** Runs once. */
  run: (rep: number) => Promise<Sample>;
}

/** Runs `reps` interleaved repetitions of each contender; returns their samples by id. */
export async function interleave(
  reps: number,
  contenders: readonly Contender[],
  options: { warmup?: boolean; log?: (line: string) => void } = {},
): Promise<Map<string, Sample[]>> {
  const out = new Map<string, Sample[]>(contenders.map((c) => [c.id, []]));
  if (options.warmup ?? true) {
    for (const c of contenders) await c.run(-1);
  }
  for (let rep = 0; rep < reps; rep++) {
    for (let k = 0; k < contenders.length; k++) {
      const c = contenders[(rep + k) % contenders.length]!;
      out.get(c.id)!.push(await c.run(rep));
    }
    options.log?.(`  rep ${rep + 1}/${reps}`);
  }
  return out;
}
