import { sharedRedisUrl, waitFor, withPgClient } from '@pushrail/testing';
import { envelopeSetupSql, Pipeline } from './pipeline';
import { createDestinations, localPortsTo, numberedTables, redisClients, startSteadyLoad, tableCounts } from './scale-support';
import { startWorkerProcess, type WorkerProcess } from './worker-process';

/** Destinations in all; only the first tenant's get events. */
const DESTINATIONS = 1_000;
const ACTIVE = 100;

/** Each worker process's `PUSHRAIL_WORKER_MAX_DESTINATIONS`: two hold 32, far fewer than the 100 with traffic. */
const MAX_DESTINATIONS_PER_WORKER = 16;

/**
 * Redis connections a worker process may hold beyond one blocking connection
 * per held destination: the shared command connection, and one of a consumer
 * still closing while its successor starts.
 */
const REDIS_CONNECTION_SLACK = 3;

describe('1,000 destinations, 100 with traffic, two worker processes', () => {
  const activeTables = ['events', ...numberedTables(ACTIVE - 1)];
  let pipeline: Pipeline;
  const workers: WorkerProcess[] = [];

  beforeAll(async () => {
    pipeline = await Pipeline.start({ startWorker: false, customerSetupSql: envelopeSetupSql('pushrail', activeTables) });
    // One connection each keeps 32 held destinations well inside the shared test server's max_connections.
    await pipeline.admin('PATCH', `/admin/v1/destinations/${pipeline.destinationId}`, { maxConnections: 1 });
    await createDestinations(pipeline, activeTables.slice(1), { maxConnections: 1 });
    // 900 destinations of another tenant that never sends: they must cost nothing but their rows.
    const idleTenant = await pipeline.admin('POST', '/admin/v1/tenants', { name: 'Quiet' });
    await createDestinations(pipeline, Array.from({ length: DESTINATIONS - ACTIVE }, () => 'events'), {}, idleTenant.body.id);
    for (let i = 0; i < 2; i++) {
      workers.push(await startWorkerProcess(pipeline.workerEnv({ PUSHRAIL_WORKER_MAX_DESTINATIONS: String(MAX_DESTINATIONS_PER_WORKER) })));
    }
  }, 120_000);

  afterAll(async () => {
    await Promise.all(workers.map((w) => w.kill().catch(() => undefined)));
    await pipeline.close();
  });

  it('keeps each worker under a fixed number of Redis connections, and closes PostgreSQL connections once traffic stops', async () => {
    const redisPort = Number(new URL(sharedRedisUrl()).port);
    const bound = MAX_DESTINATIONS_PER_WORKER + 1 + REDIS_CONNECTION_SLACK;
    const peakRedis = new Map<number, number>();
    let peakPostgres = 0;

    /** Clients Redis itself lists (CLIENT LIST) whose address is a socket of this worker process. */
    const redisConnectionsOf = async (pid: number) => {
      const clients = await redisClients(pipeline);
      const ports = localPortsTo(pid, redisPort);
      return clients.filter((c) => ports.has(c.port)).length;
    };
    const pushrailBackends = () =>
      withPgClient(pipeline.customer.adminUrl, async (client) => {
        const result = await client.query(
          `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND usename = 'pushrail_writer'`,
        );
        return result.rows[0].n as number;
      });
    const sample = async () => {
      for (const worker of workers) {
        const n = await redisConnectionsOf(worker.child.pid!);
        peakRedis.set(worker.child.pid!, Math.max(peakRedis.get(worker.child.pid!) ?? 0, n));
      }
      peakPostgres = Math.max(peakPostgres, await pushrailBackends());
    };

    const load = startSteadyLoad(pipeline, { tag: 'many', batchSize: 20, everyMs: 200 });
    let accepted: string[] = [];
    try {
      // Sustained traffic to 100 destinations: the two processes rotate through them, 32 at a time.
      const started = Date.now();
      await waitFor(
        async () => {
          await sample();
          return Date.now() - started > 12_000;
        },
        { description: '12 s of sampling under load', timeoutMs: 30_000, intervalMs: 200 },
      );
    } finally {
      accepted = await load.stop();
    }
    await waitFor(
      async () => {
        await sample();
        const counts = await tableCounts(pipeline, activeTables, accepted);
        return [...counts.values()].every((c) => c.matching === accepted.length);
      },
      { description: `${accepted.length} events in each of the ${ACTIVE} active tables`, timeoutMs: 60_000, intervalMs: 250 },
    );
    const counts = await tableCounts(pipeline, activeTables, accepted);
    for (const table of activeTables) expect([table, counts.get(table)]).toEqual([table, { rows: accepted.length, matching: accepted.length }]);

    // Every worker used its slots, and never held more Redis connections than slots + slack, for 1,000 destinations.
    for (const worker of workers) {
      const peak = peakRedis.get(worker.child.pid!) ?? 0;
      expect(peak).toBeGreaterThan(1);
      expect(peak).toBeLessThanOrEqual(bound);
    }
    // PostgreSQL connections only for held destinations (one each here).
    expect(peakPostgres).toBeGreaterThan(0);
    expect(peakPostgres).toBeLessThanOrEqual(2 * MAX_DESTINATIONS_PER_WORKER);

    // Traffic stopped: destinations go idle, leases go back, pools close.
    await waitFor(async () => (await pushrailBackends()) === 0, {
      description: 'no PostgreSQL connection from Pushrail once every destination is idle',
      timeoutMs: 20_000,
      intervalMs: 200,
    });
    // And Redis is down to the one shared connection of each process.
    for (const worker of workers) {
      await waitFor(async () => (await redisConnectionsOf(worker.child.pid!)) === 1, {
        description: 'an idle worker to hold its shared Redis connection and nothing else',
        timeoutMs: 10_000,
      });
    }
    for (const worker of workers) expect(await worker.terminate()).toBe(0);
  }, 150_000);
});
