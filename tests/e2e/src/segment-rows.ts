/**
 * The mapping table of the README ("Segment and RudderStack SDKs"), written
 * out again here on its own so the SDK tests check ingest against the
 * documentation rather than against ingest's own mapping code.
 */
import { gunzipSync } from 'node:zlib';
import { deriveEventId } from '@pushrail/events';
import { waitFor } from '@pushrail/testing';
import type { Pipeline } from './pipeline';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- Segment messages are JSON of any shape
export type SegmentMessage = Record<string, any>;

/** The messages of a batch request body as the SDK sent it (JSON, or gzip of JSON). */
export function messagesOf(body: string | Buffer): SegmentMessage[] {
  const buffer = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
  const json = buffer[0] === 0x1f && buffer[1] === 0x8b ? gunzipSync(buffer) : buffer;
  return (JSON.parse(json.toString('utf8')) as { batch: SegmentMessage[] }).batch;
}

/** The row the README's table says a message becomes (columns as node-postgres reads them). */
export function expectedRow(pipeline: Pipeline, message: SegmentMessage): Record<string, unknown> {
  const payloadField = message.properties !== undefined ? 'properties' : message.traits !== undefined ? 'traits' : undefined;
  const { [payloadField ?? '']: payload, ...metadata } = message;
  const occurredAt = message.timestamp ?? message.originalTimestamp;
  return {
    event_id: deriveEventId(pipeline.tenantId, message.messageId),
    event_type: message.type === 'track' ? message.event : message.type,
    occurred_at: new Date(occurredAt),
    customer_external_id: message.userId ?? message.anonymousId ?? null,
    source: message.context?.library?.name ?? 'segment',
    payload: payloadField ? payload : {},
    metadata,
  };
}

/** Waits until the customer table holds `count` rows, then returns them by event id. */
export async function rowsWhenThere(pipeline: Pipeline, count: number): Promise<Map<string, Record<string, unknown>>> {
  await waitFor(async () => (await pipeline.rowCount()) >= count, { timeoutMs: 20_000, description: `${count} rows in the customer table` });
  const rows = await pipeline.rows();
  expect(rows).toHaveLength(count);
  return new Map(rows.map((row) => [row.event_id as string, row]));
}

/** Every message has its row, exactly as the table says. */
export function expectRowsOf(pipeline: Pipeline, rows: Map<string, Record<string, unknown>>, messages: SegmentMessage[]): void {
  for (const message of messages) {
    const expected = expectedRow(pipeline, message);
    const row = rows.get(expected.event_id as string);
    expect({ messageId: message.messageId, row: row && pick(row, Object.keys(expected)) }).toEqual({ messageId: message.messageId, row: expected });
  }
}

function pick(row: Record<string, unknown>, keys: string[]): Record<string, unknown> {
  return Object.fromEntries(keys.map((key) => [key, row[key]]));
}
