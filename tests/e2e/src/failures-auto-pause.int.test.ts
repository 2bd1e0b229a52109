import { destinationQueueName } from '@pushrail/queue';
import { waitFor, withPgClient } from '@pushrail/testing';
import { Queue } from 'bullmq';
import { Pipeline, seedEvent } from './pipeline';

describe('auto-pause', () => {
  let pipeline: Pipeline;
  beforeAll(async () => {
    pipeline = await Pipeline.start({ worker: { autoPauseAfterMs: 1_500 } });
  });
  afterAll(async () => {
    await pipeline.close();
  });

  it('pauses a destination whose grant was revoked, keeps later events queued, and delivers them after grant and resume', async () => {
    await withPgClient(pipeline.customer.adminUrl, (c) => c.query('REVOKE INSERT ON pushrail.events FROM pushrail_writer'));
    const sent: string[] = [];
    const paused = await waitFor(
      async () => {
        const answer = await pipeline.postEvent(seedEvent({ idempotencyKey: `revoked-${sent.length}` }));
        sent.push(answer.body.eventId);
        const destination = await pipeline.admin('GET', `/admin/v1/destinations/${pipeline.destinationId}`);
        return destination.body.paused ? destination.body : undefined;
      },
      { description: 'the destination paused by failures', timeoutMs: 20_000, intervalMs: 300 },
    );
    expect(paused.pausedReason).toBe('failures');
    expect(paused.pausedMessage).toMatch(/permission denied/);

    // Events sent now wait in the paused queue instead of becoming dead letters.
    const deadBefore = (await pipeline.db.listDeadLetters({ destinationId: pipeline.destinationId }, { limit: 1000 })).length;
    const waiting = await pipeline.postBatch(Array.from({ length: 10 }, (_, i) => seedEvent({ idempotencyKey: `after-pause-${i}` })));
    expect(waiting.status).toBe(202);
    const queue = new Queue(destinationQueueName(pipeline.destinationId), { connection: pipeline.redis, prefix: pipeline.prefix });
    try {
      await waitFor(async () => (await queue.getJobCounts('paused', 'wait')).paused! + (await queue.getJobCounts('wait')).wait! >= 1, {
        description: 'the batch waiting in the paused queue',
      });
      expect((await pipeline.db.listDeadLetters({ destinationId: pipeline.destinationId }, { limit: 1000 })).length).toBe(deadBefore);

      await withPgClient(pipeline.customer.adminUrl, (c) => c.query('GRANT INSERT ON pushrail.events TO pushrail_writer'));
      expect((await pipeline.admin('POST', `/admin/v1/destinations/${pipeline.destinationId}/resume`)).status).toBe(200);
      const ids: string[] = waiting.body.eventIds;
      await waitFor(async () => {
        const present = new Set((await pipeline.rows()).map((r) => r.event_id));
        return ids.every((id) => present.has(id));
      }, { description: 'the queued events delivered after resume', timeoutMs: 15_000 });
    } finally {
      await queue.close();
    }
  }, 60_000);
});
