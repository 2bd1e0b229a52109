import { DeliveryError } from '@pushrail/destination-core';
import type { QueuedEvent } from '@pushrail/events';
import type { ClickHouseFeatures } from './server-features';

/** One row as JSONEachRow sends it: the columns of CLICKHOUSE_COLUMNS. */
export interface ClickHouseRow {
  event_id: string;
  event_type: string;
  occurred_at: string;
  customer_external_id: string | null;
  source: string;
  payload: string;
  metadata: string | null;
  received_at: string;
}

/**
 * The times each column type holds, in milliseconds since the epoch.
 * DateTime is a UInt32 of seconds (1970-01-01 to 2106-02-07); DateTime64
 * holds 1900-01-01 to 2299-12-31. Outside them the server stores another
 * time without a word (18.16 wraps around), so the writer refuses such a row
 * itself, as a bad row.
 */
const DATETIME_RANGE_MS = { min: 0, max: 4_294_967_295_000 };
const DATETIME64_RANGE_MS = { min: Date.UTC(1900, 0, 1), max: Date.UTC(2299, 11, 31, 23, 59, 59, 999) };

/** `YYYY-MM-DD hh:mm:ss`, the text DateTime reads on every version (whole seconds; the fraction is dropped). */
function dateTimeText(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().slice(0, 19).replace('T', ' ');
}

/** How the writer spells a time for the server: ISO 8601 with milliseconds where best_effort parsing exists. */
export function timeText(ms: number, features: Pick<ClickHouseFeatures, 'bestEffortTimes'>): string {
  return features.bestEffortTimes ? new Date(ms).toISOString() : dateTimeText(ms);
}

/** Rows for the events; throws a `bad_row` DeliveryError when one holds a time the table cannot store. */
export function rowsOf(events: readonly QueuedEvent[], features: ClickHouseFeatures): ClickHouseRow[] {
  const range = features.dateTime64 ? DATETIME64_RANGE_MS : DATETIME_RANGE_MS;
  return events.map((queued) => {
    const { event } = queued;
    const occurredAt = Date.parse(event.occurredAt);
    for (const [column, ms] of [['occurred_at', occurredAt], ['received_at', queued.receivedAt]] as const) {
      if (!(ms >= range.min && ms <= range.max)) {
        throw new DeliveryError(
          'bad_row',
          `${column} ${new Date(ms).toISOString()} of event ${queued.id} is outside what the column's type holds ` +
            `(${new Date(range.min).toISOString()} to ${new Date(range.max).toISOString()} on ClickHouse ${features.version})`,
          'OUT_OF_RANGE_TIME',
        );
      }
    }
    return {
      event_id: queued.id,
      event_type: event.eventType,
      occurred_at: timeText(occurredAt, features),
      customer_external_id: event.customerExternalId ?? null,
      source: event.source,
      payload: JSON.stringify(event.payload),
      metadata: event.metadata === undefined ? null : JSON.stringify(event.metadata),
      received_at: timeText(queued.receivedAt, features),
    };
  });
}
