/**
 * "Did you mean": the known words closest to a mistyped one, by edit distance (a transposition
 * counts as one edit) or as the only word it begins.
 *
 * @module
 */

/** Edit distance with adjacent transpositions (optimal string alignment). */
export function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i]);
  for (let j = 1; j <= b.length; j++) d[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        best = Math.min(best, d[i - 2]![j - 2]! + 1);
      }
      d[i]![j] = best;
    }
  }
  return d[a.length]![b.length]!;
}

/**
 * The candidates a mistyped word most likely meant: the closest ones within a third of its
 * length in edits (at least one), or else the one candidate it is the beginning of.
 *
 * @example
 * ```ts
 * import { suggest } from "./suggest.ts";
 * console.log(suggest("--cal", ["--call", "--cloud", "--participant"])); // [ "--call" ]
 * ```
 */
export function suggest(word: string, candidates: readonly string[]): string[] {
  const bare = (s: string) => s.replace(/^-+/, "").toLowerCase();
  const w = bare(word);
  if (w.length === 0) return [];
  const limit = Math.max(1, Math.floor(w.length / 3));
  let best = Infinity;
  let found: string[] = [];
  for (const c of new Set(candidates)) {
    const d = editDistance(w, bare(c));
    if (d > limit) continue;
    if (d < best) [best, found] = [d, [c]];
    else if (d === best) found.push(c);
  }
  if (found.length > 0) return found.slice(0, 3);
  const prefixed = [...new Set(candidates)].filter((c) => bare(c).startsWith(w));
  return prefixed.length === 1 ? prefixed : [];
}

/** ` (did you mean --call?)`, or nothing when there is no close candidate. */
export function didYouMean(word: string, candidates: readonly string[]): string {
  const found = suggest(word, candidates);
  if (found.length === 0) return "";
  const last = found.pop()!;
  return ` (did you mean ${found.length ? `${found.join(", ")} or ${last}` : last}?)`;
}
