import path from 'node:path';
import { ConfigError, parseEnv } from '@pushrail/config';
import { parseEncryptionKey } from '@pushrail/crypto';
import { z } from 'zod';

/** The repository root: this file runs from `apps/local-stack/dist`. */
export const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');

/** Ports the stack asks for when the environment names none (DESIGN.md defaults). */
export const DEFAULT_INGEST_PORT = 8080;
export const DEFAULT_WORKER_METRICS_PORT = 9091;

/** An empty variable counts as unset, as a shell's `PORT= pnpm start` means. */
const unsetIfEmpty = (value: unknown): unknown => (value === '' ? undefined : value);

const optional = <T extends z.ZodType>(schema: T) => z.preprocess(unsetIfEmpty, schema.optional());

/** Port 0 is refused: the stack must know the port to print it. */
const port = z.coerce.number({ error: 'must be a port number from 1 to 65535' }).int().min(1).max(65535);

const redisUrl = z.string().refine((v) => /^rediss?:\/\/\S+$/.test(v), { message: 'must be a redis:// or rediss:// URL' });
const databaseUrl = z.string().refine((v) => /^postgres(ql)?:\/\/\S+$/.test(v), { message: 'must be a postgres:// URL' });

/** Checked by the keyring's own parser; the value is never echoed. */
const encryptionKey = z.string().refine(
  (v) => {
    try {
      parseEncryptionKey(v);
      return true;
    } catch {
      return false;
    }
  },
  { message: 'must be base64 of exactly 32 bytes (generate one: openssl rand -base64 32)' },
);

export const localStackEnvSchema = z
  .object({
    /** When set, the stack uses this Redis instead of starting its own. */
    REDIS_URL: optional(redisUrl),
    /** When set, the control database (and the demo database beside it) live on this server. */
    DATABASE_URL: optional(databaseUrl),
    PORT: optional(port),
    WORKER_METRICS_PORT: optional(port),
    /** Where the stack keeps its servers' data, secrets and demo ids. */
    PUSHRAIL_HOME: z.preprocess(unsetIfEmpty, z.string().default(path.join(REPO_ROOT, '.pushrail'))),
    PUSHRAIL_ENCRYPTION_KEY: optional(encryptionKey),
    PUSHRAIL_ADMIN_TOKEN: optional(z.string().min(16, { message: 'must be at least 16 characters' })),
    /** The children's pino level: quiet by default so the terminal stays readable. */
    LOG_LEVEL: z.preprocess(unsetIfEmpty, z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('warn')),
  })
  .refine((env) => env.PORT === undefined || env.PORT !== env.WORKER_METRICS_PORT, {
    path: ['WORKER_METRICS_PORT'],
    message: 'must differ from PORT',
  })
  .transform((env) => ({
    redisUrl: env.REDIS_URL,
    databaseUrl: env.DATABASE_URL,
    ingestPort: requestedPort(env.PORT, DEFAULT_INGEST_PORT),
    workerMetricsPort: requestedPort(env.WORKER_METRICS_PORT, DEFAULT_WORKER_METRICS_PORT),
    home: path.resolve(env.PUSHRAIL_HOME),
    encryptionKey: env.PUSHRAIL_ENCRYPTION_KEY,
    adminToken: env.PUSHRAIL_ADMIN_TOKEN,
    logLevel: env.LOG_LEVEL,
  }));

/** A port the stack wants; only an `explicit` one is worth failing over when it is taken. */
export interface RequestedPort {
  port: number;
  explicit: boolean;
}

function requestedPort(value: number | undefined, fallback: number): RequestedPort {
  return value === undefined ? { port: fallback, explicit: false } : { port: value, explicit: true };
}

/** Everything `pnpm start` is configured with. */
export type LocalStackEnv = z.infer<typeof localStackEnvSchema>;

/** Parses the environment once, at boot; throws one {@link ConfigError} naming every bad variable. */
export function loadLocalStackEnv(env: NodeJS.ProcessEnv): LocalStackEnv {
  return parseEnv(localStackEnvSchema, env);
}

export { ConfigError };
