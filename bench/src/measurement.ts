/** One line of the bench's table (and of latest.json). Figures are absent where a scenario has none. */
export interface Measurement {
  /** Stable key for goals and JSON (`drain.1d1w`). */
  key: string;
  /** What the line measures, for people. */
  label: string;
  events: number;
  eventsPerSec: number;
  /** Acknowledged events without a row (0 for the ceiling: its writes are all awaited). */
  lost: number;
  /** Rows never acknowledged, plus events a worker skipped as already there (a redelivery). */
  duplicated: number;
  ackP50Ms?: number;
  ackP99Ms?: number;
  committedP50Ms?: number;
  committedP99Ms?: number;
  ingestPeakRssMB?: number;
  workerPeakRssMB?: number;
  /** Anything else worth keeping (method, sizes, boot times). */
  detail?: Record<string, unknown>;
}

/** How big a run is: `quick` (under a minute) or `full`. */
export interface RunSize {
  quick: boolean;
  /** Rows written by each ceiling client set. */
  ceilingRows: number;
  baselineEvents: number;
  drainEvents: number;
  /** Events per job when pre-queuing the drain. */
  drainJobEvents: number;
  e2eSeconds: number;
  /**
   * Times `e2e.single` and `baseline.http` are each measured, in alternating
   * order; each line reports its median run. One 15-second run of each moved
   * the ratio between 3.2 and 4.1 × across runs on this machine.
   */
  singleRuns: number;
  /**
   * Runs of each of the two lines the drain and batch goals divide by and
   * into, the 4-connection ceiling and the 1-destination drain; each line is
   * its median run, because single runs of them move by up to 30 % minutes
   * apart on this machine (bench/RESULTS.md).
   */
  goalLineRuns: number;
  steadyRatePerSec: number;
  steadySeconds: number;
  /**
   * Seconds the steady load runs at the same rate before its measured
   * seconds, on processes just started: JIT compilation and first
   * connections. Their latencies are reported apart, not in p50/p99.
   */
  steadyWarmupSeconds: number;
  backlogEvents: number;
  /** Longest wait for the last row after the load, in ms. */
  settleTimeoutMs: number;
}

export function runSize(quick: boolean): RunSize {
  return quick
    ? {
        quick,
        ceilingRows: 50_000,
        baselineEvents: 5_000,
        drainEvents: 50_000,
        drainJobEvents: 500,
        e2eSeconds: 4,
        singleRuns: 1,
        goalLineRuns: 1,
        steadyRatePerSec: 5_000,
        steadySeconds: 4,
        steadyWarmupSeconds: 2,
        backlogEvents: 0,
        settleTimeoutMs: 60_000,
      }
    : {
        quick,
        ceilingRows: 200_000,
        baselineEvents: 30_000,
        drainEvents: 200_000,
        drainJobEvents: 500,
        e2eSeconds: 15,
        singleRuns: 3,
        goalLineRuns: 3,
        steadyRatePerSec: 5_000,
        steadySeconds: 20,
        steadyWarmupSeconds: 5,
        backlogEvents: 1_000_000,
        settleTimeoutMs: 300_000,
      };
}

/**
 * One line for a figure measured several times: the run with the median
 * events/s (the lower middle for an even count) stands for it, every run's
 * figures are kept in `detail.runs`, and lost and duplicated events are
 * summed over all runs (an event lost in any run counts).
 */
export function medianRun(runs: readonly Measurement[]): Measurement {
  if (runs.length === 0) throw new Error('medianRun needs at least one run');
  if (runs.length === 1) return runs[0]!;
  const sorted = [...runs].sort((a, b) => a.eventsPerSec - b.eventsPerSec);
  const median = sorted[Math.floor((sorted.length - 1) / 2)]!;
  return {
    ...median,
    label: `${median.label} (median of ${runs.length} runs)`,
    lost: runs.reduce((n, r) => n + r.lost, 0),
    duplicated: runs.reduce((n, r) => n + r.duplicated, 0),
    detail: {
      ...median.detail,
      runs: runs.map((r) => ({ eventsPerSec: r.eventsPerSec, events: r.events, lost: r.lost, duplicated: r.duplicated, ackP50Ms: r.ackP50Ms, ackP99Ms: r.ackP99Ms })),
    },
  };
}

/** `count` runs of `measure` (numbered from 1), one after another, as their median run (medianRun). */
export async function medianOfRuns(count: number, measure: (run: number) => Promise<Measurement>): Promise<Measurement> {
  const runs: Measurement[] = [];
  for (let run = 1; run <= count; run++) runs.push(await measure(run));
  return medianRun(runs);
}
