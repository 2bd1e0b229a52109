import { startRedisServer, waitFor, type RedisServer } from '@pushrail/testing';
import { Pipeline, seedEvent } from './pipeline';

describe('kill -9 of Redis (AOF, appendfsync always) in the middle of single-event POSTs', () => {
  let redis: RedisServer;
  let pipeline: Pipeline;

  beforeAll(async () => {
    redis = await startRedisServer({ appendOnly: { fsync: 'always' } });
    pipeline = await Pipeline.start({ redisUrl: redis.url });
  });

  afterAll(async () => {
    await pipeline.close();
    await redis.destroy();
  });

  it('lands every event that got a 202, without restarting ingest or worker', async () => {
    const accepted = new Set<string>();
    let unavailable = 0;
    let sent = 0;
    const post = async () => {
      const answer = await pipeline.postEvent(seedEvent({ idempotencyKey: `redis-kill-${sent++}` }));
      if (answer.status === 202) accepted.add(answer.body.eventId);
      else if (answer.status === 503) unavailable++;
      else throw new Error(`unexpected ${answer.status}: ${answer.text}`);
    };
    const burst = () => Promise.all(Array.from({ length: 8 }, post));

    for (let i = 0; i < 30; i++) await burst();
    const killing = redis.kill();
    await Promise.all([burst(), burst(), killing]);
    for (let i = 0; i < 3; i++) await burst(); // Redis is down: these must be 503, never 202
    expect(unavailable).toBeGreaterThan(0);
    await redis.start();
    await waitFor(async () => {
      await burst();
      return accepted.size > 250;
    }, { description: '202s again after Redis restarted', timeoutMs: 20_000, intervalMs: 100 });

    await waitFor(async () => {
      const present = new Set((await pipeline.rows()).map((r) => r.event_id));
      return [...accepted].every((id) => present.has(id));
    }, { description: 'every acknowledged event delivered', timeoutMs: 30_000, intervalMs: 250 });
    const rows = await pipeline.rows();
    expect(new Set(rows.map((r) => r.event_id)).size).toBe(rows.length);
  }, 90_000);
});
