import type { BenchStack } from '../bench-stack';
import { CpuMeter } from '../cpu-meter';
import { Deployment, peaks } from '../deployment';
import { closedLoop, type LoadResult } from '../http-load';
import type { Measurement, RunSize } from '../measurement';
import { perSecond, summarizeMs } from '../stats';

export interface EndToEndOptions {
  key: string;
  label: string;
  path: '/v1/events' | '/v1/batch';
  body: string;
  connections: number;
  /** Which run of the same line this is (a line measured more than once needs fresh tables). */
  run?: number;
  /** More environment for the ingest process (PUSHRAIL_REDIS_MIN_REPLICAS). */
  ingestEnv?: Record<string, string>;
}

/**
 * End to end over HTTP: one destination and one worker process up before
 * the load; the load runs for `e2eSeconds`; the clock runs from the first
 * request to the commit of the last acknowledged event's row.
 */
export async function measureEndToEnd(stack: BenchStack, size: RunSize, options: EndToEndOptions, cpuProfDir?: string): Promise<Measurement> {
  const deployment = await Deployment.start(stack, { label: `${options.key.replace('.', '_')}${options.run === undefined ? '' : `_r${options.run}`}`, destinations: 1, ...(cpuProfDir ? { cpuProfDir } : {}), ...(options.ingestEnv ? { ingestEnv: options.ingestEnv } : {}) });
  try {
    await deployment.startWorkers(1);
    const table = deployment.destinations[0]!.table;
    const cpu = new CpuMeter(deployment.cpuSources());
    const load: LoadResult = await closedLoop({
      baseUrl: deployment.baseUrl,
      path: options.path,
      body: options.body,
      writeKey: deployment.writeKey,
      connections: options.connections,
      durationMs: size.e2eSeconds * 1000,
    });
    const accepted = load.acceptedIds.length;
    await table.waitForRows(accepted, size.settleTimeoutMs);
    const cpuSeconds = cpu.read();
    const { lastCommitMs } = await table.commitSpan();
    const check = await table.check(load.acceptedIds);
    const report = await deployment.stop();
    const ack = summarizeMs(load.latenciesMs);
    return {
      key: options.key,
      label: options.label,
      events: check.accepted,
      eventsPerSec: perSecond(check.rows, lastCommitMs - load.startedAtMs),
      lost: check.lost,
      duplicated: check.unexpected + report.duplicatesSkipped + (accepted - check.accepted),
      ackP50Ms: ack.p50,
      ackP99Ms: ack.p99,
      ...peaks(report),
      detail: {
        connections: options.connections,
        requests: load.requests,
        acceptedPerSec: perSecond(accepted, load.endedAtMs - load.startedAtMs),
        refused: load.refused,
        ...(load.firstRefusal ? { firstRefusal: load.firstRefusal } : {}),
        ackMaxMs: ack.max,
        cpuSeconds,
        deadLettered: report.deadLettered,
      },
    };
  } finally {
    await deployment.stop();
    await stack.flushRedis();
  }
}
