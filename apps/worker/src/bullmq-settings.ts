import { retryDelayMs } from '@pushrail/queue';

/**
 * How long a job's lock lasts without renewal, in milliseconds. BullMQ renews
 * it every half of this while the job is held (also while it waits in a
 * batch); a killed worker's jobs are taken back once it runs out.
 */
export const LOCK_DURATION_MS = 15_000;

/**
 * How long a destination's worker waits after finding its queue empty before
 * it looks again, in milliseconds (see PacedWorker). Jobs that trickle in are
 * then fetched several at a time instead of one blocking wait each, which
 * saves worker and Redis CPU per event in the bench's single-event run
 * (bench/RESULTS.md). It adds at most this much to
 * received→committed, against a flush window of seconds.
 */
export const IDLE_FETCH_DELAY_MS = 20;

/** How often stalled jobs (locks run out) are moved back to wait, in milliseconds. */
export const STALLED_INTERVAL_MS = 5_000;

/**
 * Times a job may stall (its worker died) before BullMQ fails it. High: a
 * stall is the worker's fault, never the event's, and the event must land.
 */
export const MAX_STALLED_COUNT = 1_000;

/**
 * The limiter every destination worker runs with. Its ceiling is never
 * reached; it is there because BullMQ honours `queue.rateLimit(ms)` (how a
 * failing destination is backed off as a whole) only on a limited queue.
 */
export const LIMITER = { max: 1_000_000, duration: 1_000 } as const;

/** Longest a backed-off destination's worker sleeps before looking again, in milliseconds. */
export const MAX_RATE_LIMIT_DELAY_MS = 300_000;

/** The backoff strategy named in the job catalogue (`BACKOFF_TYPE`), the only one jobs use. */
export function backoffStrategy(attemptsMade: number): number {
  return retryDelayMs(attemptsMade);
}
