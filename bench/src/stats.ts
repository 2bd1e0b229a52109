/** Small numeric helpers: percentiles and rates, with units in the names. */

/** The `q` quantile (0..1) of `values` by nearest rank; NaN when empty. Sorts a copy. */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = Float64Array.from(values).sort();
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[rank]!;
}

export interface LatencySummaryMs {
  p50: number;
  p99: number;
  max: number;
}

export function summarizeMs(values: readonly number[]): LatencySummaryMs {
  if (values.length === 0) return { p50: Number.NaN, p99: Number.NaN, max: Number.NaN };
  const sorted = Float64Array.from(values).sort();
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
  return { p50: round(at(0.5), 2), p99: round(at(0.99), 2), max: round(sorted[sorted.length - 1]!, 2) };
}

/** Events per second of `count` over `ms` milliseconds, rounded to whole events. */
export function perSecond(count: number, ms: number): number {
  return ms > 0 ? Math.round((count * 1000) / ms) : 0;
}

export function round(value: number, digits = 0): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
