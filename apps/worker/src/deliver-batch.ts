import { isDeliveryError, type DestinationWriter } from '@pushrail/destination-core';
import type { QueuedEvent } from '@pushrail/events';
import type { PushrailMetrics } from '@pushrail/observability';
import type { DeadLetterSink } from './dead-letter-sink';
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
 * Writes a batch. Rows the destination refuses one by one (bad rows) are
 * found by bisection and dead-lettered alone while the rest commits; a part
 * refused as a whole (a per-event-type table missing) is dead-lettered while
 * the other tables commit. A transient or whole-batch permanent failure is
 * thrown, and the jobs of the batch fail with it.
 */
export async function deliverBatch(parts: BatchPart[], ctx: DeliverBatchContext): Promise<BatchReport> {
  const events: QueuedEvent[] = parts.length === 1 ? parts[0]!.events : parts.flatMap((p) => p.events);
  // Which job an event came in: only needed to dead-letter it, so built only then.
  let jobOfEvent: Map<string, string> | undefined;
  const jobOf = (eventId: string): string => {
    jobOfEvent ??= new Map(parts.flatMap((part) => part.events.map((e) => [e.id, part.jobId] as const)));
    return jobOfEvent.get(eventId) ?? 'unknown';
  };
  const report: BatchReport = { events: events.length, inserted: 0, skipped: 0, deadLettered: 0 };

  const deadLetter = async (refused: QueuedEvent[], error: { kind: 'permanent' | 'bad_row' | 'transient'; code?: string; message: string }) => {
    await ctx.deadLetters.record(
      ctx.destinationId,
      refused.map((event) => ({ jobId: jobOf(event.id), event })),
      { kind: error.kind, code: error.code, message: error.message, attempts: 1, firstFailedAt: new Date() },
    );
    report.deadLettered += refused.length;
  };

  const write = async (slice: QueuedEvent[]): Promise<void> => {
    try {
      const outcome = await ctx.destination.write(slice);
      report.inserted += outcome.inserted;
      report.skipped += outcome.skipped;
      for (const rejected of outcome.rejected) {
        if (rejected.error.kind === 'bad_row' && rejected.events.length > 1) await bisect(rejected.events);
        else await deadLetter(rejected.events, rejected.error);
      }
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

  await write(events);

  const labels = { destination_id: ctx.destinationId };
  ctx.metrics.eventsDelivered.inc(labels, report.inserted);
  if (report.skipped > 0) ctx.metrics.duplicatesSkipped.inc(labels, report.skipped);
  ctx.metrics.batchSize.observe(events.length);
  const now = Date.now();
  const latency = ctx.metrics.deliveryLatency.labels(labels);
  for (const event of events) latency.observe(Math.max(0, now - event.receivedAt) / 1000);
  return report;
}
