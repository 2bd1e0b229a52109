/**
 * A destination's status for the portal, in the shape of
 * `GET /admin/v1/destinations/:id/status` (docs/operations.md). A stand-in
 * until the admin status route's own `readDestinationStatuses` lands: queue
 * figures from BullMQ's keys, dead-letter figures from the control database;
 * delivery figures (`lastDeliveredAt`, `delivered24h`) need the workers'
 * counters, which this stand-in does not have (null and 0).
 */
import type { ControlDb, DestinationRecord } from '@pushrail/control-db';
import { readQueueStats } from '@pushrail/queue';
import type { Redis } from 'ioredis';
import { z } from 'zod';

export const destinationStatusResponse = z.object({
  state: z
    .enum(['active', 'paused', 'backing_off'])
    .describe('`paused`: by an operator or by failures (`pausedReason`); `backing_off`: transient failures, the queue waits out a delay; else `active`'),
  pausedReason: z.enum(['operator', 'failures']).optional().describe('Only when paused'),
  pausedMessage: z.string().nullable().optional().describe('Only when paused: why, in words'),
  queueDepth: z.number().int().min(0).describe('Jobs not yet delivered (waiting, paused, delayed or held by a worker); a job holds one or more events'),
  oldestWaitingSec: z.number().int().min(0).describe('Age of the oldest waiting job, in seconds (0 when none waits)'),
  lastDeliveredAt: z.iso.datetime().nullable().describe('When a batch last committed rows'),
  lastError: z
    .object({
      at: z.iso.datetime(),
      kind: z.string().describe('`transient`, `permanent` or `bad_row`'),
      code: z.string().nullable(),
      message: z.string(),
    })
    .nullable()
    .describe('The last delivery error, or null'),
  delivered24h: z.number().int().min(0).describe('Rows written in the last 24 hours'),
  deadLettered24h: z.number().int().min(0).describe('Events dead-lettered in the last 24 hours'),
});
export type DestinationStatusResponse = z.output<typeof destinationStatusResponse>;

export interface DestinationStatusDeps {
  db: ControlDb;
  redis: Redis;
  prefix: string;
}

/** Dead letters of the last 24 hours and the newest error, per destination, in one query. */
const DEAD_LETTER_FIGURES = `
  SELECT d.id,
         (SELECT count(*)::int FROM dead_letters dl WHERE dl.destination_id = d.id AND dl.dead_lettered_at > now() - interval '24 hours') AS dead_lettered_24h,
         last.dead_lettered_at, last.error_kind, last.error_code, last.error_message
    FROM unnest($1::uuid[]) AS d(id)
    LEFT JOIN LATERAL (
      SELECT dead_lettered_at, error_kind, error_code, error_message FROM dead_letters dl
       WHERE dl.destination_id = d.id ORDER BY dl.id DESC LIMIT 1) last ON true`;

/** The status of each destination (records already loaded and authorised by the caller). */
export async function readDestinationStatuses(
  deps: DestinationStatusDeps,
  records: readonly DestinationRecord[],
): Promise<Map<string, DestinationStatusResponse>> {
  const ids = records.map((r) => r.id);
  const [queues, figures] = await Promise.all([
    readQueueStats(deps.redis, deps.prefix, ids),
    deps.db.pool.query(DEAD_LETTER_FIGURES, [ids]),
  ]);
  const byId = new Map(figures.rows.map((row) => [row.id as string, row]));
  const statuses = new Map<string, DestinationStatusResponse>();
  for (const record of records) {
    const queue = queues.get(record.id)!;
    const row = byId.get(record.id);
    statuses.set(record.id, {
      state: record.pausedReason ? 'paused' : 'active',
      ...(record.pausedReason ? { pausedReason: record.pausedReason, pausedMessage: record.pausedMessage } : {}),
      queueDepth: queue.waiting + queue.active + queue.delayed,
      oldestWaitingSec: Math.round(queue.oldestWaitingAgeSec),
      lastDeliveredAt: null,
      lastError: row?.dead_lettered_at
        ? { at: (row.dead_lettered_at as Date).toISOString(), kind: row.error_kind, code: row.error_code, message: row.error_message }
        : null,
      delivered24h: 0,
      deadLettered24h: row?.dead_lettered_24h ?? 0,
    });
  }
  return statuses;
}
