import { fork, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { freshKeyPrefix } from '@pushrail/testing';
import { Queue } from 'bullmq';
import IORedis from 'ioredis';
import type { BenchStack } from '../bench-stack';
import type { Measurement, RunSize } from '../measurement';
import { CpuMeter } from '../cpu-meter';
import { closedLoop } from '../http-load';
import { killOnExit, readCpuSeconds, readPeakRssMB } from '../node-process';
import { queuedSampleEvents, SINGLE_BODY } from '../sample-event';
import { perSecond, summarizeMs } from '../stats';
import { SINGLE_CONNECTIONS } from './e2e-single';

/** `queue.add` calls in flight at once in the queue-only line, like 64 HTTP connections each adding its event. */
const PRODUCERS = 64;

/** Write key of the baseline's HTTP front (it has no control database: one key, compared per request). */
const BASELINE_WRITE_KEY = 'pr_wk_baseline';

interface BaselineChild {
  child: ChildProcess;
  /** What the child sent when ready (the HTTP front sends its port). */
  ready: unknown;
  stop(): Promise<void>;
}

/** Forks one of src/baseline/*.js and waits for its ready message; its output goes to the run directory. */
async function forkBaseline(stack: BenchStack, script: string, env: Record<string, string>): Promise<BaselineChild> {
  const log = fs.openSync(path.join(stack.runDir, `${script}.log`), 'a');
  const child = fork(path.join(__dirname, '..', 'baseline', `${script}.js`), [], {
    env: { PATH: process.env.PATH, NODE_ENV: 'production', ...env },
    stdio: ['ignore', log, log, 'ipc'],
  });
  fs.closeSync(log);
  killOnExit(child);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const ready = await new Promise<unknown>((resolve, reject) => {
    child.once('message', resolve);
    child.once('exit', (code) => reject(new Error(`${script} exited during boot (code ${code}); see ${stack.runDir}/${script}.log`)));
  });
  return {
    child,
    ready,
    stop: async () => {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/**
 * The baseline: the design a team writes first from the same stack, one
 * BullMQ job per event and one single-row INSERT per job
 * (src/baseline/baseline-worker.ts, a process of its own with concurrency 16),
 * fed by `queue.add` from the bench process (64 adds in flight). No HTTP, so
 * it shows what the queue and consumer alone take. The end-to-end baseline
 * that the single-event goal compares with is {@link measureBaselineHttp},
 * measured beside `e2e.single` (scenarios/e2e-single.ts).
 */
export async function runBaseline(stack: BenchStack, size: RunSize): Promise<Measurement[]> {
  const prefix = freshKeyPrefix();
  const queueName = 'baseline';
  const table = await stack.createTable('baseline');
  const worker = await forkBaseline(stack, 'baseline-worker', {
    BASELINE_REDIS_URL: stack.redis.url,
    BASELINE_PREFIX: prefix,
    BASELINE_QUEUE: queueName,
    BASELINE_WRITER_URL: stack.customer.writerUrl,
    BASELINE_TABLE: table.qualified,
  });
  const connection = new IORedis(stack.redis.url, { maxRetriesPerRequest: null });
  const queue = new Queue(queueName, { connection, prefix });
  const events = queuedSampleEvents(size.baselineEvents);
  const cpu = new CpuMeter({ baselineWorker: { cpuSeconds: () => readCpuSeconds(worker.child.pid!) }, redis: stack.redisCpu });
  const startedAtMs = Date.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: PRODUCERS }, async () => {
      while (next < events.length) {
        const event = events[next++]!;
        await queue.add('event', { ...event, receivedAt: Date.now() }, { removeOnComplete: true });
      }
    }),
  );
  const landed = await table.waitForRows(events.length, size.settleTimeoutMs);
  const cpuSeconds = cpu.read();
  const { lastCommitMs } = await table.commitSpan();
  const peakRss = readPeakRssMB(worker.child.pid!);
  await worker.stop();
  await queue.close();
  await connection.quit();
  const check = await table.check(events.map((e) => e.id));
  return [
    {
      key: 'baseline',
      label: 'baseline, no HTTP: queue.add per event → 1 single-row INSERT per job',
      events: check.rows,
      eventsPerSec: perSecond(check.rows, lastCommitMs - startedAtMs),
      lost: check.lost,
      duplicated: check.unexpected,
      ...(peakRss !== undefined ? { workerPeakRssMB: peakRss } : {}),
      detail: { workerConcurrency: 16, producersInFlight: PRODUCERS, allLanded: landed, cpuSeconds },
    },
  ];
}

/**
 * `baseline.http`, the baseline end to end as issue 8 defines it and the
 * single-event goal compares with: an express 5 front with `express.json()`
 * (src/baseline/baseline-ingest.ts) before the same consumer, taking
 * `POST /v1/events` from the same generator as `e2e.single` (64 keep-alive
 * connections, closed loop, same window), the clock from the first request to
 * the last acknowledged event's commit.
 */
export async function measureBaselineHttp(stack: BenchStack, size: RunSize, run: number, keySuffix = ''): Promise<Measurement> {
  const prefix = freshKeyPrefix();
  const queueName = 'baseline';
  const table = await stack.createTable(`baseline_http_${run}${keySuffix.replace(/[^a-z0-9]/g, '_')}`);
  const env = { BASELINE_REDIS_URL: stack.redis.url, BASELINE_PREFIX: prefix, BASELINE_QUEUE: queueName };
  const worker = await forkBaseline(stack, 'baseline-worker', { ...env, BASELINE_WRITER_URL: stack.customer.writerUrl, BASELINE_TABLE: table.qualified });
  const ingest = await forkBaseline(stack, 'baseline-ingest', { ...env, BASELINE_WRITE_KEY });
  const port = (ingest.ready as { port: number }).port;
  const cpu = new CpuMeter({
    baselineIngest: { cpuSeconds: () => readCpuSeconds(ingest.child.pid!) },
    baselineWorker: { cpuSeconds: () => readCpuSeconds(worker.child.pid!) },
    redis: stack.redisCpu,
  });
  const load = await closedLoop({
    baseUrl: `http://127.0.0.1:${port}`,
    path: '/v1/events',
    body: SINGLE_BODY,
    writeKey: BASELINE_WRITE_KEY,
    connections: SINGLE_CONNECTIONS,
    durationMs: size.e2eSeconds * 1000,
  });
  const accepted = load.acceptedIds.length;
  const landed = await table.waitForRows(accepted, size.settleTimeoutMs);
  const cpuSeconds = cpu.read();
  const { lastCommitMs } = await table.commitSpan();
  const ingestRss = readPeakRssMB(ingest.child.pid!);
  const workerRss = readPeakRssMB(worker.child.pid!);
  await ingest.stop();
  await worker.stop();
  const check = await table.check(load.acceptedIds);
  const ack = summarizeMs(load.latenciesMs);
  return {
    key: 'baseline.http',
    label: `baseline, end to end: express POST /v1/events, ${SINGLE_CONNECTIONS} connections → queue.add → 1 INSERT per job`,
    events: check.accepted,
    eventsPerSec: perSecond(check.rows, lastCommitMs - load.startedAtMs),
    lost: check.lost,
    duplicated: check.unexpected + (accepted - check.accepted),
    ackP50Ms: ack.p50,
    ackP99Ms: ack.p99,
    ...(ingestRss !== undefined ? { ingestPeakRssMB: ingestRss } : {}),
    ...(workerRss !== undefined ? { workerPeakRssMB: workerRss } : {}),
    detail: {
      workerConcurrency: 16,
      connections: SINGLE_CONNECTIONS,
      requests: load.requests,
      acceptedPerSec: perSecond(accepted, load.endedAtMs - load.startedAtMs),
      refused: load.refused,
      ...(load.firstRefusal ? { firstRefusal: load.firstRefusal } : {}),
      allLanded: landed,
      cpuSeconds,
    },
  };
}
