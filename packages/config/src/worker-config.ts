import { z } from 'zod';
import * as f from './env-fields';
import { parseEnv } from './parse-env';

/**
 * How a worker shares and retries its work: every field has a default, so
 * `defaultWorkerTuning()` gives the production values (tests start workers
 * with them, overriding what they need).
 */
const workerTuningFields = {
  /** Destinations one worker process delivers to at once; bounds its Redis and PostgreSQL connections. */
  PUSHRAIL_WORKER_MAX_DESTINATIONS: z.coerce.number().int().min(1).max(10_000).default(64),
  /** How long transient failures are retried before the events are dead-lettered, in hours. */
  PUSHRAIL_RETRY_WINDOW_HOURS: z.coerce.number().min(0.001).max(24 * 30).default(24),
  /** A destination whose batches all fail permanently for this long is paused, in seconds. */
  PUSHRAIL_AUTO_PAUSE_AFTER_SEC: z.coerce.number().min(1).max(7 * 24 * 3600).default(600),
  /** How often the dead-letter sweeper and the work-index audit run, in seconds. */
  PUSHRAIL_SWEEP_INTERVAL_SEC: z.coerce.number().min(1).max(3600).default(30),
  /** How long a dead letter is kept after it is redriven or discarded, in days; then the sweeper deletes it. */
  PUSHRAIL_DEAD_LETTER_RETENTION_DAYS: z.coerce.number().min(0.001).max(3650).default(30),
};

type TuningEnv = z.infer<z.ZodObject<typeof workerTuningFields>>;

function tuningOf(env: TuningEnv) {
  return {
    maxDestinations: env.PUSHRAIL_WORKER_MAX_DESTINATIONS,
    retryWindowMs: env.PUSHRAIL_RETRY_WINDOW_HOURS * 3_600_000,
    autoPauseAfterMs: env.PUSHRAIL_AUTO_PAUSE_AFTER_SEC * 1000,
    sweepIntervalMs: env.PUSHRAIL_SWEEP_INTERVAL_SEC * 1000,
    deadLetterRetentionMs: env.PUSHRAIL_DEAD_LETTER_RETENTION_DAYS * 86_400_000,
  };
}

/** A worker's sharing and retry settings, in the units the code uses (milliseconds). */
export type WorkerTuning = ReturnType<typeof tuningOf>;

const workerTuningSchema = z.object(workerTuningFields).transform(tuningOf);

/** The production defaults of {@link WorkerTuning}, from the schema (the one place they are stated). */
export function defaultWorkerTuning(): WorkerTuning {
  return parseEnv(workerTuningSchema, {});
}

export const workerEnvSchema = z
  .object({
    REDIS_URL: f.redisUrl,
    ...f.controlStoreFields,
    WORKER_METRICS_PORT: f.port(f.DEFAULT_WORKER_METRICS_PORT),
    PUSHRAIL_ALLOW_PRIVATE_HOSTS: f.booleanFlag,
    LOG_LEVEL: f.logLevel,
    PUSHRAIL_REDIS_PREFIX: f.redisPrefix,
    ...workerTuningFields,
  })
  .transform((env) => ({
    redisUrl: env.REDIS_URL,
    ...f.controlStoreOf(env),
    metricsPort: env.WORKER_METRICS_PORT,
    allowPrivateHosts: env.PUSHRAIL_ALLOW_PRIVATE_HOSTS,
    logLevel: env.LOG_LEVEL,
    redisPrefix: env.PUSHRAIL_REDIS_PREFIX,
    tuning: tuningOf(env),
  }));

/** Everything a worker process is configured with. */
export type WorkerConfig = z.infer<typeof workerEnvSchema>;

export function loadWorkerConfig(env: NodeJS.ProcessEnv = process.env): WorkerConfig {
  return parseEnv(workerEnvSchema, env);
}
