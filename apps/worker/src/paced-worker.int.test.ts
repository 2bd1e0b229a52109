import { freshKeyPrefix, sharedRedisUrl, startRedisServer, waitFor, type RedisServer } from '@pushrail/testing';
import { Queue, type Job, type RedisClient } from 'bullmq';
import IORedis, { type Redis, type RedisOptions } from 'ioredis';
import { PacedWorker } from './paced-worker';

const QUEUE = 'paced';

describe('PacedWorker (real Redis)', () => {
  let connection: Redis;
  let queue: Queue;
  let prefix: string;
  let worker: PacedWorker | undefined;

  beforeEach(() => {
    connection = new IORedis(sharedRedisUrl(), { maxRetriesPerRequest: null });
    prefix = freshKeyPrefix();
    queue = new Queue(QUEUE, { connection, prefix });
  });

  afterEach(async () => {
    await worker?.close();
    worker = undefined;
    await queue.close();
    connection.disconnect();
  });

  function startWorker(idleFetchDelayMs: number, onJob: (job: Job) => void, concurrency = 4): PacedWorker {
    const started = new PacedWorker(QUEUE, async (job) => onJob(job), { connection, prefix, concurrency, drainDelay: 1 }, idleFetchDelayMs);
    started.on('error', () => undefined);
    return started;
  }

  it('waits the delay after finding the queue empty before it fetches a job added then', async () => {
    let drainedAt: number | undefined;
    let processedAt: number | undefined;
    worker = startWorker(400, () => {
      processedAt ??= performance.now();
    });
    // 'drained' is emitted by the fetch that found nothing, just before the worker starts waiting.
    worker.once('drained', () => {
      drainedAt = performance.now();
      void queue.add('job', { n: 1 });
    });
    await waitFor(() => processedAt !== undefined, { timeoutMs: 5_000, description: 'the job added after the empty fetch' });
    expect(processedAt! - drainedAt!).toBeGreaterThanOrEqual(390);
  });

  it('fetches a backlog back to back, without the delay between jobs', async () => {
    await queue.addBulk(Array.from({ length: 40 }, (_, n) => ({ name: 'job', data: { n } })));
    const seen: number[] = [];
    // A delay far longer than the wait below: any pause between backlog jobs would time the test out.
    worker = startWorker(60_000, (job) => seen.push(job.data.n as number));
    await waitFor(() => seen.length === 40, { timeoutMs: 10_000, description: 'all 40 backlog jobs' });
    expect(new Set(seen).size).toBe(40);
  });

  it('holds its fetching for the delay after each fetch that finds nothing, while jobs trickle in', async () => {
    const delayMs = 200;
    let processed = 0;
    const fetches: Array<{ startedAt: number; endedAt: number; empty: boolean }> = [];
    /** Records each fetch the pacing wraps: when it started, when it returned (after any delay), and whether it found a job. */
    class RecordingWorker extends PacedWorker {
      protected override async moveToActive(client: RedisClient, token: string, name?: string): Promise<Job> {
        const startedAt = performance.now();
        const job = await super.moveToActive(client, token, name);
        fetches.push({ startedAt, endedAt: performance.now(), empty: !job });
        return job;
      }
    }
    // One fetch at a time, so a delay holds up every fetch after it.
    worker = new RecordingWorker(QUEUE, async () => void processed++, { connection, prefix, concurrency: 1, drainDelay: 1 }, delayMs);
    worker.on('error', () => undefined);
    // One job every 5 ms or so: unpaced, BullMQ would find the queue empty after nearly every job.
    for (let n = 0; n < 200; n++) {
      await queue.add('job', { n });
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    await waitFor(() => processed === 200, { timeoutMs: 30_000, description: 'all 200 jobs' });
    const empty = fetches.filter((f) => f.empty);
    expect(empty.length).toBeGreaterThan(0);
    // Lower bounds only (a timer may fire up to a millisecond early), so a slow machine cannot break them:
    // each empty fetch returns a whole delay later, and the next fetch starts after it returned.
    expect(empty.filter((f) => f.endedAt - f.startedAt < delayMs - 2)).toEqual([]);
    const overlapping = fetches.slice(1).filter((f, i) => f.startedAt < fetches[i]!.endedAt - 1);
    expect(overlapping).toEqual([]);
  });

  it('closes at once, without finishing a delay in progress', async () => {
    worker = startWorker(60_000, () => undefined);
    await new Promise<void>((resolve) => worker!.once('drained', () => resolve()));
    const closed = worker.close().then(() => 'closed' as const);
    const timedOut = new Promise<'still waiting'>((resolve) => setTimeout(() => resolve('still waiting'), 5_000).unref());
    expect(await Promise.race([closed, timedOut])).toBe('closed');
  });
});

describe('PacedWorker.close while its blocking connection is being set up (own Redis, stopped)', () => {
  let redis: RedisServer;
  beforeAll(async () => {
    redis = await startRedisServer();
  });
  afterAll(async () => {
    await redis.destroy();
  });

  // BullMQ 5.81 (taskforcesh/bullmq#3546): close() takes a connection still being set up down at once and
  // removes its error listeners; the set-up's INFO then fails with nobody listening, an unhandled rejection
  // (which ends a Node process). Here Redis stops the moment the worker's blocking connection is ready, before
  // BullMQ's INFO is answered, and stays stopped until ioredis gives up on a clean close (2 s) and drops the socket.
  it('closes without an unhandled error when the set-up fails after close', async () => {
    const pid = redis.pid!;
    let blockingClient: Redis | undefined;
    class StopsRedisOnceDuplicateIsReady extends IORedis {
      override duplicate(override?: Partial<RedisOptions>): Redis {
        const client = super.duplicate(override);
        client.once('ready', () => process.kill(pid, 'SIGSTOP'));
        blockingClient = client;
        return client;
      }
    }
    const connection = new StopsRedisOnceDuplicateIsReady(redis.url, { maxRetriesPerRequest: null });
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown): void => {
      unhandled.push(reason);
    };
    process.on('unhandledRejection', onUnhandled);
    try {
      await connection.ping();
      const worker = new PacedWorker(QUEUE, async () => undefined, { connection, prefix: freshKeyPrefix(), drainDelay: 1 }, 20);
      worker.on('error', () => undefined);
      await waitFor(() => blockingClient?.status === 'ready', { description: 'the blocking connection ready, Redis stopped' });
      let ended = false;
      blockingClient!.once('end', () => (ended = true));
      await worker.close();
      await waitFor(() => ended, { timeoutMs: 10_000, description: 'ioredis dropping the socket of the stopped server' });
      await new Promise((resolve) => setImmediate(resolve));
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
      process.kill(pid, 'SIGCONT');
      connection.disconnect();
    }
  });
});
