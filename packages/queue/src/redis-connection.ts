import IORedis, { type Redis, type RedisOptions } from 'ioredis';

/**
 * Who a connection is for:
 * - `producer` (ingest): commands fail fast while Redis is away, so a request
 *   gets a 503 instead of waiting in an offline queue;
 * - `consumer` (worker, BullMQ Workers): commands wait for the reconnect
 *   (BullMQ requires `maxRetriesPerRequest: null` for workers).
 */
export type ConnectionRole = 'producer' | 'consumer';

/** Longest the producer waits for Redis to answer one command, in milliseconds. */
const PRODUCER_COMMAND_TIMEOUT_MS = 5_000;

export function createRedisConnection(url: string, role: ConnectionRole, extra: RedisOptions = {}): Redis {
  const common: RedisOptions = {
    // Reconnect forever, backing off to 2 s: Redis restarts are survived, not fatal.
    retryStrategy: (times) => Math.min(times * 100, 2_000),
    connectionName: `pushrail-${role}`,
  };
  const byRole: RedisOptions =
    role === 'producer'
      ? { enableOfflineQueue: false, maxRetriesPerRequest: 1, commandTimeout: PRODUCER_COMMAND_TIMEOUT_MS, enableAutoPipelining: true }
      : { maxRetriesPerRequest: null, enableOfflineQueue: true };
  return new IORedis(url, { ...common, ...byRole, ...extra });
}
