/**
 * Jobs all the destinations of one worker process hold at once, together:
 * with jobs of up to 500 events that bounds the events a process keeps in
 * memory (about 8,000) however many destinations it holds, unless each is
 * down to its minimum. Measured by `pnpm bench`: a worker's peak RSS follows
 * the jobs it holds (bench/RESULTS.md).
 */
export const PROCESS_JOB_BUDGET = 16;

/** Jobs each held destination keeps however many there are: two batches of 1,000 from jobs of 500. */
export const MIN_JOB_CONCURRENCY = 4;

/**
 * Jobs one destination's BullMQ worker may hold when its process holds
 * `heldDestinations`: an equal part of the budget, between the minimum and
 * `max` (a destination held alone gets `max`).
 */
export function jobConcurrencyFor(heldDestinations: number, max: number): number {
  const share = Math.floor(PROCESS_JOB_BUDGET / Math.max(1, heldDestinations));
  return Math.max(Math.min(MIN_JOB_CONCURRENCY, max), Math.min(max, share));
}
