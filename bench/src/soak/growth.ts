/** Whether a resource grows without bound: a straight line fitted to the last two thirds of its samples. */

/** One sample of one series: seconds since the run started, and the value. */
export interface Point {
  tSec: number;
  value: number;
}

/** What a series may gain per hour before the soak calls it unbounded. */
export interface GrowthRule {
  /** A share of the series' median over the fitted window (0.25 = a quarter of it an hour). */
  relativePerHour: number;
  /** And at least this much per hour, in the series' own unit, so noise on a small value passes. */
  absolutePerHour: number;
}

export interface GrowthVerdict {
  /** Least-squares slope over the last two thirds, in units per hour. */
  slopePerHour: number;
  /** Median value over that window. */
  median: number;
  /** The most it may grow per hour under the rule. */
  allowedPerHour: number;
  bounded: boolean;
}

/** Least-squares slope of value over time, in units per second; 0 for fewer than two distinct times. */
export function fittedSlopePerSec(points: readonly Point[]): number {
  const n = points.length;
  if (n < 2) return 0;
  const meanT = points.reduce((s, p) => s + p.tSec, 0) / n;
  const meanV = points.reduce((s, p) => s + p.value, 0) / n;
  let num = 0;
  let den = 0;
  for (const p of points) {
    num += (p.tSec - meanT) * (p.value - meanV);
    den += (p.tSec - meanT) ** 2;
  }
  return den === 0 ? 0 : num / den;
}

/**
 * The first third of a run is warm-up (caches, JIT, pools filling, the
 * outage's backlog); a resource that still climbs over the other two thirds
 * faster than the rule allows grows without bound.
 */
export function judgeGrowth(points: readonly Point[], rule: GrowthRule): GrowthVerdict {
  const usable = points.filter((p) => Number.isFinite(p.value));
  const window = usable.slice(Math.floor(usable.length / 3));
  const slopePerHour = fittedSlopePerSec(window) * 3600;
  const sorted = window.map((p) => p.value).sort((a, b) => a - b);
  const median = sorted.length === 0 ? 0 : sorted[Math.floor(sorted.length / 2)]!;
  const allowedPerHour = Math.max(rule.absolutePerHour, rule.relativePerHour * median);
  return { slopePerHour, median, allowedPerHour, bounded: slopePerHour <= allowedPerHour };
}
