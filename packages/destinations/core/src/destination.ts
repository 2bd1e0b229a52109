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

/** One check of a connection test (`POST …/test`), named after the step: `host`, `connect`, `tls`, `insert`, … */
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
 * Writes batches into one destination. Implementations classify their own
 * errors once: every failure of `write` is a DeliveryError.
 */
export interface DestinationWriter {
  /**
   * Writes the batch in one transaction (or, where the server has none, one
   * insert), choosing its own encoding: PostgreSQL hands the envelopes' JSON
   * text to the server as it is, others decode it. Throws DeliveryError when
   * nothing of it committed; `bad_row` means some row was refused, and the
   * caller bisects.
   */
  write(batch: EncodedEvents): Promise<WriteOutcome>;
  /** Connects and tries an INSERT that is rolled back (or otherwise leaves nothing); reports each step. */
  test(options?: { eventType?: string }): Promise<DestinationTestReport>;
  /** Closes every connection. */
  close(): Promise<void>;
}
