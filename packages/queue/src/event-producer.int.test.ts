import { freshKeyPrefix, sharedRedisUrl, waitFor } from '@pushrail/testing';
import IORedis, { type Redis } from 'ioredis';
import { toDeliverPayload } from './deliver-payload';
import { EventProducer } from './event-producer';
import { DELIVER_JOB } from './job-catalogue';
import { destinationQueueName, workIndexKey } from './redis-keys';
import { createRedisConnection } from './redis-connection';

const EVENT = {
  id: '0190a1b2-c3d4-7e5f-8a9b-000000000001',
  receivedAt: 1_795_000_000_000,
  event: { eventType: 'order.completed', occurredAt: '2026-05-26T14:21:08.493Z', source: 'checkout', payload: { orderId: 'ord_1' } },
};

describe('EventProducer.enqueue (real Redis)', () => {
  let redis: Redis;
  let admin: Redis;
  let prefix: string;
  let producer: EventProducer;

  beforeEach(() => {
    redis = createRedisConnection(sharedRedisUrl(), 'producer');
    admin = new IORedis(sharedRedisUrl());
    prefix = freshKeyPrefix();
    producer = new EventProducer(redis, prefix);
  });

  afterEach(async () => {
    await producer.close();
    redis.disconnect();
    admin.disconnect();
  });

  it('writes the job with its options and data, and marks the destination as having work now', async () => {
    const jobId = await producer.enqueue('d1', [EVENT]);
    const job = await producer.queueFor('d1').getJob(jobId);
    expect(job?.name).toBe(DELIVER_JOB.name);
    expect(job?.data).toEqual(toDeliverPayload([EVENT]));
    expect(job?.opts.attempts).toBe(DELIVER_JOB.options.attempts);
    expect(job?.opts.backoff).toEqual(DELIVER_JOB.options.backoff);
    expect(await producer.queueFor('d1').getWaitingCount()).toBe(1);
    expect(await admin.zscore(workIndexKey(prefix), 'd1')).toBe('0');
  });

  it('keeps one job per jobId (a redrive written twice)', async () => {
    expect(await producer.enqueue('d1', [EVENT], { jobId: 'redrive-1' })).toBe('redrive-1');
    expect(await producer.enqueue('d1', [EVENT], { jobId: 'redrive-1' })).toBe('redrive-1');
    expect(await producer.queueFor('d1').getWaitingCount()).toBe(1);
  });

  it('runs the add script before the work-index ZADD (a worker that sees the entry finds the job)', async () => {
    await producer.enqueue('d1', [EVENT]); // scripts loaded, queue ready
    const monitor = await admin.monitor();
    // Lines Redis sends between disconnect() and the socket closing match no command: ioredis reports each
    // as an 'error' ("Command queue state error"), printing the whole line when nobody listens.
    monitor.on('error', () => undefined);
    // Commands sent by clients, in the order Redis ran them (the add script's own calls come as source 'lua').
    // The Redis server is shared with other test files running at the same time: keep only the commands that
    // touch this test's keys (every key BullMQ and the work index use starts with the prefix).
    const seen: string[] = [];
    monitor.on('monitor', (_time: string, args: string[], source: string) => {
      if (source === 'lua' || !args.some((arg) => arg.startsWith(`${prefix}:`))) return;
      seen.push(`${args[0]!.toLowerCase()} ${args[0]!.toLowerCase() === 'zadd' ? args[1] : ''}`.trim());
    });
    try {
      await producer.enqueue('d1', [EVENT]);
      await waitFor(() => seen.includes(`zadd ${workIndexKey(prefix)}`), { timeoutMs: 5_000, description: 'the work-index ZADD in MONITOR' });
    } finally {
      monitor.disconnect();
    }
    // Redis runs one connection's commands in order: the add script (EVALSHA) first, then the ZADD.
    expect(seen.filter((c) => c === 'evalsha' || c.startsWith('zadd'))).toEqual(['evalsha', `zadd ${workIndexKey(prefix)}`]);
  });

  it('still writes the job after Redis forgot its scripts (SCRIPT FLUSH, as after a restart)', async () => {
    await producer.enqueue('d1', [EVENT]);
    await admin.script('FLUSH');
    const jobId = await producer.enqueue('d1', [EVENT]);
    expect((await producer.queueFor('d1').getJob(jobId))?.data).toEqual(toDeliverPayload([EVENT]));
    expect(await producer.queueFor('d1').getWaitingCount()).toBe(2);
  });

  it('fails, and writes nothing, while its connection is down', async () => {
    await producer.enqueue('d1', [EVENT]);
    redis.disconnect();
    await expect(producer.enqueue('d1', [EVENT])).rejects.toThrow();
    expect(await admin.llen(`${prefix}:${destinationQueueName('d1')}:wait`)).toBe(1);
  });
});
