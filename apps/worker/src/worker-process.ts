import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { ControlDb, DestinationStore } from '@pushrail/control-db';
import type { Logger, PushrailMetrics } from '@pushrail/observability';
import type { WorkerTuning } from '@pushrail/config';
import { DeliveryStats } from '@pushrail/queue';
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

/**
 * How a worker process shares and retries its work: the production values
 * come from PUSHRAIL_* variables (@pushrail/config's WorkerTuning, where the
 * defaults are); tests may also tune the fleet's timing and job budget.
 */
export interface WorkerOptions extends WorkerTuning, Partial<Omit<FleetOptions, 'maxDestinations'>> {
  /** Jobs one destination's worker holds at most (held alone in the process). */
  jobConcurrency?: number;
}

/**
 * Jobs a destination's BullMQ worker holds at once when it is the only one
 * its process holds; with more, they share PROCESS_JOB_BUDGET (job-budget.ts).
 * With jobs of up to 500 events (group commit, batch requests) that bounds
 * the events held in memory (~8,000); when all are held the open batch is
 * written at once, so small jobs do not wait out the flush window either.
 */
const DEFAULT_JOB_CONCURRENCY = 16;

/** One worker process's delivery machinery, built from its dependencies. */
export function createWorker(deps: WorkerDeps, options: WorkerOptions) {
  const workerId = `${hostname()}-${process.pid}-${randomUUID().slice(0, 8)}`;
  const stats = new DeliveryStats(deps.redis, deps.prefix);
  const deadLetters = new DeadLetterSink(deps.db, deps.metrics, stats);
  const logger = deps.logger.child({ workerId });
  const sweeper = new DeadLetterSweeper(
    { db: deps.db, redis: deps.redis, prefix: deps.prefix, deadLetters, logger, retentionMs: options.deadLetterRetentionMs },
    options.sweepIntervalMs,
  );
  const audit = new WorkIndexAudit({ db: deps.db, redis: deps.redis, prefix: deps.prefix, logger }, options.sweepIntervalMs);
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
        stats,
        health: new DestinationHealth({ db: deps.db, redis: deps.redis, prefix: deps.prefix, logger }, options.autoPauseAfterMs),
        metrics: deps.metrics,
        logger: deps.logger,
        allowPrivateHosts: deps.allowPrivateHosts,
        jobConcurrency: options.jobConcurrency ?? DEFAULT_JOB_CONCURRENCY,
        retryWindowMs: options.retryWindowMs,
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
