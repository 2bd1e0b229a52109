import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { ControlDb, DestinationStore } from '@pushrail/control-db';
import type { Logger, PushrailMetrics } from '@pushrail/observability';
import type { Redis } from 'ioredis';
import { DeadLetterSink } from './dead-letter-sink';
import { DEFAULT_FLEET_OPTIONS, DestinationConsumers, type FleetOptions } from './destination-consumers';
import { DestinationDirectory } from './destination-directory';
import { DestinationLeases } from './destination-leases';

export interface WorkerDeps {
  db: ControlDb;
  store: DestinationStore;
  /** A consumer-role connection (commands wait for reconnects). */
  redis: Redis;
  prefix: string;
  metrics: PushrailMetrics;
  logger: Logger;
  allowPrivateHosts: boolean;
}

export interface WorkerOptions extends Partial<FleetOptions> {
  maxDestinations: number;
  /** Jobs one destination's worker holds at once. */
  jobConcurrency?: number;
  /** How long transient failures are retried before dead-lettering, in milliseconds. */
  retryWindowMs?: number;
}

/** Jobs a destination's BullMQ worker holds at once: enough for its batches to fill from small jobs. */
export const DEFAULT_JOB_CONCURRENCY = 200;

/** One worker process's delivery machinery, built from its dependencies. */
export function createWorker(deps: WorkerDeps, options: WorkerOptions) {
  const workerId = `${hostname()}-${process.pid}-${randomUUID().slice(0, 8)}`;
  const consumers = new DestinationConsumers(
    {
      redis: deps.redis,
      prefix: deps.prefix,
      leases: new DestinationLeases(deps.redis, deps.prefix, workerId),
      directory: new DestinationDirectory(deps.store),
      consumerDeps: {
        redis: deps.redis,
        prefix: deps.prefix,
        deadLetters: new DeadLetterSink(deps.db, deps.metrics),
        metrics: deps.metrics,
        logger: deps.logger,
        allowPrivateHosts: deps.allowPrivateHosts,
        jobConcurrency: options.jobConcurrency ?? DEFAULT_JOB_CONCURRENCY,
        ...(options.retryWindowMs !== undefined ? { retryWindowMs: options.retryWindowMs } : {}),
      },
      logger: deps.logger.child({ workerId }),
    },
    {
      ...DEFAULT_FLEET_OPTIONS,
      ...options,
    },
  );
  return { workerId, consumers };
}
