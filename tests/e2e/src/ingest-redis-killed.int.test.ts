/**
 * Kills the queue's Redis under a running ingest: a POST must get 503
 * `unavailable` with Retry-After, never a 202 for an event that is not in
 * Redis; once Redis is back, the same ingest (not restarted) accepts again.
 */
import { startRedisServer, waitFor, type RedisServer } from '@pushrail/testing';
import { Pipeline, queueJobTotal, seedEvent, type HttpAnswer } from './pipeline';

function expectUnavailable(answer: HttpAnswer): void {
  expect({ status: answer.status, code: answer.body?.error?.code }).toEqual({ status: 503, code: 'unavailable' });
  expect(Number(answer.headers.get('retry-after'))).toBeGreaterThan(0);
  expect(answer.body.error.message).toMatch(/nothing was accepted/);
}

describe('ingest when its Redis is killed (SIGKILL) and restarted', () => {
  let redis: RedisServer;
  let pipeline: Pipeline;

  beforeAll(async () => {
    redis = await startRedisServer();
    pipeline = await Pipeline.start({ redisUrl: redis.url, startWorker: false });
  });

  afterAll(async () => {
    await redis.start();
    await pipeline.close();
    await redis.destroy();
  });

  it('answers 202 while Redis is up', async () => {
    expect((await pipeline.postEvent(seedEvent({ idempotencyKey: 'before-kill' }))).status).toBe(202);
    expect((await pipeline.postBatch([seedEvent({ idempotencyKey: 'before-kill-batch' })])).status).toBe(202);
    expect(await queueJobTotal(pipeline)).toBe(2);
  });

  it('answers 503 unavailable with Retry-After, never 202, on /v1/events and /v1/batch while Redis is dead', async () => {
    await redis.kill();
    // Several at once: group commit puts them in one round, and every one of them must fail.
    const singles = await Promise.all([0, 1, 2, 3].map((i) => pipeline.postEvent(seedEvent({ idempotencyKey: `during-kill-${i}` }))));
    for (const answer of singles) expectUnavailable(answer);
    const batch = await pipeline.postBatch([0, 1, 2].map((i) => seedEvent({ idempotencyKey: `during-kill-batch-${i}` })));
    expectUnavailable(batch);
    // Readiness says why.
    const ready = await pipeline.request('GET', '/readyz');
    expect(ready.status).toBe(503);
    expect(ready.body.checks).toEqual({ redis: false, controlDb: true });
  });

  it('answers 503 at once, not after Redis returns, for a destination whose queue ingest has not written to before', async () => {
    // Created while Redis is dead: ingest meets its queue for the first time on this POST.
    const created = await pipeline.admin('POST', '/admin/v1/destinations', {
      tenantId: pipeline.tenantId,
      ...pipeline.destinationConfig({ name: 'Created during the outage' }),
    });
    expect(created.status).toBe(201);
    for (const [path, body] of [
      ['/v1/events', seedEvent({ idempotencyKey: 'new-destination-during-kill' })],
      ['/v1/batch', { events: [seedEvent({ idempotencyKey: 'new-destination-during-kill-batch' })] }],
    ] as const) {
      // Bounded well under the producer's 5 s command timeout: a request held until Redis returns is the bug.
      const response = await fetch(pipeline.baseUrl + path, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${pipeline.writeKey}` },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(2_000),
      });
      const text = await response.text();
      expectUnavailable({ status: response.status, headers: response.headers, text, body: JSON.parse(text) });
    }
  });

  it('answers 503 to pause, resume and delete while Redis is dead, and changes nothing', async () => {
    const path = `/admin/v1/destinations/${pipeline.destinationId}`;
    for (const [method, route] of [['POST', `${path}/pause`], ['POST', `${path}/resume`], ['DELETE', path]] as const) {
      const answer = await pipeline.admin(method, route);
      expect({ route, status: answer.status, code: answer.body?.error?.code }).toEqual({ route, status: 503, code: 'unavailable' });
    }
    const destination = await pipeline.admin('GET', path);
    expect(destination.status).toBe(200);
    expect(destination.body.paused).toBe(false);
  });

  it('accepts again once Redis is back, without restarting ingest', async () => {
    await redis.start();
    // ioredis reconnects on its own (backing off to 2 s); until then the answer stays 503.
    const single = await waitFor(
      async () => {
        const answer = await pipeline.postEvent(seedEvent({ idempotencyKey: 'after-restart' }));
        if (answer.status !== 202) expectUnavailable(answer);
        return answer.status === 202 ? answer : undefined;
      },
      { description: 'POST /v1/events to be accepted after the restart', timeoutMs: 8_000, intervalMs: 100 },
    );
    expect(single.body.eventId).toMatch(/^[0-9a-f-]{36}$/);
    const batch = await pipeline.postBatch([seedEvent({ idempotencyKey: 'after-restart-batch' })]);
    expect(batch.status).toBe(202);
    // Redis restarted empty (no AOF here): exactly the two jobs written since.
    expect(await queueJobTotal(pipeline)).toBe(2);
    expect((await pipeline.request('GET', '/readyz')).status).toBe(200);
  });
});
