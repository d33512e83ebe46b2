/** Edit distance (insertions, deletions, substitutions; a swap of two neighbours counts as one). */
function distance(a: string, b: string): number {
  const rows = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) rows[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(rows[i - 1]![j]! + 1, rows[i]![j - 1]! + 1, rows[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, rows[i - 2]![j - 2]! + 1);
      rows[i]![j] = d;
    }
  }
  return rows[a.length]![b.length]!;
}

/**
 * The candidate `name` was most likely meant to be (`multipart_treshold` → `multipart_threshold`,
 * `credentials` → `credential`), compared without case and without `_`: one within 2 edits (1 for
 * names of up to 4 characters), the closest, or `undefined` when none is that close.
 *
 * @throws nothing.
 */
export function closestName(name: string, candidates: Iterable<string>): string | undefined {
  const plain = (s: string): string => s.toLowerCase().replace(/_/g, "");
  const wanted = plain(name);
  const limit = wanted.length <= 4 ? 1 : 2;
  let best: { name: string; d: number } | undefined;
  for (const candidate of candidates) {
    const d = distance(wanted, plain(candidate));
    if (d <= limit && (best === undefined || d < best.d)) best = { name: candidate, d };
  }
  return best?.name;
}
