import { availableParallelism } from 'node:os';
import { encryptionKeyProblem } from '@pushrail/crypto';
import { z } from 'zod';

/** Environment fields shared by every process. Defaults live here, nowhere else. */

/**
 * One Redis (`redis://` or `rediss://`), a Redis Cluster
 * (`redis+cluster://host:port,host:port`, `rediss+cluster://` for TLS, or
 * several comma-separated `redis://host:port` seeds), or a primary found
 * through Sentinel (`redis+sentinel://host:port,host:port/<master name>`,
 * `rediss+sentinel://` for TLS to the data nodes).
 * @pushrail/queue's parseRedisUrl reads it; this only checks the shape, so a typo stops the boot.
 */
export const redisUrlValue = z
  .string()
  .refine(
    (v) =>
      /^rediss?\+cluster:\/\/([^@\s]*@)?[^,@\s/]+(,[^,@\s/]+)*\/?$/i.test(v.trim()) ||
      /^rediss?\+sentinel:\/\/([^@\s]*@)?[^,@\s/]+(,[^,@\s/]+)*\/[^/\s]+$/i.test(v.trim()) ||
      v.split(',').every((part) => /^rediss?:\/\/\S+$/i.test(part.trim())),
    {
      message:
        'must be a redis:// or rediss:// URL, a Redis Cluster as redis+cluster://host:port,host:port, ' +
        'or Sentinel as redis+sentinel://host:port,host:port/<master name>',
    },
  );

export const redisUrl = redisUrlValue.default('redis://127.0.0.1:6379');

/**
 * Replicas a write must reach before ingest answers 202 (Redis `WAIT`, or
 * `WAITAOF` where the server has it). 0: acknowledged once the primary has
 * it, as a single Redis does (docs/high-availability.md).
 */
export const redisMinReplicas = z.coerce.number().int().min(0).max(16).default(0);

/**
 * Longest ingest waits for those replicas, in milliseconds; past it the
 * request is answered 503 and the client retries. Kept below the producer's
 * 5 s command timeout so the WAIT answers first.
 */
export const redisReplicaTimeoutMs = z.coerce.number().int().min(10).max(4_000).default(1_000);

export const databaseUrl = z
  .string({ error: 'is required (the control database, a postgres:// URL)' })
  .refine((v) => /^postgres(ql)?:\/\//.test(v), { message: 'must be a postgres:// URL' });

/** base64 of 32 random bytes, by the keyring's own rule; the value is never echoed in an error. */
export const encryptionKey = z.string({ error: 'is required (base64 of 32 random bytes)' }).superRefine((value, ctx) => {
  const problem = encryptionKeyProblem(value);
  if (problem !== undefined) ctx.addIssue({ code: 'custom', message: `${problem} (generate one: openssl rand -base64 32)` });
});

/**
 * Older encryption keys, comma-separated, for decrypting what was written
 * before a rotation. A bad entry is named by its position, never its value.
 */
export const oldEncryptionKeys = z
  .string()
  .default('')
  .transform((v) => v.split(',').map((k) => k.trim()).filter((k) => k.length > 0))
  .superRefine((keys, ctx) => {
    keys.forEach((key, i) => {
      const problem = encryptionKeyProblem(key);
      if (problem !== undefined) ctx.addIssue({ code: 'custom', message: `entry #${i + 1} ${problem}` });
    });
  });

export const adminToken = z
  .string({ error: 'is required (a long random bearer token for /admin)' })
  .min(16, { message: 'must be at least 16 characters' });

/** Ingest's HTTP port when PORT is unset. */
export const DEFAULT_INGEST_PORT = 8080;
/** The worker's metrics and health port when WORKER_METRICS_PORT is unset. */
export const DEFAULT_WORKER_METRICS_PORT = 9091;

export const port = (fallback: number) => z.coerce.number().int().min(0).max(65535).default(fallback);

/**
 * The address a server listens on: every interface by default (containers),
 * `127.0.0.1` for this machine only (`pnpm start`). An IP address or a host name.
 */
export const host = z
  .string()
  .default('0.0.0.0')
  .refine((v) => /^[A-Za-z0-9.:-]+$/.test(v) && v.length <= 253, { message: 'must be an IP address or a host name, e.g. 127.0.0.1 or 0.0.0.0' });

export const booleanFlag = z
  .enum(['true', 'false', '1', '0', ''])
  .default('false')
  .transform((v) => v === 'true' || v === '1');

export const logLevel = z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info');

/**
 * Prefix of every Redis key Pushrail writes (BullMQ's `prefix`). Braces are
 * refused: each queue name carries its own `{…}` hash tag for Redis Cluster.
 */
export const redisPrefix = z
  .string()
  .default('pushrail')
  .refine((v) => /^[A-Za-z0-9_-]+$/.test(v), { message: 'may hold only letters, digits, _ and -' });

/**
 * Ingest processes sharing one port (node:cluster): default one per core, so
 * a single event's work (parse, check, write, answer) spreads over every core
 * instead of queueing behind one thread (bench/RESULTS.md).
 */
export const ingestProcesses = z.coerce.number().int().min(1).max(256).default(availableParallelism());

/**
 * A field's rule without its default: unset stays undefined (for `pnpm
 * start`, where an unset REDIS_URL means "start a Redis of your own").
 */
export function optionalWithoutDefault(field: z.ZodType<unknown, string | undefined>) {
  return z
    .string()
    .optional()
    .superRefine((value, ctx) => {
      if (value === undefined) return;
      const result = field.safeParse(value);
      if (!result.success) for (const issue of result.error.issues) ctx.addIssue({ code: 'custom', message: issue.message });
    });
}

/**
 * What every command that reads destinations' secrets needs: the control
 * database and the encryption keys (ingest, worker, reencrypt).
 */
export const controlStoreFields = {
  DATABASE_URL: databaseUrl,
  PUSHRAIL_ENCRYPTION_KEY: encryptionKey,
  PUSHRAIL_ENCRYPTION_OLD_KEYS: oldEncryptionKeys,
};

/** {@link controlStoreFields}, parsed, under the names the code uses. */
export function controlStoreOf(env: { DATABASE_URL: string; PUSHRAIL_ENCRYPTION_KEY: string; PUSHRAIL_ENCRYPTION_OLD_KEYS: string[] }) {
  return { databaseUrl: env.DATABASE_URL, encryptionKey: env.PUSHRAIL_ENCRYPTION_KEY, oldEncryptionKeys: env.PUSHRAIL_ENCRYPTION_OLD_KEYS };
}
