import { writeIsolatingBadRows, type DeliveryError, type DestinationWriter } from '@pushrail/destination-core';
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

type Refusal = Pick<DeliveryError, 'kind' | 'code' | 'message'>;

/**
 * Writes a batch as it is held (encoded), with its bad rows set apart by
 * writeIsolatingBadRows and dead-lettered alone while the rest commits; a
 * part refused as a whole (a per-event-type table missing) is dead-lettered
 * while the other tables commit. A transient or whole-batch permanent
 * failure is thrown, and the jobs of the batch fail with it.
 */
export async function deliverBatch(parts: BatchPart[], ctx: DeliverBatchContext): Promise<BatchReport> {
  const batch = concatEncodedEvents(parts.map((p) => p.events));
  const report: BatchReport = { events: batch.ids.length, inserted: 0, skipped: 0, deadLettered: 0 };

  const record = async (failed: FailedEvent[], error: Refusal) => {
    await ctx.deadLetters.record(ctx.destinationId, failed, {
      kind: error.kind,
      code: error.code,
      message: error.message,
      attempts: 1,
      firstFailedAt: new Date(),
    });
    report.deadLettered += failed.length;
  };

  // Taking the batch apart is the slow path (a row was refused): each part
  // is decoded on its own, and a part whose envelopes do not pair up with its
  // ids (no ingest wrote it) is dead-lettered whole, as it came.
  const unreadable: FailedEvent[] = [];
  const decode = (): QueuedEvent[] => {
    const events: QueuedEvent[] = [];
    for (const part of parts) {
      const failed = failedEventsOf(part.jobId, part.events);
      if (failed.some((f) => 'raw' in f.event)) unreadable.push(...failed);
      else events.push(...failed.map((f) => f.event as QueuedEvent));
    }
    return events;
  };

  const written = await writeIsolatingBadRows(ctx.destination, batch, decode);
  report.inserted = written.inserted;
  report.skipped = written.skipped;
  if (unreadable.length > 0) {
    await record(unreadable, { kind: 'permanent', code: 'INVALID_JOB_PAYLOAD', message: 'invalid job payload: its envelopes do not pair up with its ids' });
  }
  if (written.refused.length > 0) {
    const jobOfEvent = new Map(parts.flatMap((part) => part.events.ids.map((id) => [id, part.jobId] as const)));
    for (const { events, error } of written.refused) {
      await record(
        events.map((event) => ({ jobId: jobOfEvent.get(event.id) ?? 'unknown', event })),
        error,
      );
    }
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
