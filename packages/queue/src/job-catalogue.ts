import type { JobsOptions } from 'bullmq';
import { deliverPayloadSchema } from './deliver-payload';

/**
 * The retry schedule of a failing destination, in seconds: exponential from
 * `baseDelaySec`, doubled each attempt, capped at `maxDelaySec`, with ±`jitter`
 * (a fraction) so a fleet does not retry in step. How long it goes on before
 * the event is dead-lettered is configuration (PUSHRAIL_RETRY_WINDOW_HOURS).
 * Attempts count from 1.
 */
export const RETRY_SCHEDULE = {
  baseDelaySec: 1,
  maxDelaySec: 300,
  jitter: 0.2,
} as const;

/** The delay before retry number `attemptsMade` (1 = first retry), in milliseconds. */
export function retryDelayMs(attemptsMade: number, random: () => number = Math.random): number {
  const exponent = Math.max(0, attemptsMade - 1);
  const base = Math.min(RETRY_SCHEDULE.maxDelaySec, RETRY_SCHEDULE.baseDelaySec * 2 ** Math.min(exponent, 30));
  const jittered = base * (1 + RETRY_SCHEDULE.jitter * (2 * random() - 1));
  return Math.round(jittered * 1000);
}

/** The BullMQ backoff type whose delays `retryDelayMs` computes (the worker registers it). */
export const BACKOFF_TYPE = 'pushrail-exponential';

/**
 * Attempts BullMQ may make of one job: a ceiling only. The real limit is time
 * (PUSHRAIL_RETRY_WINDOW_HOURS), checked by the worker; with delays capped
 * at 300 s, the default 24 hours is about 300 attempts.
 */
export const MAX_ATTEMPTS = 2000;

/** `deliver`: a group of events for one destination. Payloads carry ids and events, never credentials. */
export const DELIVER_JOB = {
  name: 'deliver',
  payload: deliverPayloadSchema,
  options: {
    attempts: MAX_ATTEMPTS,
    backoff: { type: BACKOFF_TYPE },
    // Completed jobs go at once: the rows are in the customer's table, Redis memory is for backlog.
    removeOnComplete: true,
    // Failed jobs stay a week for Bull Board and the dead-letter sweeper; dead_letters is the record.
    removeOnFail: { age: 7 * 24 * 60 * 60 },
  } satisfies JobsOptions,
} as const;
