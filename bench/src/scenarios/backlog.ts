import type { BenchStack } from '../bench-stack';
import { CpuMeter } from '../cpu-meter';
import { Deployment, peaks } from '../deployment';
import { closedLoop } from '../http-load';
import type { Measurement, RunSize } from '../measurement';
import { batchBody, SAMPLE_EVENT_JSON_BYTES } from '../sample-event';
import { perSecond, round } from '../stats';
import { BATCH_CONNECTIONS, BATCH_EVENTS } from './e2e-batch';

/** Longest the load of the backlog may run, in ms: a bound, the load stops at its request count. */
const BACKLOG_LOAD_LIMIT_MS = 30 * 60_000;

/**
 * Backlog: the customer's PostgreSQL server is stopped, `backlogEvents`
 * events are accepted (POST /v1/batch of 500) while the worker keeps
 * failing and backing off, then the server comes back and the backlog
 * drains. Redis memory per queued event is the growth of `used_memory`
 * across the load over the events accepted, beside the event's JSON size.
 * Peak RSS is each process's VmHWM over the whole scenario.
 */
export async function runBacklog(stack: BenchStack, size: RunSize, cpuProfDir?: string): Promise<Measurement[]> {
  const deployment = await Deployment.start(stack, { label: 'backlog', destinations: 1, ...(cpuProfDir ? { cpuProfDir } : {}) });
  try {
    await deployment.startWorkers(1);
    const table = deployment.destinations[0]!.table;
    const memoryBefore = await stack.redisUsedMemory();
    await stack.customerServer.stop('fast');
    const loadCpu = new CpuMeter(deployment.cpuSources());
    const load = await closedLoop({
      baseUrl: deployment.baseUrl,
      path: '/v1/batch',
      body: batchBody(BATCH_EVENTS),
      writeKey: deployment.writeKey,
      connections: BATCH_CONNECTIONS,
      durationMs: BACKLOG_LOAD_LIMIT_MS,
      maxRequests: Math.ceil(size.backlogEvents / BATCH_EVENTS),
    });
    const memoryAfter = await stack.redisUsedMemory();
    const loadCpuSeconds = loadCpu.read();
    const accepted = load.acceptedIds.length;
    const restartedAt = Date.now();
    await stack.customerServer.start();
    const drainCpu = new CpuMeter(deployment.cpuSources());
    await table.waitForRows(accepted, size.settleTimeoutMs * 2);
    const drainCpuSeconds = drainCpu.read();
    const span = await table.commitSpan();
    const check = await table.check(load.acceptedIds);
    const report = await deployment.stop();
    const bytesPerEvent = (memoryAfter - memoryBefore) / Math.max(1, accepted);
    return [
      {
        key: 'backlog',
        label: `backlog: ${accepted} events accepted with the destination down, then drained`,
        events: check.accepted,
        eventsPerSec: perSecond(check.rows, span.lastCommitMs - span.firstCommitMs),
        lost: check.lost,
        duplicated: check.unexpected + report.duplicatesSkipped + (accepted - check.accepted),
        ...peaks(report),
        detail: {
          acceptedPerSec: perSecond(accepted, load.endedAtMs - load.startedAtMs),
          redisBytesPerEvent: Math.round(bytesPerEvent),
          eventJsonBytes: SAMPLE_EVENT_JSON_BYTES,
          redisBytesPerJsonByte: round(bytesPerEvent / SAMPLE_EVENT_JSON_BYTES, 2),
          redisUsedMemoryGrowthMiB: Math.round((memoryAfter - memoryBefore) / 1048576),
          destinationBackToFirstCommitMs: Math.round(span.firstCommitMs - restartedAt),
          drainMethod: 'rows / (last commit - first commit after the destination came back)',
          loadCpuSeconds,
          drainCpuSeconds,
          refused: load.refused,
          deadLettered: report.deadLettered,
        },
      },
    ];
  } finally {
    await deployment.stop();
    if (!stack.customerServer.isRunning()) await stack.customerServer.start();
    await stack.flushRedis();
  }
}
