import { startPostgresServer, waitFor, type PostgresServer } from '@pushrail/testing';
import { Pipeline, seedEvent } from './pipeline';

describe('the customer PostgreSQL stopped while events are sent', () => {
  let server: PostgresServer;
  let pipeline: Pipeline;

  beforeAll(async () => {
    server = await startPostgresServer({ passwordAuth: true });
    pipeline = await Pipeline.start({ customerServerUrl: server.superuserUrl() });
  });

  afterAll(async () => {
    await pipeline.close();
    await server.destroy();
  });

  it('lands all 1,000 events once after it is started 10 s later, none dead-lettered, retries counted', async () => {
    await server.stop('fast');
    const stoppedAt = Date.now();
    const ids: string[] = [];
    for (let chunk = 0; chunk < 20; chunk++) {
      const answers = await Promise.all(
        Array.from({ length: 50 }, (_, i) => pipeline.postEvent(seedEvent({ idempotencyKey: `down-${chunk}-${i}` }))),
      );
      for (const answer of answers) {
        expect(answer.status).toBe(202);
        ids.push(answer.body.eventId);
      }
    }
    await waitFor(async () => (await pipeline.workerMetric('pushrail_delivery_retries_total')) > 0, {
      description: 'a retry while the database is down',
      timeoutMs: 10_000,
    });
    await waitFor(() => Date.now() - stoppedAt >= 10_000, { description: '10 s of downtime', timeoutMs: 15_000, intervalMs: 100 });
    await server.start();

    await waitFor(async () => (await pipeline.rowCount()) >= 1000, { description: '1,000 rows', timeoutMs: 60_000, intervalMs: 250 });
    const rows = await pipeline.rows();
    expect(rows).toHaveLength(1000);
    expect(new Set(rows.map((r) => r.event_id))).toEqual(new Set(ids));
    expect(await pipeline.db.listDeadLetters({ destinationId: pipeline.destinationId }, { limit: 1 })).toHaveLength(0);
    expect(await pipeline.workerMetric('pushrail_delivery_retries_total')).toBeGreaterThan(0);
  }, 120_000);
});
