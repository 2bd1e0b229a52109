import { freshKeyPrefix, sharedRedisUrl } from '@pushrail/testing';
import IORedis, { type Redis } from 'ioredis';
import { DeliveryStats, STATS_BUCKET_MS, STATS_WINDOW_BUCKETS } from './delivery-stats';
import { deliveryCountsKey } from './redis-keys';

/** A moment on a bucket boundary, so offsets below land in known buckets. */
const T0 = 1_795_000_200_000 - (1_795_000_200_000 % STATS_BUCKET_MS);
const HOUR = 3_600_000;

describe('DeliveryStats (real Redis)', () => {
  let redis: Redis;
  let prefix: string;
  let stats: DeliveryStats;

  beforeEach(() => {
    redis = new IORedis(sharedRedisUrl());
    prefix = freshKeyPrefix();
    stats = new DeliveryStats(redis, prefix);
  });

  afterEach(() => {
    redis.disconnect();
  });

  it('sums what was recorded in the last 24 hours, and keeps the last delivery and error', async () => {
    await stats.record('d1', { delivered: 5 }, T0);
    await stats.record('d1', { delivered: 7, deadLettered: 2, error: { kind: 'bad_row', code: '22P05', message: 'unsupported Unicode escape' } }, T0 + HOUR);
    await stats.record('d2', { delivered: 1 }, T0);

    const read = await stats.read(['d1', 'd2', 'never'], T0 + 2 * HOUR);
    expect(read.get('d1')).toEqual({
      lastDeliveredAt: new Date(T0 + HOUR),
      lastError: { at: new Date(T0 + HOUR).toISOString(), kind: 'bad_row', code: '22P05', message: 'unsupported Unicode escape' },
      delivered24h: 12,
      deadLettered24h: 2,
    });
    expect(read.get('d2')?.delivered24h).toBe(1);
    expect(read.get('never')).toEqual({ lastDeliveredAt: null, lastError: null, delivered24h: 0, deadLettered24h: 0 });

    // 24 hours and one bucket after the first record, only the second remains in the window.
    expect((await stats.read(['d1'], T0 + 24 * HOUR + STATS_BUCKET_MS)).get('d1')?.delivered24h).toBe(7);
  });

  it('an error alone leaves the counts and the last delivery as they were', async () => {
    await stats.record('d1', { delivered: 3 }, T0);
    await stats.record('d1', { error: { kind: 'transient', message: 'connect ECONNREFUSED' } }, T0 + 1000);
    const figures = (await stats.read(['d1'], T0 + 2000)).get('d1')!;
    expect(figures.delivered24h).toBe(3);
    expect(figures.lastDeliveredAt).toEqual(new Date(T0));
    expect(figures.lastError).toMatchObject({ kind: 'transient', code: null, message: 'connect ECONNREFUSED' });
  });

  it('keeps at most one window of buckets: old ones are pruned as time moves, and all of them after a long idle gap', async () => {
    for (let i = 0; i < STATS_WINDOW_BUCKETS + 20; i++) await stats.record('d1', { delivered: 1 }, T0 + i * STATS_BUCKET_MS);
    const fields = await redis.hkeys(deliveryCountsKey(prefix, 'd1'));
    // The window's buckets, plus the pruning mark.
    expect(fields.length).toBeLessThanOrEqual(STATS_WINDOW_BUCKETS + 2);
    const last = T0 + (STATS_WINDOW_BUCKETS + 19) * STATS_BUCKET_MS;
    expect((await stats.read(['d1'], last)).get('d1')?.delivered24h).toBe(STATS_WINDOW_BUCKETS);

    // Idle for a week: every bucket is stale and the next record starts afresh.
    await stats.record('d1', { delivered: 4 }, last + 7 * 24 * HOUR);
    expect((await redis.hkeys(deliveryCountsKey(prefix, 'd1'))).sort()).toEqual(['d' + Math.floor((last + 7 * 24 * HOUR) / STATS_BUCKET_MS), 'p'].sort());
    expect((await stats.read(['d1'], last + 7 * 24 * HOUR)).get('d1')?.delivered24h).toBe(4);
  });

  it('records nothing for an empty outcome, and a key expires after 30 days without news', async () => {
    await stats.record('d1', {}, T0);
    expect(await redis.exists(deliveryCountsKey(prefix, 'd1'))).toBe(0);
    await stats.record('d1', { delivered: 1 }, T0);
    const ttl = await redis.ttl(deliveryCountsKey(prefix, 'd1'));
    expect(ttl).toBeGreaterThan(29 * 24 * 3600);
    expect(ttl).toBeLessThanOrEqual(30 * 24 * 3600);
  });
});
