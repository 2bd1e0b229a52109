/**
 * The environment variables through which jest's global setup hands the
 * shared servers to test workers (workers are forked after global setup,
 * so they inherit them).
 */
export const TEST_ENV = {
  /** Superuser URL of the shared PostgreSQL server, database `postgres`. */
  pgUrl: 'PUSHRAIL_TEST_PG_URL',
  /** Port of the shared PostgreSQL server. */
  pgPort: 'PUSHRAIL_TEST_PG_PORT',
  /** URL of the shared Redis server. */
  redisUrl: 'PUSHRAIL_TEST_REDIS_URL',
} as const;

/** Reads one of {@link TEST_ENV}, failing with a sentence that says where it should come from. */
export function readTestEnv(name: (typeof TEST_ENV)[keyof typeof TEST_ENV]): string {
  const value = process.env[name];
  if (!value) {
    throw new Error(
      `${name} is not set: run tests through jest from the repository root, whose globalSetup ` +
        '(packages/testing/src/jest-global-setup.ts) starts the shared servers',
    );
  }
  return value;
}

/** Superuser URL of the shared PostgreSQL server for `database` (default `postgres`). */
export function sharedPostgresUrl(database = 'postgres'): string {
  const url = new URL(readTestEnv(TEST_ENV.pgUrl));
  url.pathname = `/${encodeURIComponent(database)}`;
  return url.toString();
}

/** URL of the shared Redis server. Pair it with {@link freshKeyPrefix} so files never share keys. */
export function sharedRedisUrl(): string {
  return readTestEnv(TEST_ENV.redisUrl);
}
