import { deriveEventId, EXAMPLE_EVENT, type EventEnvelope, type QueuedEvent } from '@pushrail/events';

/**
 * The seed's example event (docs/design.md) without its idempotencyKey, so every
 * copy gets a fresh time-ordered UUIDv7, as events without a key do at
 * ingest. About 370 bytes of JSON.
 */
const { idempotencyKey: _key, ...withoutKey } = EXAMPLE_EVENT;
export const SAMPLE_EVENT: EventEnvelope = withoutKey;

/** Bytes of the sample event's JSON text (UTF-8), as a client sends it. */
export const SAMPLE_EVENT_JSON_BYTES = Buffer.byteLength(JSON.stringify(SAMPLE_EVENT));

/** `count` queued events as ingest makes them: UUIDv7 ids, received now. */
export function queuedSampleEvents(count: number): QueuedEvent[] {
  const receivedAt = Date.now();
  return Array.from({ length: count }, () => ({ id: deriveEventId('bench', undefined), receivedAt, event: SAMPLE_EVENT }));
}

/** `POST /v1/events` body. */
export const SINGLE_BODY = JSON.stringify(SAMPLE_EVENT);

/** `POST /v1/batch` body of `size` sample events. */
export function batchBody(size: number): string {
  return JSON.stringify({ events: Array.from({ length: size }, () => SAMPLE_EVENT) });
}
