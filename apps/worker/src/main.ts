import { exitOnBadConfig, loadWorkerConfig } from '@pushrail/config';
import { ControlDb, DestinationStore, migrationBootCheck } from '@pushrail/control-db';
import { Keyring } from '@pushrail/crypto';
import { createLogger, PushrailMetrics, toError } from '@pushrail/observability';
import { checkRedisSettings, createRedisConnection } from '@pushrail/queue';
import { createMetricsServer } from './metrics-server';
import { createWorker } from './worker-process';

/** Longest a graceful stop may take before the process exits anyway, in milliseconds. */
const SHUTDOWN_TIMEOUT_MS = 45_000;

async function main(): Promise<void> {
  const config = exitOnBadConfig('pushrail-worker', () => loadWorkerConfig());
  const keyring = exitOnBadConfig('pushrail-worker', () => new Keyring({ currentKey: config.encryptionKey, oldKeys: config.oldEncryptionKeys }));
  const logger = createLogger({ level: config.logLevel, name: 'pushrail-worker' });
  const db = new ControlDb(config.databaseUrl);
  const redis = createRedisConnection(config.redisUrl, 'consumer');
  redis.on('error', (error) => logger.warn({ err: error }, 'redis connection error'));
  const metrics = new PushrailMetrics();
  const migrations = await migrationBootCheck(db.pool);
  if (migrations.fatal) {
    logger.fatal(migrations.fatal);
    process.exit(1);
  }
  if (migrations.warning) logger.warn(migrations.warning);

  const settings = await checkRedisSettings(redis).catch(() => undefined);
  for (const message of settings?.messages ?? []) logger.warn(message);
  if (settings && !settings.evictionSafe) {
    logger.fatal('refusing to start: Redis maxmemory-policy must be noeviction');
    process.exit(1);
  }

  const { consumers, sweeper, audit, workerId } = createWorker(
    { db, store: new DestinationStore(db, keyring), redis, prefix: config.redisPrefix, metrics, logger, allowPrivateHosts: config.allowPrivateHosts },
    config.tuning,
  );
  consumers.start();
  sweeper.start();
  audit.start();
  const server = createMetricsServer(metrics, {
    redis: () => redis.ping(),
    controlDb: () => db.ping(),
    consumers: () => consumers.lastTickOk,
  });
  server.listen(config.metricsPort, () => logger.info({ workerId, metricsPort: config.metricsPort }, 'worker started'));

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'worker stopping: finishing batches in hand, giving leases back');
    const force = setTimeout(() => process.exit(1), SHUTDOWN_TIMEOUT_MS);
    force.unref();
    await Promise.all([consumers.stop(), sweeper.stop(), audit.stop()]);
    server.close();
    await redis.quit().catch(() => undefined);
    await db.close();
    logger.info('worker stopped');
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}

main().catch((error: unknown) => {
  console.error(`pushrail-worker: ${toError(error).message}`);
  process.exit(1);
});
