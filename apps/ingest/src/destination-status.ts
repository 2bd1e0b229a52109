import type { DestinationRecord } from '@pushrail/control-db';
import { DeliveryStats, queueLimiterKey, readQueueStats } from '@pushrail/queue';
import type { Redis } from 'ioredis';
import type { DestinationStatusResponse } from './routes/admin/destination-status-schemas';

export type { DestinationStatusResponse } from './routes/admin/destination-status-schemas';

/** What reading a destination's status needs: the producer's Redis connection and key prefix. */
export interface DestinationStatusDeps {
  redis: Redis;
  prefix: string;
}

/**
 * Any limiter value above this is a backoff, not the limiter counting jobs:
 * BullMQ's `queue.rateLimit(ms)` stores Number.MAX_SAFE_INTEGER, and the
 * worker's limiter ceiling is 1,000,000 jobs a second (queueLimiterKey).
 */
const BACKOFF_MARK = 1_000_000;

/**
 * The status of destinations, read from Redis only (the records come from
 * the caller, who has already loaded and authorised them): queue figures
 * from BullMQ's keys, delivery figures from the counters workers keep per
 * batch (DeliveryStats). Every command for every destination goes out at
 * once, so a page of destinations costs one round trip or two, and nothing
 * scans the customer's table or the dead-letter table. Shared by the admin
 * route and the tenant-scoped portal.
 */
export async function readDestinationStatuses(
  deps: DestinationStatusDeps,
  records: readonly DestinationRecord[],
): Promise<Map<string, DestinationStatusResponse>> {
  const ids = records.map((r) => r.id);
  const stats = new DeliveryStats(deps.redis, deps.prefix);
  const [queues, figures, limiters] = await Promise.all([
    readQueueStats(deps.redis, deps.prefix, ids),
    stats.read(ids),
    Promise.all(ids.map((id) => deps.redis.get(queueLimiterKey(deps.prefix, id)))),
  ]);
  const statuses = new Map<string, DestinationStatusResponse>();
  records.forEach((record, i) => {
    const queue = queues.get(record.id)!;
    const delivery = figures.get(record.id)!;
    const backingOff = Number(limiters[i] ?? 0) > BACKOFF_MARK;
    statuses.set(record.id, {
      state: record.pausedReason ? 'paused' : backingOff ? 'backing_off' : 'active',
      ...(record.pausedReason ? { pausedReason: record.pausedReason, pausedMessage: record.pausedMessage } : {}),
      queueDepth: queue.waiting + queue.active + queue.delayed,
      oldestWaitingSec: Math.round(queue.oldestWaitingAgeSec),
      lastDeliveredAt: delivery.lastDeliveredAt?.toISOString() ?? null,
      lastError: delivery.lastError,
      delivered24h: delivery.delivered24h,
      deadLettered24h: delivery.deadLettered24h,
    });
  });
  return statuses;
}

/** One destination's status (see {@link readDestinationStatuses}). */
export async function readDestinationStatus(deps: DestinationStatusDeps, record: DestinationRecord): Promise<DestinationStatusResponse> {
  return (await readDestinationStatuses(deps, [record])).get(record.id)!;
}
