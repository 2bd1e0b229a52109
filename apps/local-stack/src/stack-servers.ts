import type { PostgresServer, RedisServer } from '@pushrail/testing';
import { startEmbeddedPostgres, startEmbeddedRedis } from './embedded-servers';
import type { Lifecycle } from './lifecycle';
import { say } from './terminal';

/** The servers the stack started itself; a missing one was given by the environment. */
export interface StackServers {
  redis?: RedisServer;
  postgres?: PostgresServer;
}

/**
 * Starts, side by side, the Redis and PostgreSQL the environment does not
 * name, and records how to stop them (after the processes that use them).
 * When one fails to start, the other is still stopped with the stack.
 */
export async function startStackServers(
  home: string,
  need: { redis: boolean; postgres: boolean },
  life: Lifecycle,
): Promise<StackServers> {
  if (!need.redis && !need.postgres) return {};
  const names = [need.redis ? 'Redis' : undefined, need.postgres ? 'PostgreSQL' : undefined].filter(Boolean).join(' and ');
  life.checkpoint();
  say(`starting ${names} (data in ${home})`);
  const starting = Promise.allSettled([
    need.redis ? startEmbeddedRedis(home) : Promise.resolve(undefined),
    need.postgres ? startEmbeddedPostgres(home) : Promise.resolve(undefined),
  ]);
  // Recorded before the servers are up: a stop asked for meanwhile (Ctrl-C
  // during initdb) waits for them to come up, then stops them, rather than
  // leaving them running behind an exited stack.
  await life.add(names, async () => {
    const [redis, postgres] = await starting;
    // Redis writes its AOF on SHUTDOWN; PostgreSQL checkpoints on a fast stop.
    await Promise.all([
      redis.status === 'fulfilled' ? redis.value?.stop() : undefined,
      postgres.status === 'fulfilled' ? postgres.value?.stop('fast') : undefined,
    ]);
  });
  const [redis, postgres] = await starting;
  if (redis.status === 'rejected') throw redis.reason;
  if (postgres.status === 'rejected') throw postgres.reason;
  return { redis: redis.value, postgres: postgres.value };
}
