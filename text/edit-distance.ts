/**
 * One edit distance for every "did they mean…" in the project, so that what counts as a typo
 * is chosen by each caller in one visible place rather than by three slightly different copies.
 *
 * Options:
 * - `transpositions` (default false): when true, swapping two neighbouring letters ("brdiport"
 *   for "bridport") counts as one edit, not two (optimal string alignment distance,
 *   each letter edited at most once). False is plain Levenshtein (insert, delete, substitute).
 * - `max` (default no limit): the caller only cares whether the distance is within `max`; once
 *   it is certain to be larger the work stops and `max + 1` is returned. Within `max` the
 *   answer is exact.
 *
 * Who chooses what: safety's fuzzy words and town names count swaps (a swapped pair is the
 * commonest slip when typing in a hurry); knowledge search counts plain edits, as its
 * fuzzy-term allowance was tuned that way.
 */
export type EditDistanceOptions = {
  /** Neighbouring letters swapped count as one edit (optimal string alignment). Default false. */
  readonly transpositions?: boolean;
  /** Stop early above this; the result is then `max + 1`. Default: no limit. */
  readonly max?: number;
};

export function editDistance(a: string, b: string, options: EditDistanceOptions = {}): number {
  const max = options.max ?? Infinity;
  const swaps = options.transpositions ?? false;
  if (Math.abs(a.length - b.length) > max) return max + 1;
  const n = b.length;
  let beforePrevious = new Array<number>(n + 1).fill(0);
  let previous = Array.from({ length: n + 1 }, (_, j) => j);
  let current = new Array<number>(n + 1).fill(0);
  for (let i = 1; i <= a.length; i++) {
    current[0] = i;
    let rowMin = i;
    for (let j = 1; j <= n; j++) {
      const cost = a.charCodeAt(i - 1) === b.charCodeAt(j - 1) ? 0 : 1;
      let d = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + cost);
      if (swaps && i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, beforePrevious[j - 2]! + 1);
      current[j] = d;
      if (d < rowMin) rowMin = d;
    }
    if (rowMin > max) return max + 1;
    [beforePrevious, previous, current] = [previous, current, beforePrevious];
  }
  return previous[n]!;
}
