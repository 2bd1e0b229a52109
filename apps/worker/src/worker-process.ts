import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { ControlDb, DestinationStore } from '@pushrail/control-db';
import type { Logger, PushrailMetrics } from '@pushrail/observability';
import type { Redis } from 'ioredis';
import { DestinationHealth } from './destination-health';
import { DeadLetterSink } from './dead-letter-sink';
import { DeadLetterSweeper } from './dead-letter-sweeper';
import { DEFAULT_FLEET_OPTIONS, DestinationConsumers, type FleetOptions } from './destination-consumers';
import { DestinationDirectory } from './destination-directory';
import { DestinationLeases } from './destination-leases';
import { WorkIndexAudit } from './work-index-audit';

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
  /** Jobs one destination's worker holds at most (held alone in the process). */
  jobConcurrency?: number;
  /** How long transient failures are retried before dead-lettering, in milliseconds. */
  retryWindowMs?: number;
  /** Permanent failures for this long pause a destination, in milliseconds. */
  autoPauseAfterMs?: number;
  /** How often the dead-letter sweeper and the work-index audit run, in milliseconds. */
  sweepIntervalMs?: number;
}

/** Defaults of the worker's failure handling (the config schema states the same for production). */
export const DEFAULT_AUTO_PAUSE_AFTER_MS = 600_000;
export const DEFAULT_SWEEP_INTERVAL_MS = 30_000;

/**
 * Jobs a destination's BullMQ worker holds at once when it is the only one
 * its process holds; with more, they share PROCESS_JOB_BUDGET (job-budget.ts).
 * With jobs of up to 500 events (group commit, batch requests) that bounds
 * the events held in memory (~8,000); when all are held the open batch is
 * written at once, so small jobs do not wait out the flush window either.
 */
export const DEFAULT_JOB_CONCURRENCY = 16;

/** One worker process's delivery machinery, built from its dependencies. */
export function createWorker(deps: WorkerDeps, options: WorkerOptions) {
  const workerId = `${hostname()}-${process.pid}-${randomUUID().slice(0, 8)}`;
  const deadLetters = new DeadLetterSink(deps.db, deps.metrics);
  const logger = deps.logger.child({ workerId });
  const sweepIntervalMs = options.sweepIntervalMs ?? DEFAULT_SWEEP_INTERVAL_MS;
  const sweeper = new DeadLetterSweeper(
    { db: deps.db, redis: deps.redis, prefix: deps.prefix, deadLetters, logger },
    sweepIntervalMs,
  );
  const audit = new WorkIndexAudit({ db: deps.db, redis: deps.redis, prefix: deps.prefix, logger }, sweepIntervalMs);
  const consumers = new DestinationConsumers(
    {
      redis: deps.redis,
      prefix: deps.prefix,
      leases: new DestinationLeases(deps.redis, deps.prefix, workerId),
      directory: new DestinationDirectory(deps.store),
      consumerDeps: {
        redis: deps.redis,
        prefix: deps.prefix,
        deadLetters,
        health: new DestinationHealth({ db: deps.db, redis: deps.redis, prefix: deps.prefix, logger }, options.autoPauseAfterMs ?? DEFAULT_AUTO_PAUSE_AFTER_MS),
        metrics: deps.metrics,
        logger: deps.logger,
        allowPrivateHosts: deps.allowPrivateHosts,
        jobConcurrency: options.jobConcurrency ?? DEFAULT_JOB_CONCURRENCY,
        ...(options.retryWindowMs !== undefined ? { retryWindowMs: options.retryWindowMs } : {}),
      },
      logger,
    },
    {
      ...DEFAULT_FLEET_OPTIONS,
      ...options,
    },
  );
  return { workerId, consumers, sweeper, audit };
}
