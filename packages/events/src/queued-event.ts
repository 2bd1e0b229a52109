import type { EventEnvelope } from './event-envelope';

/**
 * An event as it travels through the queue: the envelope plus what ingest
 * added. Plain JSON, so it survives Redis and the dead-letter table as is.
 */
export interface QueuedEvent {
  /** UUID, the row's primary key. */
  id: string;
  /** When ingest received it, in milliseconds since the epoch. */
  receivedAt: number;
  event: EventEnvelope;
}
