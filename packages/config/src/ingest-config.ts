import { z } from 'zod';
import * as f from './env-fields';
import { portalConfigOf, portalEnvShape } from './portal-fields';
import { parseEnv } from './parse-env';

export const ingestEnvSchema = z
  .object({
    REDIS_URL: f.redisUrl,
    ...f.controlStoreFields,
    PUSHRAIL_ADMIN_TOKEN: f.adminToken,
    PORT: f.port(f.DEFAULT_INGEST_PORT),
    PUSHRAIL_INGEST_PROCESSES: f.ingestProcesses,
    HOST: f.host,
    PUSHRAIL_ALLOW_PRIVATE_HOSTS: f.booleanFlag,
    LOG_LEVEL: f.logLevel,
    PUSHRAIL_REDIS_PREFIX: f.redisPrefix,
    ...portalEnvShape,
    PUSHRAIL_REDIS_MIN_REPLICAS: f.redisMinReplicas,
    PUSHRAIL_REDIS_REPLICA_TIMEOUT_MS: f.redisReplicaTimeoutMs,
  })
  .transform((env) => ({
    redisUrl: env.REDIS_URL,
    ...f.controlStoreOf(env),
    adminToken: env.PUSHRAIL_ADMIN_TOKEN,
    port: env.PORT,
    processes: env.PUSHRAIL_INGEST_PROCESSES,
    host: env.HOST,
    allowPrivateHosts: env.PUSHRAIL_ALLOW_PRIVATE_HOSTS,
    logLevel: env.LOG_LEVEL,
    redisPrefix: env.PUSHRAIL_REDIS_PREFIX,
    portal: portalConfigOf(env),
    redisMinReplicas: env.PUSHRAIL_REDIS_MIN_REPLICAS,
    redisReplicaTimeoutMs: env.PUSHRAIL_REDIS_REPLICA_TIMEOUT_MS,
  }));

/** Everything the ingest process is configured with. */
export type IngestConfig = z.infer<typeof ingestEnvSchema>;

export function loadIngestConfig(env: NodeJS.ProcessEnv = process.env): IngestConfig {
  return parseEnv(ingestEnvSchema, env);
}
