import { z } from 'zod';
import * as f from './env-fields';
import { parseEnv } from './parse-env';

export const workerEnvSchema = z
  .object({
    REDIS_URL: f.redisUrl,
    DATABASE_URL: f.databaseUrl,
    PUSHRAIL_ENCRYPTION_KEY: f.encryptionKey,
    PUSHRAIL_ENCRYPTION_OLD_KEYS: f.oldEncryptionKeys,
    WORKER_METRICS_PORT: f.port(9091),
    PUSHRAIL_ALLOW_PRIVATE_HOSTS: f.booleanFlag,
    LOG_LEVEL: f.logLevel,
    PUSHRAIL_REDIS_PREFIX: f.redisPrefix,
    /** Destinations one worker process delivers to at once; bounds its Redis and PostgreSQL connections. */
    PUSHRAIL_WORKER_MAX_DESTINATIONS: z.coerce.number().int().min(1).max(10_000).default(64),
  })
  .transform((env) => ({
    redisUrl: env.REDIS_URL,
    databaseUrl: env.DATABASE_URL,
    encryptionKey: env.PUSHRAIL_ENCRYPTION_KEY,
    oldEncryptionKeys: env.PUSHRAIL_ENCRYPTION_OLD_KEYS,
    metricsPort: env.WORKER_METRICS_PORT,
    allowPrivateHosts: env.PUSHRAIL_ALLOW_PRIVATE_HOSTS,
    logLevel: env.LOG_LEVEL,
    redisPrefix: env.PUSHRAIL_REDIS_PREFIX,
    maxDestinations: env.PUSHRAIL_WORKER_MAX_DESTINATIONS,
  }));

/** Everything a worker process is configured with. */
export type WorkerConfig = z.infer<typeof workerEnvSchema>;

export function loadWorkerConfig(env: NodeJS.ProcessEnv = process.env): WorkerConfig {
  return parseEnv(workerEnvSchema, env);
}
