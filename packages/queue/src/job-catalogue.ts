import type { JobsOptions } from 'bullmq';
import { isUuid } from '@pushrail/events';
import { z } from 'zod';

/**
 * The retry schedule of a failing destination, in seconds: exponential from
 * `baseDelaySec`, doubled each attempt, capped at `maxDelaySec`, with ±`jitter`
 * (a fraction) so a fleet does not retry in step, for `maxAgeSec` before the
 * event is dead-lettered. Attempts count from 1.
 */
export const RETRY_SCHEDULE = {
  baseDelaySec: 1,
  maxDelaySec: 300,
  jitter: 0.2,
  maxAgeSec: 24 * 60 * 60,
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
 * (`RETRY_SCHEDULE.maxAgeSec`), checked by the worker; with delays capped at
 * 300 s, 24 hours is about 300 attempts.
 */
export const MAX_ATTEMPTS = 2000;

/** An event inside a job: light checks only, the full envelope was validated at ingest. */
export const queuedEventSchema = z.object({
  id: z.string().uuid(),
  receivedAt: z.number().int().positive(),
  event: z
    .object({ eventType: z.string(), occurredAt: z.string(), source: z.string(), payload: z.record(z.string(), z.unknown()) })
    .passthrough(),
});

/** `deliver`: a group of events for one destination. Payloads carry ids and events, never credentials. */
export const DELIVER_JOB = {
  name: 'deliver',
  payload: z.object({ events: z.array(queuedEventSchema).min(1) }),
  options: {
    attempts: MAX_ATTEMPTS,
    backoff: { type: BACKOFF_TYPE },
    // Completed jobs go at once: the rows are in the customer's table, Redis memory is for backlog.
    removeOnComplete: true,
    // Failed jobs stay a week for Bull Board and the dead-letter sweeper; dead_letters is the record.
    removeOnFail: { age: 7 * 24 * 60 * 60 },
  } satisfies JobsOptions,
} as const;

export type DeliverJobPayload = z.infer<typeof DELIVER_JOB.payload>;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Reads a `deliver` payload. The same checks as `DELIVER_JOB.payload`, written
 * out by hand for the hot path: running the zod schema over 500 events per
 * job took about 9 % of the worker's CPU (bench/RESULTS.md). zod still
 * words the problem when the payload is bad.
 */
export function readDeliverPayload(data: unknown): { ok: true; payload: DeliverJobPayload } | { ok: false; problem: string } {
  const events = isRecord(data) ? data.events : undefined;
  if (Array.isArray(events) && events.length > 0) {
    let good = true;
    for (const queued of events) {
      const event = isRecord(queued) ? queued.event : undefined;
      if (
        !isRecord(queued) ||
        typeof queued.id !== 'string' ||
        !isUuid(queued.id) ||
        typeof queued.receivedAt !== 'number' ||
        !Number.isInteger(queued.receivedAt) ||
        queued.receivedAt <= 0 ||
        !isRecord(event) ||
        typeof event.eventType !== 'string' ||
        typeof event.occurredAt !== 'string' ||
        typeof event.source !== 'string' ||
        !isRecord(event.payload)
      ) {
        good = false;
        break;
      }
    }
    if (good) return { ok: true, payload: data as DeliverJobPayload };
  }
  const result = DELIVER_JOB.payload.safeParse(data);
  if (result.success) return { ok: true, payload: result.data };
  const issue = result.error.issues[0];
  return { ok: false, problem: issue ? `${issue.path.join('.') || '(root)'}: ${issue.message}` : 'unreadable' };
}
