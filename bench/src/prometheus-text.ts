/** Reading the few figures the bench needs out of Prometheus text exposition. */

/** Sum of every sample of a counter or gauge (all label sets). */
export function scrapeCounter(text: string, name: string): number {
  let total = 0;
  for (const line of text.split('\n')) {
    if (line.startsWith(`${name}{`) || line.startsWith(`${name} `)) total += Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return total;
}

/**
 * The upper bound of the histogram bucket that holds quantile `q`, summed
 * over label sets and over several processes' texts: a bound, not an
 * interpolation (the worker's buckets are coarse: …, 1, 1.25, 1.5, … s).
 */
export function histogramQuantileBound(texts: readonly string[], name: string, q: number): number {
  const buckets = new Map<number, number>();
  for (const text of texts) {
    for (const line of text.split('\n')) {
      if (!line.startsWith(`${name}_bucket{`)) continue;
      const le = /le="([^"]+)"/.exec(line)?.[1];
      if (le === undefined) continue;
      const bound = le === '+Inf' ? Number.POSITIVE_INFINITY : Number(le);
      buckets.set(bound, (buckets.get(bound) ?? 0) + Number(line.slice(line.lastIndexOf(' ') + 1)));
    }
  }
  const sorted = [...buckets].sort((a, b) => a[0] - b[0]);
  const total = sorted.at(-1)?.[1] ?? 0;
  if (total === 0) return Number.NaN;
  return sorted.find(([, cumulative]) => cumulative >= q * total)?.[0] ?? Number.NaN;
}
