import type { ControlDb, NewDeadLetter } from '@pushrail/control-db';
import { DeliveryError, type DeliveryErrorKind } from '@pushrail/destination-core';
import { decodeEvents, envelopesJsonOf, type EncodedEvents, type QueuedEvent } from '@pushrail/events';
import { UNREADABLE_EVENT_ID, type DeliveryStats } from '@pushrail/queue';
import type { PushrailMetrics } from '@pushrail/observability';

/** One event to dead-letter, with the job it failed in. */
export interface FailedEvent {
  jobId: string;
  event: QueuedEvent | { id: string; raw: unknown };
}

export interface DeadLetterDetails {
  kind: DeliveryErrorKind;
  code: string | undefined;
  message: string;
  attempts: number;
  firstFailedAt: Date;
}

/**
 * The events of a job (or part of one) to dead-letter. Envelopes that do not
 * pair up with the ids (a payload no ingest wrote) cannot be taken apart:
 * they are kept as one unreadable entry, as they came, for an operator.
 */
export function failedEventsOf(jobId: string, events: EncodedEvents): FailedEvent[] {
  try {
    return decodeEvents(events).map((event) => ({ jobId, event }));
  } catch {
    return [{ jobId, event: { id: UNREADABLE_EVENT_ID, raw: { ids: events.ids, envelopesJson: envelopesJsonOf(events).toString('utf8') } } }];
  }
}

/** The JSON text a dead letter keeps of its event: the queued event as it travelled. */
function eventJsonOf(event: FailedEvent['event']): string {
  return 'raw' in event ? JSON.stringify(event.raw) : JSON.stringify(event);
}

/**
 * Writes dead letters to the control database, idempotently (keyed by
 * destination, job and event). A failure here is transient: the caller keeps
 * the job, so the dead letter is written on the retry.
 */
export class DeadLetterSink {
  constructor(
    private readonly db: ControlDb,
    private readonly metrics: PushrailMetrics,
    /** The destination status's counters (deadLettered24h, lastError); absent in tests that do not read them. */
    private readonly stats?: DeliveryStats,
  ) {}

  async record(destinationId: string, failed: FailedEvent[], details: DeadLetterDetails): Promise<void> {
    if (failed.length === 0) return;
    const now = new Date();
    const rows: NewDeadLetter[] = failed.map(({ jobId, event }) => ({
      destinationId,
      eventId: event.id,
      jobId,
      eventJson: eventJsonOf(event),
      errorKind: details.kind,
      errorCode: details.code ?? null,
      errorMessage: details.message,
      attempts: Math.max(1, details.attempts),
      firstFailedAt: details.firstFailedAt,
      lastFailedAt: now,
    }));
    let inserted: number;
    try {
      inserted = await this.db.insertDeadLetters(rows);
    } catch (error) {
      throw new DeliveryError('transient', `could not record dead letters: ${(error as Error).message}`, 'CONTROL_DB', { cause: error });
    }
    if (inserted > 0) this.metrics.eventsDeadLettered.inc({ destination_id: destinationId, error_kind: details.kind }, inserted);
    // Counted only as inserted, so a repeat (the sweeper mirroring a job the worker already recorded) counts nothing twice.
    // Best effort, not awaited: the dead letters are stored; a missed count must not hold or fail the job.
    void this.stats
      ?.record(destinationId, { deadLettered: inserted, ...(inserted > 0 ? { error: details } : {}) })
      .catch(() => undefined);
  }
}
