import { waitFor } from '@pushrail/testing';
import { Pipeline, seedEvent, startIngestReplica, type IngestReplica } from './pipeline';

describe('per-tenant rate limit, shared by every ingest process', () => {
  let pipeline: Pipeline;
  let replica: IngestReplica;

  beforeAll(async () => {
    pipeline = await Pipeline.start({ startWorker: false });
    replica = await startIngestReplica(pipeline);
  });

  afterAll(async () => {
    await replica.close();
    await pipeline.close();
  });

  const postTo = (baseUrl: string, body: unknown, path = '/v1/events') =>
    fetch(baseUrl + path, {
      method: 'POST',
      headers: { authorization: `Bearer ${pipeline.writeKey}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });

  it('is off until set, then answers 429 with Retry-After once the tenant passes its rate across two processes', async () => {
    // No limit: 60 quick events all pass.
    const free = await Promise.all(Array.from({ length: 60 }, (_, i) => postTo(pipeline.baseUrl, seedEvent({ idempotencyKey: `free-${i}` }))));
    expect(free.every((r) => r.status === 202)).toBe(true);

    const patched = await pipeline.admin('PATCH', `/admin/v1/tenants/${pipeline.tenantId}`, { rateLimitPerSec: 10 });
    expect(patched.body.rateLimitPerSec).toBe(10);

    // Within 2 s the limit is in force on both processes.
    let n = 0;
    await waitFor(async () => {
      const [a, b] = await Promise.all([
        postTo(pipeline.baseUrl, seedEvent({ idempotencyKey: `probe-${n++}` })),
        postTo(replica.baseUrl, seedEvent({ idempotencyKey: `probe-${n++}` })),
      ]);
      return a.status === 429 && b.status === 429;
    }, { description: 'both processes refusing over the limit', timeoutMs: 2_000, intervalMs: 20 });

    // Sustained load through both: what passes is at most the burst (10) plus 10 a second.
    const started = Date.now();
    const answers: Response[] = [];
    while (Date.now() - started < 1_500) {
      answers.push(
        ...(await Promise.all(
          Array.from({ length: 4 }, (_, i) => postTo(i % 2 ? replica.baseUrl : pipeline.baseUrl, seedEvent({ idempotencyKey: `load-${n++}` }))),
        )),
      );
    }
    const elapsedSec = (Date.now() - started) / 1000;
    const accepted = answers.filter((a) => a.status === 202).length;
    const refused = answers.filter((a) => a.status === 429);
    expect(accepted + refused.length).toBe(answers.length);
    expect(accepted).toBeLessThanOrEqual(Math.ceil(10 + 10 * elapsedSec) + 1);
    expect(refused.length).toBeGreaterThan(0);
    const retryAfter = Number(refused[0]!.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    const body = (await refused[0]!.json()) as { error: { code: string } };
    expect(body.error.code).toBe('rate_limited');

    // A batch bigger than the bucket passes only on a full bucket.
    await waitFor(async () => (await postTo(replica.baseUrl, { events: Array.from({ length: 15 }, (_, i) => seedEvent({ idempotencyKey: `big-${i}` })) }, '/v1/batch')).status === 202, {
      description: 'a batch of 15 once the bucket is full again',
      timeoutMs: 5_000,
      intervalMs: 250,
    });
    expect((await postTo(pipeline.baseUrl, seedEvent({ idempotencyKey: 'right-after-big' }))).status).toBe(429);

    // Removing the limit takes effect within 2 s.
    expect((await pipeline.admin('PATCH', `/admin/v1/tenants/${pipeline.tenantId}`, { rateLimitPerSec: null })).body.rateLimitPerSec).toBeNull();
    await waitFor(async () => {
      const answers = await Promise.all(Array.from({ length: 30 }, (_, i) => postTo(replica.baseUrl, seedEvent({ idempotencyKey: `unlimited-${Date.now()}-${i}` }))));
      return answers.every((a) => a.status === 202);
    }, { description: 'no 429 after the limit was removed', timeoutMs: 2_500, intervalMs: 100 });
  });
});
