import cluster, { type Worker } from 'node:cluster';
import type { Logger } from '@pushrail/observability';
import { serveClusterMetrics } from './cluster-metrics';

/** Longest the primary waits for its processes to stop after a signal, in milliseconds (theirs is 20 s). */
const STOP_TIMEOUT_MS = 25_000;

/**
 * The primary of `processes` ingest processes on one port (node:cluster):
 * it serves no request itself; it starts them, replaces one that dies after
 * it was listening (its acknowledged events are already in Redis, and its
 * unanswered requests are retried by their clients), aggregates their
 * metrics, and on SIGTERM/SIGINT stops them gracefully and exits.
 *
 * A process that dies before it listens failed at boot (Redis refused,
 * for example): the primary stops everything and exits with its code, so
 * a bad start is not retried in a loop.
 */
export function runIngestPrimary(processes: number, logger: Logger): void {
  serveClusterMetrics();
  const listening = new WeakSet<Worker>();
  let stopping = false;

  const start = () => {
    const worker = cluster.fork();
    worker.on('listening', () => listening.add(worker));
  };

  cluster.on('exit', (worker, code, signal) => {
    if (stopping) return;
    if (!listening.has(worker)) {
      logger.fatal({ pid: worker.process.pid, code, signal }, 'an ingest process failed at boot; stopping');
      void stop(code ?? 1);
      return;
    }
    logger.error({ pid: worker.process.pid, code, signal }, 'an ingest process died; starting another');
    start();
  });

  const stop = async (exitCode: number) => {
    stopping = true;
    const workers = Object.values(cluster.workers ?? {}).filter((w): w is Worker => w !== undefined && !w.isDead());
    const force = setTimeout(() => process.exit(1), STOP_TIMEOUT_MS);
    force.unref();
    await Promise.all(
      workers.map(
        (worker) =>
          new Promise<void>((resolve) => {
            worker.once('exit', () => resolve());
            worker.process.kill('SIGTERM');
          }),
      ),
    );
    process.exit(exitCode);
  };
  const onSignal = (signal: string) => {
    if (stopping) return;
    logger.info({ signal, processes }, 'ingest stopping its processes');
    void stop(0);
  };
  process.on('SIGTERM', () => onSignal('SIGTERM'));
  process.on('SIGINT', () => onSignal('SIGINT'));

  for (let i = 0; i < processes; i++) start();
  logger.info({ processes }, 'ingest started its processes');
}
