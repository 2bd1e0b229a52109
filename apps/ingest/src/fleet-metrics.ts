import { countPendingDeadLetters, type ControlDb } from '@pushrail/control-db';
import type { PushrailMetrics } from '@pushrail/observability';
import { readQueueStats, type QueueStats } from '@pushrail/queue';
import type { Redis } from 'ioredis';
import { Gauge } from '@pushrail/observability';

/** How long one reading of the fleet is reused across scrapes, in milliseconds. */
const SNAPSHOT_TTL_MS = 5_000;

interface FleetSnapshot {
  destinations: Array<{ id: string; tenantId: string; name: string; type: string; pausedReason: string | null; maxConnections: number }>;
  queues: Map<string, QueueStats>;
  deadLetters: Array<{ destinationId: string; errorKind: string; count: number }>;
}

/**
 * Gauges about every destination, read at scrape time from Redis and the
 * control database (so a destination no worker holds is still seen): queue
 * depths and the oldest waiting event, pauses, dead letters not yet
 * redriven, the connection budget. Every ingest process reports the same
 * figures; dashboards and alerts take `max by (destination_id)`.
 */
export function registerFleetGauges(metrics: PushrailMetrics, deps: { db: ControlDb; redis: Redis; prefix: string }): void {
  let snapshot: Promise<FleetSnapshot> | undefined;
  let takenAt = 0;
  const read = (): Promise<FleetSnapshot> => {
    if (!snapshot || Date.now() - takenAt > SNAPSHOT_TTL_MS) {
      takenAt = Date.now();
      snapshot = (async () => {
        const records = await deps.db.listDestinations();
        const destinations = records.map((r) => ({
          id: r.id,
          tenantId: r.tenantId,
          name: r.name,
          type: r.type,
          pausedReason: r.pausedReason,
          maxConnections: Number((r.config as { maxConnections?: number }).maxConnections ?? 4),
        }));
        const [queues, deadLetters] = await Promise.all([
          readQueueStats(deps.redis, deps.prefix, destinations.map((d) => d.id)),
          countPendingDeadLetters(deps.db),
        ]);
        return { destinations, queues, deadLetters };
      })();
      snapshot.catch(() => {
        snapshot = undefined;
      });
    }
    return snapshot;
  };

  const queueGauge = (name: string, help: string, pick: (s: QueueStats) => number) =>
    new Gauge({
      name,
      help,
      labelNames: ['destination_id'] as const,
      registers: [metrics.registry],
      // Every process reads the same fleet: a cluster's aggregate is one reading, not their sum.
      aggregator: 'max',
      async collect() {
        this.reset();
        const { queues } = await read();
        for (const [id, stats] of queues) this.set({ destination_id: id }, pick(stats));
      },
    });

  queueGauge('pushrail_queue_waiting', 'Jobs waiting in the destination queue (paused ones included).', (s) => s.waiting);
  queueGauge('pushrail_queue_active', 'Jobs a worker holds for the destination now.', (s) => s.active);
  queueGauge('pushrail_queue_delayed', 'Jobs waiting for a retry delay.', (s) => s.delayed);
  queueGauge('pushrail_queue_failed', "Jobs in the destination queue's failed set (kept 7 days).", (s) => s.failed);
  queueGauge('pushrail_queue_oldest_waiting_age_seconds', 'Age of the oldest waiting job, in seconds.', (s) => s.oldestWaitingAgeSec);

  new Gauge({
    name: 'pushrail_destination_paused',
    help: 'Whether the destination is paused (1) and why: operator or failures.',
    labelNames: ['destination_id', 'reason'] as const,
    registers: [metrics.registry],
    aggregator: 'max',
    async collect() {
      this.reset();
      for (const d of (await read()).destinations) {
        for (const reason of ['operator', 'failures']) this.set({ destination_id: d.id, reason }, d.pausedReason === reason ? 1 : 0);
      }
    },
  });

  // Joined on destination_id (`* on (destination_id) group_left(name) pushrail_destination_info`), so dashboards show names, not UUIDs.
  new Gauge({
    name: 'pushrail_destination_info',
    help: 'Always 1: the name, tenant and type of each destination, for joining on destination_id.',
    labelNames: ['destination_id', 'tenant_id', 'name', 'type'] as const,
    registers: [metrics.registry],
    async collect() {
      this.reset();
      for (const d of (await read()).destinations) this.set({ destination_id: d.id, tenant_id: d.tenantId, name: d.name, type: d.type }, 1);
    },
  });

  new Gauge({
    name: 'pushrail_destination_connections_max',
    help: 'Connections the whole worker fleet may hold to the destination database (maxConnections).',
    labelNames: ['destination_id'] as const,
    registers: [metrics.registry],
    aggregator: 'max',
    async collect() {
      this.reset();
      for (const d of (await read()).destinations) this.set({ destination_id: d.id }, d.maxConnections);
    },
  });

  new Gauge({
    name: 'pushrail_dead_letters',
    help: 'Dead letters not yet redriven, per destination and error kind.',
    labelNames: ['destination_id', 'error_kind'] as const,
    registers: [metrics.registry],
    aggregator: 'max',
    async collect() {
      this.reset();
      for (const row of (await read()).deadLetters) this.set({ destination_id: row.destinationId, error_kind: row.errorKind }, row.count);
    },
  });
}
