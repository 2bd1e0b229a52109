import { redisCommand } from '@pushrail/testing';
import type { BenchStack } from '../bench-stack';
import { medianRun, type Measurement, type RunSize } from '../measurement';
import { SINGLE_BODY } from '../sample-event';
import { measureBaselineHttp } from './baseline';
import { measureEndToEnd } from './end-to-end';

/** Keep-alive connections of the single-event load. */
export const SINGLE_CONNECTIONS = 64;

/**
 * `POST /v1/events`, one event per request, 64 keep-alive connections,
 * closed loop, measured beside its reference, the end-to-end baseline
 * (`baseline.http`): `size.singleRuns` runs of each, alternating which goes
 * first (B E, E B, B E …) so neither always follows the other, with the
 * servers settled before each. Each line is its median run. A ratio of two
 * single 15-second runs moved between 3.2 and 4.1 × on this machine.
 */
export async function runEndToEndSingle(stack: BenchStack, size: RunSize, cpuProfDir?: string, keySuffix = ''): Promise<Measurement[]> {
  const baselines: Measurement[] = [];
  const singles: Measurement[] = [];
  const measureSingle = (run: number) =>
    measureEndToEnd(
      stack,
      size,
      {
        key: `e2e.single${keySuffix}`,
        label: `end to end: POST /v1/events, ${SINGLE_CONNECTIONS} connections`,
        path: '/v1/events',
        body: SINGLE_BODY,
        connections: SINGLE_CONNECTIONS,
        run,
      },
      cpuProfDir,
    );
  for (let run = 1; run <= size.singleRuns; run++) {
    const order = run % 2 === 1 ? (['baseline', 'single'] as const) : (['single', 'baseline'] as const);
    for (const which of order) {
      await stack.settle();
      if (which === 'baseline') baselines.push(await measureBaselineHttp(stack, size, run, keySuffix));
      else singles.push(await measureSingle(run));
    }
  }
  return [medianRun(baselines), medianRun(singles)];
}

/**
 * The same pair with Redis at `appendfsync always`: every write on disk
 * before Redis answers, so every 202 survives a power loss. Keys end in
 * `.fsync`; Redis is put back to `everysec` afterwards.
 */
export async function runEndToEndSingleFsync(stack: BenchStack, size: RunSize, cpuProfDir?: string): Promise<Measurement[]> {
  await redisCommand(stack.redis.host, stack.redis.port, 'CONFIG', 'SET', 'appendfsync', 'always');
  try {
    const [baseline, single] = await runEndToEndSingle(stack, size, cpuProfDir, '.fsync');
    return [
      { ...baseline!, key: `${baseline!.key}.fsync`, label: `${baseline!.label} (appendfsync always)` },
      { ...single!, label: `${single!.label} (appendfsync always)` },
    ];
  } finally {
    await redisCommand(stack.redis.host, stack.redis.port, 'CONFIG', 'SET', 'appendfsync', 'everysec');
  }
}
