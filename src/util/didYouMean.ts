/**
 * "Did you mean": the known names nearest to what was typed, by edit distance (insertions,
 * deletions, substitutions and swaps of neighbours each cost 1; case is ignored). Pure.
 */

export function editDistance(a: string, b: string): number {
  const s = a.toLowerCase();
  const t = b.toLowerCase();
  // Three rows of the optimal-string-alignment table: two back (for swaps), one back, current.
  let twoBack = new Array<number>(t.length + 1).fill(0);
  let oneBack = Array.from({ length: t.length + 1 }, (_, j) => j);
  for (let i = 1; i <= s.length; i++) {
    const row = [i];
    for (let j = 1; j <= t.length; j++) {
      const cost = s[i - 1] === t[j - 1] ? 0 : 1;
      let d = Math.min(oneBack[j]! + 1, row[j - 1]! + 1, oneBack[j - 1]! + cost);
      if (i > 1 && j > 1 && s[i - 1] === t[j - 2] && s[i - 2] === t[j - 1]) d = Math.min(d, twoBack[j - 2]! + 1);
      row.push(d);
    }
    twoBack = oneBack;
    oneBack = row;
  }
  return oneBack[t.length]!;
}

/**
 * The candidates within reach of `typed` (at most a third of its length, at least 1, at most 3
 * edits), or that begin with it, nearest first, ties in the candidates' order; at most `limit`.
 */
export function nearestNames(typed: string, candidates: Iterable<string>, limit = 3): string[] {
  const reach = Math.min(3, Math.max(1, Math.floor(typed.length / 3)));
  const scored: { name: string; distance: number; index: number }[] = [];
  let index = 0;
  for (const name of new Set(candidates)) {
    // A name the typed text begins (peak → peakRps) is near too, after the close misspellings.
    const prefix = typed.length >= 3 && name.toLowerCase().startsWith(typed.toLowerCase());
    const distance = Math.min(editDistance(typed, name), prefix ? reach + 0.5 : Infinity);
    if (distance <= reach + 0.5 && name !== typed) scored.push({ name, distance, index });
    index++;
  }
  return scored
    .sort((a, b) => a.distance - b.distance || a.index - b.index)
    .slice(0, limit)
    .map((s) => s.name);
}

/** "did you mean a, b or c?", or undefined when nothing is near. */
export function didYouMean(typed: string, candidates: Iterable<string>, limit = 3): string | undefined {
  const near = nearestNames(typed, candidates, limit);
  if (near.length === 0) return undefined;
  const list = near.length === 1 ? near[0]! : `${near.slice(0, -1).join(', ')} or ${near[near.length - 1]!}`;
  return `did you mean ${list}?`;
}
