/**
 * A redrive by filter larger than one page, through the real route on an
 * ingest app of this file's own (so its log lines can be read) and with no
 * worker running, so the jobs it enqueues stay in Redis to be looked at.
 */
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { Writable } from 'node:stream';
import { randomUUID } from 'node:crypto';
import type { NewDeadLetter } from '@pushrail/control-db';
import { createApp, type Ingest } from '@pushrail/ingest';
import { createLogger, PushrailMetrics } from '@pushrail/observability';
import { createRedisConnection, destinationQueueName, EventProducer } from '@pushrail/queue';
import { Queue } from 'bullmq';
import { ADMIN_TOKEN, Pipeline, queuedEventsOf } from './pipeline';

const DEAD_LETTERS = 2_500;

describe('dead letters: a redrive by filter in pages', () => {
  let pipeline: Pipeline;
  let producer: EventProducer;
  let ingest: Ingest;
  let server: Server;
  let baseUrl: string;
  const logLines: Array<Record<string, any>> = []; // eslint-disable-line @typescript-eslint/no-explicit-any

  beforeAll(async () => {
    pipeline = await Pipeline.start({ startWorker: false });
    producer = new EventProducer(pipeline.redis, pipeline.prefix);
    const logStream = new Writable({
      write(chunk: Buffer, _encoding, done) {
        for (const line of chunk.toString('utf8').split('\n')) if (line.trim()) logLines.push(JSON.parse(line));
        done();
      },
    });
    ingest = createApp({
      db: pipeline.db,
      store: pipeline.store,
      producer,
      redis: pipeline.redis,
      metrics: new PushrailMetrics({ defaultMetrics: false }),
      logger: createLogger({ level: 'info', name: 'ingest', destination: logStream }),
      adminToken: ADMIN_TOKEN,
      allowPrivateHosts: true,
    });
    server = await new Promise<Server>((resolve) => {
      const s = ingest.app.listen(0, '127.0.0.1', () => resolve(s));
    });
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeAllConnections();
    await ingest.intake.drain();
    await producer.queueFor(pipeline.destinationId).obliterate({ force: true });
    await producer.close();
    await pipeline.close();
  });

  async function redrive(body: unknown): Promise<{ status: number; body: any }> { // eslint-disable-line @typescript-eslint/no-explicit-any
    const response = await fetch(`${baseUrl}/admin/v1/dead-letters/redrive`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return { status: response.status, body: await response.json() };
  }

  /** Reads the destination's queue on a connection of its own, closed after. */
  async function inspect<T>(read: (queue: Queue) => Promise<T>): Promise<T> {
    const connection = createRedisConnection(pipeline.redisUrl, 'producer');
    const queue = new Queue(destinationQueueName(pipeline.destinationId), { connection, prefix: pipeline.prefix });
    try {
      return await read(queue);
    } finally {
      await queue.close();
      await connection.quit();
    }
  }

  it('enqueues 2,500 dead letters in jobs of at most 1,000 events, unchanged, logging progress each page', async () => {
    const jobId = `test-${randomUUID()}`;
    const queued = Array.from({ length: DEAD_LETTERS }, (_, i) => ({
      id: randomUUID(),
      receivedAt: 1_780_000_000_000 + i,
      // The smallest valid envelope: 2,500 of them are read back from Redis below.
      event: { eventType: 't', occurredAt: '2026-05-26T14:21:08.493Z', source: 's', payload: { i } },
    }));
    const rows: NewDeadLetter[] = queued.map((q) => ({
      destinationId: pipeline.destinationId,
      eventId: q.id,
      jobId,
      eventJson: JSON.stringify(q),
      errorKind: 'permanent',
      errorCode: '42501',
      errorMessage: 'permission denied for table events',
      attempts: 1,
      firstFailedAt: new Date(),
      lastFailedAt: new Date(),
    }));
    expect(await pipeline.db.insertDeadLetters(rows)).toBe(DEAD_LETTERS);

    const answer = await redrive({ destinationId: pipeline.destinationId });
    expect(answer).toEqual({
      status: 202,
      body: { redriven: DEAD_LETTERS, skipped: 0, skippedReasons: { destination_deleted: 0, unreadable_event: 0 } },
    });

    const jobs = await inspect((queue) => queue.getJobs(['wait', 'prioritized']));
    const sizes = jobs.map((job) => queuedEventsOf(job.data).length).sort((a, b) => b - a);
    expect(sizes).toEqual([1000, 1000, 500]);
    for (const job of jobs) expect(job.name).toBe('deliver');
    const enqueued = new Map(jobs.flatMap((job) => queuedEventsOf(job.data)).map((e) => [e.id, e]));
    expect(enqueued.size).toBe(DEAD_LETTERS);
    for (const original of queued) expect(enqueued.get(original.id)).toEqual(original);

    const progress = logLines.filter((line) => line.msg === 'redrive progress');
    expect(progress.map((line) => [line.done, line.total])).toEqual([
      [1000, DEAD_LETTERS],
      [2000, DEAD_LETTERS],
      [2500, DEAD_LETTERS],
    ]);
    expect(progress[0]!.filter).toEqual({ destinationId: pipeline.destinationId });
    const done = logLines.find((line) => line.msg === 'redrive done');
    expect(done).toMatchObject({ redriven: DEAD_LETTERS, skipped: 0, total: DEAD_LETTERS });
    expect(typeof done!.durationMs).toBe('number');

    // All marked: a repeat finds nothing, enqueues nothing.
    logLines.length = 0;
    expect((await redrive({ destinationId: pipeline.destinationId })).body.redriven).toBe(0);
    expect(await inspect((queue) => queue.getJobCounts('wait'))).toEqual({ wait: 3 });
    expect(logLines.filter((line) => line.msg === 'redrive progress')).toHaveLength(0);
  });
});
