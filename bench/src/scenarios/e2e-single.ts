import type { BenchStack } from '../bench-stack';
import type { Measurement, RunSize } from '../measurement';
import { SINGLE_BODY } from '../sample-event';
import { measureEndToEnd } from './end-to-end';

/** Keep-alive connections of the single-event load. */
export const SINGLE_CONNECTIONS = 64;

/** `POST /v1/events`, one event per request, 64 keep-alive connections, closed loop. */
export async function runEndToEndSingle(stack: BenchStack, size: RunSize, cpuProfDir?: string): Promise<Measurement[]> {
  return [
    await measureEndToEnd(
      stack,
      size,
      {
        key: 'e2e.single',
        label: `end to end: POST /v1/events, ${SINGLE_CONNECTIONS} connections`,
        path: '/v1/events',
        body: SINGLE_BODY,
        connections: SINGLE_CONNECTIONS,
      },
      cpuProfDir,
    ),
  ];
}
