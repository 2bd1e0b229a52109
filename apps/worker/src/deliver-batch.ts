import { isDeliveryError, type DestinationWriter, type WriteOutcome } from '@pushrail/destination-core';
import { concatEncodedEvents, type QueuedEvent } from '@pushrail/events';
import type { PushrailMetrics } from '@pushrail/observability';
import { failedEventsOf, type DeadLetterSink, type FailedEvent } from './dead-letter-sink';
import type { BatchPart } from './event-batcher';

export interface DeliverBatchContext {
  destinationId: string;
  destination: DestinationWriter;
  deadLetters: DeadLetterSink;
  metrics: PushrailMetrics;
}

export interface BatchReport {
  events: number;
  inserted: number;
  skipped: number;
  deadLettered: number;
}

/**
 * Writes a batch: first as it is held (encoded, one statement that the
 * database unpacks). Rows the destination refuses one by one (bad rows) are
 * then found by bisection over the decoded events and dead-lettered alone
 * while the rest commits; a part refused as a whole (a per-event-type table
 * missing) is dead-lettered while the other tables commit. A transient or
 * whole-batch permanent failure is thrown, and the jobs of the batch fail
 * with it.
 */
export async function deliverBatch(parts: BatchPart[], ctx: DeliverBatchContext): Promise<BatchReport> {
  const batch = concatEncodedEvents(parts.map((p) => p.events));
  // Which job an event came in: only needed to dead-letter it, so built only then.
  let jobOfEvent: Map<string, string> | undefined;
  const jobOf = (eventId: string): string => {
    jobOfEvent ??= new Map(parts.flatMap((part) => part.events.ids.map((id) => [id, part.jobId] as const)));
    return jobOfEvent.get(eventId) ?? 'unknown';
  };
  const report: BatchReport = { events: batch.ids.length, inserted: 0, skipped: 0, deadLettered: 0 };

  type Refusal = { kind: 'permanent' | 'bad_row' | 'transient'; code?: string; message: string };
  const record = async (failed: FailedEvent[], events: number, error: Refusal) => {
    await ctx.deadLetters.record(ctx.destinationId, failed, {
      kind: error.kind,
      code: error.code,
      message: error.message,
      attempts: 1,
      firstFailedAt: new Date(),
    });
    report.deadLettered += events;
  };
  const deadLetter = (refused: QueuedEvent[], error: Refusal) =>
    record(
      refused.map((event) => ({ jobId: jobOf(event.id), event })),
      refused.length,
      error,
    );

  const settle = async (outcome: WriteOutcome): Promise<void> => {
    report.inserted += outcome.inserted;
    report.skipped += outcome.skipped;
    for (const rejected of outcome.rejected) {
      if (rejected.error.kind === 'bad_row' && rejected.events.length > 1) await bisect(rejected.events);
      else await deadLetter(rejected.events, rejected.error);
    }
  };

  const write = async (slice: QueuedEvent[]): Promise<void> => {
    try {
      await settle(await ctx.destination.write(slice));
    } catch (error) {
      if (!isDeliveryError(error) || error.kind !== 'bad_row') throw error;
      if (slice.length === 1) await deadLetter(slice, error);
      else await bisect(slice);
    }
  };

  const bisect = async (slice: QueuedEvent[]): Promise<void> => {
    const middle = Math.ceil(slice.length / 2);
    await write(slice.slice(0, middle));
    await write(slice.slice(middle));
  };

  try {
    await settle(await ctx.destination.writeEncoded(batch));
  } catch (error) {
    if (!isDeliveryError(error) || error.kind !== 'bad_row') throw error;
    // Some row was refused: take the batch apart to find it (rare, so decoding here costs nothing that matters).
    const events: QueuedEvent[] = [];
    for (const part of parts) {
      const failed = failedEventsOf(part.jobId, part.events);
      if (!failed.some((f) => 'raw' in f.event)) {
        events.push(...failed.map((f) => f.event as QueuedEvent));
      } else {
        // A part whose envelopes do not pair up with its ids (no ingest wrote it): kept whole, as it came.
        await record(failed, part.events.ids.length, {
          kind: 'permanent',
          code: 'INVALID_JOB_PAYLOAD',
          message: 'invalid job payload: its envelopes do not pair up with its ids',
        });
      }
    }
    if (events.length === 1) await deadLetter(events, error);
    else if (events.length > 1) await bisect(events);
  }

  const labels = { destination_id: ctx.destinationId };
  ctx.metrics.eventsDelivered.inc(labels, report.inserted);
  if (report.skipped > 0) ctx.metrics.duplicatesSkipped.inc(labels, report.skipped);
  ctx.metrics.batchSize.observe(batch.ids.length);
  const now = Date.now();
  const latency = ctx.metrics.deliveryLatency.labels(labels);
  for (const receivedAt of batch.receivedAt) latency.observe(Math.max(0, now - receivedAt) / 1000);
  return report;
}
