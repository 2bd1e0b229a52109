import type { BenchStack } from '../bench-stack';
import { CpuMeter } from '../cpu-meter';
import { Deployment, DESTINATION_SETTINGS, peaks } from '../deployment';
import { openLoop } from '../http-load';
import type { Measurement, RunSize } from '../measurement';
import { histogramQuantileBound } from '../prometheus-text';
import { SINGLE_BODY } from '../sample-event';
import { perSecond, round, summarizeMs } from '../stats';
import { SINGLE_CONNECTIONS } from './e2e-single';

/**
 * Latency at a steady rate: `steadyRatePerSec` single events a second for
 * `steadySeconds`, open loop (each request's latency counts from when it was
 * due, so a stall is not hidden by the generator waiting), 64 connections.
 * The same load runs `steadyWarmupSeconds` before, on the processes just
 * started: ack p50/p99 are over the measured seconds, and the warm-up's own
 * p99 and the p99 over both are in the line's detail. Every event, warm-up
 * included, is checked for loss and duplication, and received → committed
 * is over every row.
 *
 * Received → committed is read from the rows: the row's commit time
 * (`pg_xact_commit_timestamp(xmin)`, track_commit_timestamp on) minus its
 * `received_at` (stamped by ingest when it took the event), over every row,
 * exact rather than bucketed. The worker's `pushrail_delivery_latency_seconds`
 * histogram is kept beside it as a cross-check (the bound of the bucket
 * holding p99).
 */
export async function runSteady(stack: BenchStack, size: RunSize, cpuProfDir?: string): Promise<Measurement[]> {
  const deployment = await Deployment.start(stack, { label: 'steady', destinations: 1, ...(cpuProfDir ? { cpuProfDir } : {}) });
  try {
    await deployment.startWorkers(1);
    const table = deployment.destinations[0]!.table;
    const cpu = new CpuMeter(deployment.cpuSources());
    const load = await openLoop({
      baseUrl: deployment.baseUrl,
      path: '/v1/events',
      body: SINGLE_BODY,
      writeKey: deployment.writeKey,
      connections: SINGLE_CONNECTIONS,
      durationMs: size.steadySeconds * 1000,
      ratePerSec: size.steadyRatePerSec,
      warmupMs: size.steadyWarmupSeconds * 1000,
    });
    const accepted = load.acceptedIds.length;
    await table.waitForRows(accepted, size.settleTimeoutMs);
    const cpuSeconds = cpu.read();
    const committed = await table.receivedToCommittedMs();
    const check = await table.check(load.acceptedIds);
    const histogramP99 = histogramQuantileBound(await deployment.workerMetrics(), 'pushrail_delivery_latency_seconds', 0.99);
    const report = await deployment.stop();
    const ack = summarizeMs(load.latenciesMs);
    const warmupAck = summarizeMs(load.warmupLatenciesMs);
    const ackWithWarmup = summarizeMs([...load.warmupLatenciesMs, ...load.latenciesMs]);
    return [
      {
        key: 'steady',
        label: `steady ${size.steadyRatePerSec}/s single events for ${size.steadySeconds} s after ${size.steadyWarmupSeconds} s warm-up (open loop)`,
        events: check.accepted,
        eventsPerSec: perSecond(accepted, load.endedAtMs - load.startedAtMs),
        lost: check.lost,
        duplicated: check.unexpected + report.duplicatesSkipped + (accepted - check.accepted),
        ackP50Ms: ack.p50,
        ackP99Ms: ack.p99,
        committedP50Ms: committed.p50,
        committedP99Ms: committed.p99,
        ...peaks(report),
        detail: {
          committedMethod: 'pg_xact_commit_timestamp(xmin) - received_at over every row',
          committedMaxMs: committed.max,
          workerHistogramP99BoundSec: histogramP99,
          flushIntervalSec: DESTINATION_SETTINGS.flushIntervalSec,
          ackMaxMs: ack.max,
          warmupSeconds: size.steadyWarmupSeconds,
          warmupAckP99Ms: warmupAck.p99,
          warmupAckMaxMs: warmupAck.max,
          ackP99WithWarmupMs: ackWithWarmup.p99,
          cpuSeconds,
          generatorMaxSendLagMs: round(load.sendLagMs, 1),
          refused: load.refused,
          deadLettered: report.deadLettered,
        },
      },
    ];
  } finally {
    await deployment.stop();
    await stack.flushRedis();
  }
}
