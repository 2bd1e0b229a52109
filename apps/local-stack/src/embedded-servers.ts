import path from 'node:path';
import {
  runCommand,
  runningAsRoot,
  startPostgresServer,
  startRedisServer,
  toError,
  type PostgresServer,
  type RedisServer,
} from '@pushrail/testing';

/**
 * Ports the embedded servers try first: next to, never on, the machine's
 * own 5432 and 6379, and the same from run to run so a saved psql command
 * keeps working. A free port is used when one is taken.
 */
export const PREFERRED_POSTGRES_PORT = 5442;
export const PREFERRED_REDIS_PORT = 6390;

/** PostgreSQL runs as this user when we are root (it refuses root). */
const POSTGRES_OS_USER = 'postgres';

/**
 * The test harness trades crash safety for speed (fsync off); the stack's
 * data is meant to be kept, so it gets the server's safe defaults back.
 */
const DURABLE_POSTGRES_SETTINGS = { fsync: 'on', full_page_writes: 'on', max_connections: '100' };

/**
 * Redis for the stack, data in `<home>/redis`: AOF on with one fsync a
 * second (an acknowledged event survives a crash of the server, at worst
 * the last second is lost to a power cut), never evicting (a queue must
 * not lose keys to memory pressure). Kept across runs, never swept by the
 * test harness.
 */
export async function startEmbeddedRedis(home: string): Promise<RedisServer> {
  try {
    return await startRedisServer({
      dir: path.join(home, 'redis'),
      port: PREFERRED_REDIS_PORT,
      appendOnly: { fsync: 'everysec' },
      registerForCleanup: false,
      ownSession: true,
    });
  } catch (err) {
    const message = toError(err).message;
    if (/ENOENT/.test(message)) {
      throw new Error('redis-server is not installed: install it (apt-get install redis-server) or set REDIS_URL to a Redis of yours');
    }
    throw err;
  }
}

/**
 * PostgreSQL for the stack, cluster in `<home>/postgres`: initialised on the
 * first run, reused after. The `postgres` superuser is trusted on loopback
 * (the printed psql command needs no password); every other role, the demo's
 * writer among them, logs in with its password as at a customer.
 */
export async function startEmbeddedPostgres(home: string): Promise<PostgresServer> {
  if (runningAsRoot()) await checkPostgresUserCanEnter(home);
  return startPostgresServer({
    dir: path.join(home, 'postgres'),
    port: PREFERRED_POSTGRES_PORT,
    passwordAuth: true,
    registerForCleanup: false,
    extraConfig: DURABLE_POSTGRES_SETTINGS,
  });
}

/** As root, PostgreSQL runs as `postgres`, which needs to get through every directory down to its data. */
async function checkPostgresUserCanEnter(home: string): Promise<void> {
  try {
    await runCommand('test', ['-x', home], { asUser: POSTGRES_OS_USER, timeoutMs: 10_000 });
  } catch {
    throw new Error(
      `PostgreSQL runs as the '${POSTGRES_OS_USER}' user here (it refuses root), and that user cannot enter ${home}: ` +
        `let it through every directory above (chmod o+x) or set PUSHRAIL_HOME to a directory it can reach, such as /var/tmp/pushrail`,
    );
  }
}
