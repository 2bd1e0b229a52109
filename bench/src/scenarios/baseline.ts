import { fork } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { freshKeyPrefix } from '@pushrail/testing';
import { Queue } from 'bullmq';
import IORedis from 'ioredis';
import type { BenchStack } from '../bench-stack';
import type { Measurement, RunSize } from '../measurement';
import { CpuMeter } from '../cpu-meter';
import { killOnExit, readCpuSeconds, readPeakRssMB } from '../node-process';
import { queuedSampleEvents } from '../sample-event';
import { perSecond } from '../stats';

/** `queue.add` calls in flight at once, like 64 HTTP connections each adding its event. */
const PRODUCERS = 64;

/**
 * The baseline, end to end from `queue.add` per event to the last row: one
 * BullMQ job per event, one single-row INSERT per job (baseline-worker.ts, a
 * process of its own with concurrency 16). No HTTP in front of it, so it is
 * if anything flattered against Pushrail's end-to-end figures.
 */
export async function runBaseline(stack: BenchStack, size: RunSize): Promise<Measurement[]> {
  const table = await stack.createTable('baseline');
  const prefix = freshKeyPrefix();
  const queueName = 'baseline';
  const log = fs.openSync(path.join(stack.runDir, 'baseline-worker.log'), 'a');
  const child = fork(path.join(__dirname, '..', 'baseline', 'baseline-worker.js'), [], {
    env: {
      PATH: process.env.PATH,
      BASELINE_REDIS_URL: stack.redis.url,
      BASELINE_PREFIX: prefix,
      BASELINE_QUEUE: queueName,
      BASELINE_WRITER_URL: stack.customer.writerUrl,
      BASELINE_TABLE: table.qualified,
    },
    stdio: ['ignore', log, log, 'ipc'],
  });
  fs.closeSync(log);
  killOnExit(child);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    child.once('message', () => resolve());
    child.once('exit', (code) => reject(new Error(`baseline worker exited during boot (code ${code}); see ${stack.runDir}/baseline-worker.log`)));
  });

  const connection = new IORedis(stack.redis.url, { maxRetriesPerRequest: null });
  const queue = new Queue(queueName, { connection, prefix });
  const events = queuedSampleEvents(size.baselineEvents);
  const cpu = new CpuMeter({
    baselineWorker: { cpuSeconds: () => readCpuSeconds(child.pid!) },
    redis: { cpuSeconds: () => (stack.redis.pid === undefined ? undefined : readCpuSeconds(stack.redis.pid)) },
  });
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
  const peakRss = readPeakRssMB(child.pid!);
  child.kill('SIGTERM');
  await exited;
  await queue.close();
  await connection.quit();
  const check = await table.check(events.map((e) => e.id));
  return [
    {
      key: 'baseline',
      label: 'baseline: 1 BullMQ job + 1 single-row INSERT per event (queue.add → row)',
      events: check.rows,
      eventsPerSec: perSecond(check.rows, lastCommitMs - startedAtMs),
      lost: check.lost,
      duplicated: check.unexpected,
      ...(peakRss !== undefined ? { workerPeakRssMB: peakRss } : {}),
      detail: { workerConcurrency: 16, producersInFlight: PRODUCERS, allLanded: landed, cpuSeconds },
    },
  ];
}
