/**
 * `GET /admin/v1/destinations/:id/status` (docs/operations.md): the state
 * (active, paused, backing_off), the queue, and the delivery figures workers
 * keep as they deliver: rows delivered and dead-lettered in 24 hours, the
 * last delivery and the last error. Backing off is made for real: the
 * destination is pointed at a port nothing listens on.
 */
import { randomUUID } from 'node:crypto';
import { getFreePort, waitFor } from '@pushrail/testing';
import { Pipeline, seedEvent, type HttpAnswer } from './pipeline';

describe('destination status', () => {
  let pipeline: Pipeline;
  const status = async (id?: string): Promise<HttpAnswer> => pipeline.admin('GET', `/admin/v1/destinations/${id ?? pipeline.destinationId}/status`);
  const statusBody = async () => {
    const answer = await status();
    expect(answer.status).toBe(200);
    return answer.body;
  };

  beforeAll(async () => {
    pipeline = await Pipeline.start({ destination: { flushIntervalSec: 0.2 } });
  });

  afterAll(async () => {
    await pipeline.close();
  });

  it('is active with nothing delivered before the first event', async () => {
    expect(await statusBody()).toEqual({
      state: 'active',
      queueDepth: 0,
      oldestWaitingSec: 0,
      lastDeliveredAt: null,
      lastError: null,
      delivered24h: 0,
      deadLettered24h: 0,
    });
  });

  it('counts delivered events and when the last batch committed', async () => {
    const before = Date.now();
    const events = Array.from({ length: 5 }, (_, i) => seedEvent({ idempotencyKey: `status-${i}` }));
    expect((await pipeline.postBatch(events)).status).toBe(202);
    const body = await waitFor(async () => {
      const current = await statusBody();
      // The counters are kept as the batch commits, a moment before its job leaves the queue.
      return current.delivered24h === 5 && current.queueDepth === 0 ? current : undefined;
    }, { description: 'delivered24h to reach 5 and the queue to empty' });
    expect(body.state).toBe('active');
    expect(body.queueDepth).toBe(0);
    expect(Date.parse(body.lastDeliveredAt)).toBeGreaterThanOrEqual(before - 1000);
    expect(await pipeline.rowCount()).toBe(5);
  });

  it('counts a bad row as dead-lettered, with its error', async () => {
    expect((await pipeline.postEvent(seedEvent({ idempotencyKey: 'status-nul', payload: { note: 'a\u0000b' } }))).status).toBe(202);
    const body = await waitFor(async () => {
      const current = await statusBody();
      return current.deadLettered24h === 1 ? current : undefined;
    }, { description: 'deadLettered24h to reach 1' });
    expect(body.lastError).toMatchObject({ kind: 'bad_row' });
    expect(typeof body.lastError.message).toBe('string');
    expect(Date.parse(body.lastError.at)).not.toBeNaN();
    expect(body.delivered24h).toBe(5);
  });

  it('is paused, with the reason, and shows what waits in the queue', async () => {
    expect((await pipeline.admin('POST', `/admin/v1/destinations/${pipeline.destinationId}/pause`)).status).toBe(200);
    expect((await pipeline.postEvent(seedEvent({ idempotencyKey: 'status-paused' }))).status).toBe(202);
    const body = await statusBody();
    expect(body).toMatchObject({ state: 'paused', pausedReason: 'operator', pausedMessage: 'paused by an operator' });
    expect(body.queueDepth).toBeGreaterThanOrEqual(1);
    expect(body.oldestWaitingSec).toBeGreaterThanOrEqual(0);
    expect((await pipeline.admin('POST', `/admin/v1/destinations/${pipeline.destinationId}/resume`)).status).toBe(200);
    await waitFor(async () => (await statusBody()).delivered24h === 6, { description: 'the paused event delivered after resume' });
    expect((await statusBody()).state).toBe('active');
  });

  it('is backing_off, with a transient last error, while its database refuses connections, and active again after', async () => {
    const closedPort = await getFreePort();
    expect((await pipeline.admin('PATCH', `/admin/v1/destinations/${pipeline.destinationId}`, { port: closedPort })).status).toBe(200);
    // The worker takes up the change within its config cache's lifetime; events sent before that still land.
    let sent = 0;
    const body = await waitFor(async () => {
      expect((await pipeline.postEvent(seedEvent({ idempotencyKey: `status-refused-${sent++}` }))).status).toBe(202);
      const current = await statusBody();
      return current.state === 'backing_off' ? current : undefined;
    }, { description: 'state backing_off', timeoutMs: 30_000, intervalMs: 500 });
    expect(body.lastError).toMatchObject({ kind: 'transient', code: 'ECONNREFUSED' });
    expect(body.queueDepth).toBeGreaterThanOrEqual(1);
    // Secrets never leave in an answer.
    expect(JSON.stringify(body)).not.toContain(pipeline.customer.writerPassword);

    expect((await pipeline.admin('PATCH', `/admin/v1/destinations/${pipeline.destinationId}`, { port: pipeline.customer.port })).status).toBe(200);
    const after = await waitFor(async () => {
      const current = await statusBody();
      return current.state === 'active' && current.queueDepth === 0 && current.delivered24h === 6 + sent ? current : undefined;
    }, { description: `every event delivered after the port is fixed (${6 + sent})`, timeoutMs: 45_000, intervalMs: 500 });
    expect(after.delivered24h).toBe(await pipeline.rowCount());
  }, 90_000);

  it('answers 404 for an unknown or malformed id, and 401 without the token', async () => {
    for (const id of [randomUUID(), 'not-a-uuid', '1', '%27%3B--']) {
      const answer = await status(id);
      expect({ id, status: answer.status, code: answer.body?.error?.code }).toEqual({ id, status: 404, code: 'not_found' });
    }
    const bare = await pipeline.request('GET', `/admin/v1/destinations/${pipeline.destinationId}/status`);
    expect(bare.status).toBe(401);
  });
});
