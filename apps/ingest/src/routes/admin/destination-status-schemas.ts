import { z } from 'zod';

/** `GET /admin/v1/destinations/:id/status`: a destination's state and delivery figures, cheap to poll. */
export const destinationStatusResponse = z.object({
  state: z
    .enum(['active', 'paused', 'backing_off'])
    .describe('`paused`: by an operator or by failures (`pausedReason`); `backing_off`: transient failures, the queue waits out a delay; else `active`'),
  pausedReason: z.enum(['operator', 'failures']).optional().describe('Only when paused'),
  pausedMessage: z.string().nullable().optional().describe('Only when paused: why, in words'),
  queueDepth: z.number().int().min(0).describe('Jobs not yet delivered (waiting, paused, delayed or held by a worker); a job holds one or more events'),
  oldestWaitingSec: z.number().int().min(0).describe('Age of the oldest waiting job, in seconds (0 when none waits)'),
  lastDeliveredAt: z.iso.datetime().nullable().describe('When a batch last committed rows (kept 30 days)'),
  lastError: z
    .object({
      at: z.iso.datetime(),
      kind: z.string().describe('`transient`, `permanent` or `bad_row`'),
      code: z.string().nullable(),
      message: z.string(),
    })
    .nullable()
    .describe('The last delivery error, or null'),
  delivered24h: z.number().int().min(0).describe('Rows written in the last 24 hours (to 10 minutes)'),
  deadLettered24h: z.number().int().min(0).describe('Events dead-lettered in the last 24 hours (to 10 minutes)'),
});
export type DestinationStatusResponse = z.output<typeof destinationStatusResponse>;
