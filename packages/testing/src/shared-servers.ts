import { startPostgresServer, type PostgresServer } from './postgres-server';
import { startRedisServer, type RedisServer } from './redis-server';
import { sweepLeftoverServers } from './server-registry';
import { TEST_ENV } from './test-env';

/** The servers one jest run shares across all test files. */
export interface SharedTestServers {
  postgres: PostgresServer;
  redis: RedisServer;
}

/** Where global setup leaves the handles for global teardown (same process, different module instance). */
const HANDLE_KEY = Symbol.for('pushrail.testing.sharedServers');

type GlobalWithHandles = typeof globalThis & { [HANDLE_KEY]?: SharedTestServers };

/**
 * Starts the run's PostgreSQL and Redis, publishes them through
 * {@link TEST_ENV} and keeps the handles for {@link stopSharedTestServers}.
 * First kills what a crashed earlier run left behind.
 */
export async function startSharedTestServers(): Promise<SharedTestServers> {
  sweepLeftoverServers();
  const [postgres, redis] = await Promise.allSettled([
    // Passwords on: the writer role must really authenticate, as at a customer.
    startPostgresServer({ passwordAuth: true }),
    startRedisServer(),
  ]);
  if (postgres.status === 'rejected' || redis.status === 'rejected') {
    if (postgres.status === 'fulfilled') await postgres.value.destroy();
    if (redis.status === 'fulfilled') await redis.value.destroy();
    throw postgres.status === 'rejected' ? postgres.reason : (redis as PromiseRejectedResult).reason;
  }
  const servers = { postgres: postgres.value, redis: redis.value };
  process.env[TEST_ENV.pgUrl] = servers.postgres.superuserUrl('postgres');
  process.env[TEST_ENV.pgPort] = String(servers.postgres.port);
  process.env[TEST_ENV.redisUrl] = servers.redis.url;
  (globalThis as GlobalWithHandles)[HANDLE_KEY] = servers;
  return servers;
}

/** Destroys what {@link startSharedTestServers} started; a no-op when it started nothing. */
export async function stopSharedTestServers(): Promise<void> {
  const holder = globalThis as GlobalWithHandles;
  const servers = holder[HANDLE_KEY];
  delete holder[HANDLE_KEY];
  if (!servers) return;
  await Promise.allSettled([servers.postgres.destroy(), servers.redis.destroy()]);
}
