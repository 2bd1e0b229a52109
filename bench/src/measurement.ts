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
  steadyRatePerSec: number;
  steadySeconds: number;
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
        steadyRatePerSec: 5_000,
        steadySeconds: 4,
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
        steadyRatePerSec: 5_000,
        steadySeconds: 20,
        backlogEvents: 1_000_000,
        settleTimeoutMs: 300_000,
      };
}
