import type { EncodedEvents, QueuedEvent } from '@pushrail/events';
import type { DeliveryError } from './delivery-error';

/** What one write of a batch did. */
export interface WriteOutcome {
  /** Rows the destination stored. */
  inserted: number;
  /** Events skipped because their row was already there (replays). */
  skipped: number;
  /**
   * Events of this batch that a part of the destination refused while the
   * rest committed (per-event-type tables: one table missing). Empty when all landed.
   */
  rejected: Array<{ events: QueuedEvent[]; error: DeliveryError }>;
}

/** One check of `POST /admin/v1/destinations/:id/test`. */
export interface DestinationCheck {
  name: string;
  ok: boolean;
  message?: string;
}

export interface DestinationTestReport {
  ok: boolean;
  checks: DestinationCheck[];
}

/**
 * A place events are delivered to. Implementations classify their own errors
 * once: every failure of `write` is a DeliveryError.
 */
export interface DestinationWriter {
  /** Writes the batch in one transaction. Throws DeliveryError when nothing of it committed. */
  write(events: QueuedEvent[]): Promise<WriteOutcome>;
  /** The same, for events in their encoded form (the worker's hot path: nothing to take apart here). */
  writeEncoded(events: EncodedEvents): Promise<WriteOutcome>;
  /** Connects and tries an INSERT that is rolled back; reports each step. */
  test(options?: { eventType?: string }): Promise<DestinationTestReport>;
  /** Closes every connection. */
  close(): Promise<void>;
}
