import { availableParallelism } from 'node:os';
import { z } from 'zod';

/** Environment fields shared by every process. Defaults live here, nowhere else. */

/**
 * One Redis (`redis://` or `rediss://`), or a Redis Cluster: `redis+cluster://host:port,host:port`
 * (`rediss+cluster://` for TLS) or several comma-separated `redis://host:port` seeds.
 * @pushrail/queue's parseRedisUrl reads it; this only checks the shape, so a typo stops the boot.
 */
export const redisUrl = z
  .string()
  .default('redis://127.0.0.1:6379')
  .refine(
    (v) =>
      /^rediss?\+cluster:\/\/([^@\s]*@)?[^,@\s/]+(,[^,@\s/]+)*\/?$/i.test(v.trim()) ||
      v.split(',').every((part) => /^rediss?:\/\/\S+$/i.test(part.trim())),
    { message: 'must be a redis:// or rediss:// URL, or a Redis Cluster as redis+cluster://host:port,host:port' },
  );

export const databaseUrl = z
  .string({ error: 'is required (the control database, a postgres:// URL)' })
  .refine((v) => /^postgres(ql)?:\/\//.test(v), { message: 'must be a postgres:// URL' });

/** base64 of 32 random bytes; the value is never echoed in an error. */
export const encryptionKey = z
  .string({ error: 'is required (base64 of 32 random bytes)' })
  .refine((v) => /^[A-Za-z0-9+/]+={0,2}$/.test(v) && Buffer.from(v, 'base64').length === 32, {
    message: 'must be base64 of exactly 32 bytes (generate one: openssl rand -base64 32)',
  });

/** Older encryption keys, comma-separated, for decrypting what was written before a rotation. */
export const oldEncryptionKeys = z
  .string()
  .default('')
  .transform((v) => v.split(',').map((k) => k.trim()).filter((k) => k.length > 0))
  .refine((keys) => keys.every((k) => Buffer.from(k, 'base64').length === 32), {
    message: 'must be a comma-separated list of base64 keys of 32 bytes each',
  });

export const adminToken = z
  .string({ error: 'is required (a long random bearer token for /admin)' })
  .min(16, { message: 'must be at least 16 characters' });

export const port = (fallback: number) => z.coerce.number().int().min(0).max(65535).default(fallback);

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
