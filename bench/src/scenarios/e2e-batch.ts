import type { BenchStack } from '../bench-stack';
import type { Measurement, RunSize } from '../measurement';
import { batchBody } from '../sample-event';
import { measureEndToEnd } from './end-to-end';

/** Events per `POST /v1/batch`. */
export const BATCH_EVENTS = 500;
/**
 * Connections of the batch load: 8 requests of 500 events in flight is
 * 4,000 events, enough to keep ingest busy; 64 would only queue more bodies
 * in memory.
 */
export const BATCH_CONNECTIONS = 8;

/** `POST /v1/batch` of 500 events per request, 8 keep-alive connections, closed loop. */
export async function runEndToEndBatch(stack: BenchStack, size: RunSize, cpuProfDir?: string): Promise<Measurement[]> {
  return [
    await measureEndToEnd(
      stack,
      size,
      {
        key: 'e2e.batch',
        label: `end to end: POST /v1/batch of ${BATCH_EVENTS}, ${BATCH_CONNECTIONS} connections`,
        path: '/v1/batch',
        body: batchBody(BATCH_EVENTS),
        connections: BATCH_CONNECTIONS,
      },
      cpuProfDir,
    ),
  ];
}
