/**
 * @pushrail/testing: real PostgreSQL and Redis servers for tests (and for
 * `pnpm start`), with the helpers to kill and restart them, plus per-file
 * isolation helpers and the one way to wait for a condition.
 */
export { waitFor, WaitForTimeoutError, type WaitForOptions } from './wait-for';
export { toError } from '@pushrail/observability';
export { getFreePort, isPortOpen } from './free-port';
export { serveOnFreePort, type LocalHttpServer } from './local-http-server';
export { sqlStatementsOf } from './sql-statements';
export { withPgClient, waitForPostgres, quoteIdent, quoteLiteral, redactUrl } from './pg-client';
export { findPostgresBinDir } from './postgres-binaries';
export { runCommand, runningAsRoot, isPidAlive, signalPid, commandLineOf, childPidsOf, killWithThisProcess, type CommandOutput, type RunCommandOptions } from './processes';
export {
  startPostgresServer,
  type PostgresServer,
  type PostgresServerOptions,
  type PostgresSslOptions,
} from './postgres-server';
export { startRedisServer, redisCommand, type RedisServer, type RedisServerOptions } from './redis-server';
export { startRedisCluster, type RedisCluster, type RedisClusterOptions } from './redis-cluster';
export { startRedisSentinelGroup, type RedisSentinelGroup, type RedisSentinelGroupOptions } from './redis-sentinel';
export { sweepLeftoverServers } from './server-registry';
export { TEST_ENV, readTestEnv, sharedPostgresUrl, sharedRedisUrl } from './test-env';
export { startSharedTestServers, stopSharedTestServers, type SharedTestServers } from './shared-servers';
export { createTestDatabase, dropDatabase, uniqueDatabaseName, type TestDatabase } from './test-database';
export {
  createCustomerDatabase,
  CUSTOMER_WRITER_USER,
  CUSTOMER_WRITER_PASSWORD,
  type CustomerDatabase,
  type CustomerDatabaseOptions,
} from './customer-database';
export { freshKeyPrefix } from './key-prefix';
export { makeTestCertificates, type TestCertificates, type TestCertificateOptions } from './test-certificates';
export { startPgBouncer, type PgBouncer, type PgBouncerOptions } from './pgbouncer';
export { startMariadbServer, withMariadbConnection, type MariadbServer, type MariadbServerOptions } from './mariadb-server';
export {
  createMariadbCustomerDatabase,
  type MariadbCustomerDatabase,
  type MariadbCustomerDatabaseOptions,
} from './mariadb-customer-database';
export {
  startClickHouseServer,
  CLICKHOUSE_ADMIN_USER,
  type ClickHouseServer,
  type ClickHouseServerOptions,
  type ClickHouseTlsOptions,
  type ClickHouseUser,
} from './clickhouse-server';
