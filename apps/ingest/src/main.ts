import { exitOnBadConfig, loadIngestConfig } from '@pushrail/config';
import { ControlDb, DestinationStore, migrationBootCheck } from '@pushrail/control-db';
import { Keyring } from '@pushrail/crypto';
import { createLogger, PushrailMetrics, toError } from '@pushrail/observability';
import { checkRedisSettings, createRedisConnection, EventProducer, ReplicaAcknowledger, waitUntilReady } from '@pushrail/queue';
import cluster from 'node:cluster';
import { createApp } from './app';
import { metricsTextFor } from './cluster-metrics';
import { runIngestPrimary } from './ingest-cluster';
import { answerHttpErrorsAsJson } from './http-server-errors';

/** Longest ingest waits for Redis at boot before it starts anyway, in milliseconds. */
const REDIS_BOOT_WAIT_MS = 10_000;

/** Longest a graceful shutdown may take before the process exits anyway, in milliseconds. */
const SHUTDOWN_TIMEOUT_MS = 20_000;

async function main(): Promise<void> {
  const config = exitOnBadConfig('pushrail-ingest', () => loadIngestConfig());
  const logger = createLogger({ level: config.logLevel, name: 'pushrail-ingest' });
  if (config.processes > 1 && cluster.isPrimary) {
    runIngestPrimary(config.processes, logger);
    return;
  }
  const keyring = exitOnBadConfig('pushrail-ingest', () => new Keyring({ currentKey: config.encryptionKey, oldKeys: config.oldEncryptionKeys }));
  const db = new ControlDb(config.databaseUrl);
  const redis = createRedisConnection(config.redisUrl, 'producer');
  redis.on('error', (error) => logger.warn({ err: error }, 'redis connection error'));
  const metrics = new PushrailMetrics();
  const migrations = await migrationBootCheck(db.pool);
  if (migrations.fatal) {
    logger.fatal(migrations.fatal);
    process.exit(1);
  }
  if (migrations.warning) logger.warn(migrations.warning);
  const producer = new EventProducer(redis, config.redisPrefix);

  // Wait for Redis before taking traffic; if it is not there yet, start anyway: /readyz says 503 and writes answer 503.
  if (!(await waitUntilReady(redis, REDIS_BOOT_WAIT_MS))) logger.warn('Redis is not reachable yet; answering 503 until it is');
  const settings = await checkRedisSettings(redis, { minReplicas: config.redisMinReplicas }).catch(() => undefined);
  for (const message of settings?.messages ?? []) logger.warn(message);
  if (settings && !settings.evictionSafe) {
    logger.fatal('refusing to start: Redis maxmemory-policy must be noeviction');
    process.exit(1);
  }

  const { app, intake } = createApp({
    db,
    store: new DestinationStore(db, keyring),
    producer,
    redis,
    metrics,
    logger,
    adminToken: config.adminToken,
    allowPrivateHosts: config.allowPrivateHosts,
    metricsText: metricsTextFor(metrics.registry),
    portal: config.portal,
    ...(config.redisMinReplicas > 0
      ? { replicaAck: new ReplicaAcknowledger(redis, { minReplicas: config.redisMinReplicas, timeoutMs: config.redisReplicaTimeoutMs }) }
      : {}),
  });
  const server = app.listen(config.port, config.host, () => logger.info({ host: config.host, port: config.port }, 'ingest listening'));
  answerHttpErrorsAsJson(server);
  server.keepAliveTimeout = 65_000;

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'ingest stopping: no new requests, answering those in flight');
    const force = setTimeout(() => process.exit(1), SHUTDOWN_TIMEOUT_MS);
    force.unref();
    // Stop accepting; keep-alive connections are closed as soon as their request in flight is answered.
    const closeIdle = setInterval(() => server.closeIdleConnections(), 100);
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeIdleConnections();
    });
    clearInterval(closeIdle);
    await intake.drain();
    await producer.close();
    await redis.quit().catch(() => undefined);
    await db.close();
    logger.info('ingest stopped');
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}

main().catch((error: unknown) => {
  console.error(`pushrail-ingest: ${toError(error).message}`);
  process.exit(1);
});
