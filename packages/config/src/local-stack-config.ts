import path from 'node:path';
import { z } from 'zod';
import * as f from './env-fields';
import { parseEnv } from './parse-env';

/** Port 0 is refused: the stack must know the port to print it. */
const requestedPortNumber = z.coerce.number({ error: 'must be a port number from 1 to 65535' }).int().min(1).max(65535);

/** A port the stack wants; only an `explicit` one is worth failing over when it is taken. */
export interface RequestedPort {
  port: number;
  explicit: boolean;
}

function requestedPort(value: number | undefined, fallback: number): RequestedPort {
  return value === undefined ? { port: fallback, explicit: false } : { port: value, explicit: true };
}

/**
 * `pnpm start`: every variable is optional. An unset REDIS_URL or
 * DATABASE_URL makes the stack start its own server; unset keys are
 * generated. `home` defaults to `<defaultHome>` (the caller knows where the
 * repository is).
 */
export function localStackEnvSchema(defaultHome: string) {
  return z
    .object({
      REDIS_URL: f.optionalWithoutDefault(f.redisUrl),
      DATABASE_URL: f.databaseUrl.optional(),
      PORT: requestedPortNumber.optional(),
      WORKER_METRICS_PORT: requestedPortNumber.optional(),
      /** Where the stack keeps its servers' data, secrets and demo ids. */
      PUSHRAIL_HOME: z.string().default(defaultHome),
      PUSHRAIL_ENCRYPTION_KEY: f.encryptionKey.optional(),
      PUSHRAIL_ADMIN_TOKEN: f.adminToken.optional(),
      /** The children's pino level: quiet by default so the terminal stays readable. */
      LOG_LEVEL: f.logLevel.unwrap().default('warn'),
    })
    .refine((env) => env.PORT === undefined || env.PORT !== env.WORKER_METRICS_PORT, {
      path: ['WORKER_METRICS_PORT'],
      message: 'must differ from PORT',
    })
    .transform((env) => ({
      redisUrl: env.REDIS_URL,
      databaseUrl: env.DATABASE_URL,
      ingestPort: requestedPort(env.PORT, f.DEFAULT_INGEST_PORT),
      workerMetricsPort: requestedPort(env.WORKER_METRICS_PORT, f.DEFAULT_WORKER_METRICS_PORT),
      home: path.resolve(env.PUSHRAIL_HOME),
      encryptionKey: env.PUSHRAIL_ENCRYPTION_KEY,
      adminToken: env.PUSHRAIL_ADMIN_TOKEN,
      logLevel: env.LOG_LEVEL,
    }));
}

/** Everything `pnpm start` is configured with. */
export type LocalStackEnv = z.infer<ReturnType<typeof localStackEnvSchema>>;

/** Parses `pnpm start`'s environment once, at boot; throws one ConfigError naming every bad variable. */
export function loadLocalStackEnv(env: NodeJS.ProcessEnv, defaultHome: string): LocalStackEnv {
  return parseEnv(localStackEnvSchema(defaultHome), env);
}
