import { isDeliveryError } from '@pushrail/destination-core';
import type { QueuedEvent } from '@pushrail/events';
import { datetimeLiteral, insertPrefix, insertStatements, rowValues } from './envelope-sql';
import { quoteIdent, quoteString } from './identifiers';

const event = (i: number, payload: Record<string, unknown> = {}): QueuedEvent => ({
  id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
  receivedAt: Date.UTC(2026, 4, 26, 14, 21, 8, 493),
  event: { eventType: 'order.completed', occurredAt: '2026-05-26T14:21:08.493Z', source: 's', payload },
});

function badRowCode(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    if (isDeliveryError(error) && error.kind === 'bad_row') return error.code;
    throw error;
  }
  return undefined;
}

describe('datetimeLiteral', () => {
  it('writes UTC with microseconds, whatever the offset given', () => {
    expect(datetimeLiteral('2026-01-02T03:04:05.006+02:00', 'occurredAt')).toBe("'2026-01-02 01:04:05.006000'");
    expect(datetimeLiteral('2026-01-02T03:04:05.123456789Z', 'occurredAt')).toBe("'2026-01-02 03:04:05.123456'");
    expect(datetimeLiteral('2026-01-02T03:04:05Z', 'occurredAt')).toBe("'2026-01-02 03:04:05.000000'");
  });

  it('refuses times outside DATETIME (1000 to 9999, in UTC) as bad rows, never clamps them', () => {
    expect(badRowCode(() => datetimeLiteral('0999-12-31T23:59:59.999Z', 'occurredAt'))).toBe('DATETIME_RANGE');
    expect(badRowCode(() => datetimeLiteral('9999-12-31T23:00:00-05:00', 'occurredAt'))).toBe('DATETIME_RANGE');
    expect(badRowCode(() => datetimeLiteral('1000-01-01T00:00:00Z', 'occurredAt'))).toBeUndefined();
    expect(badRowCode(() => datetimeLiteral('not a time', 'occurredAt'))).toBe('DATETIME_INVALID');
  });
});

describe('quoting', () => {
  it('doubles quotes and escapes backslashes and control bytes in literals', () => {
    expect(quoteString("it's \\ \0 \n \r \x1a")).toBe("'it''s \\\\ \\0 \\n \\r \\Z'");
    expect(quoteIdent('we`ird')).toBe('`we``ird`');
  });
});

describe('insertStatements', () => {
  it('writes one INSERT IGNORE with every row when the batch fits', () => {
    const events = [event(1), event(2)];
    const [statement, ...rest] = insertStatements('db', 'events', events, 16 * 1024 * 1024);
    expect(rest).toEqual([]);
    expect(statement).toBe(`${insertPrefix('db', 'events')}${events.map(rowValues).join(',')}`);
    expect(statement).toMatch(/^INSERT IGNORE INTO `db`\.`events` \(event_id, event_type, occurred_at, customer_external_id, source, payload, metadata, received_at\) VALUES \(/);
  });

  it('splits by bytes below max_allowed_packet, keeping every row once and in order', () => {
    // Multi-byte text: the split must count bytes, not characters.
    const events = Array.from({ length: 40 }, (_, i) => event(i, { text: 'é🙂'.repeat(200) }));
    const rowBytes = Buffer.byteLength(rowValues(events[0]!), 'utf8');
    const maxPacket = 1024 + Buffer.byteLength(insertPrefix('db', 'events')) + 5 * (rowBytes + 1);
    const statements = insertStatements('db', 'events', events, maxPacket);
    expect(statements).toHaveLength(8);
    for (const statement of statements) expect(Buffer.byteLength(statement, 'utf8')).toBeLessThanOrEqual(maxPacket);
    const rows = statements.map((s) => s.slice(insertPrefix('db', 'events').length)).join(',');
    expect(rows).toBe(events.map(rowValues).join(','));
  });

  it('calls a row that fits in no statement a bad row', () => {
    expect(badRowCode(() => insertStatements('db', 'events', [event(1, { big: 'x'.repeat(5000) })], 4096))).toBe('PACKET_TOO_LARGE');
  });

  it('calls an out-of-range time in any row of the batch a bad row, before anything is sent', () => {
    const late = { ...event(2), event: { ...event(2).event, occurredAt: '0500-01-01T00:00:00Z' } };
    expect(badRowCode(() => insertStatements('db', 'events', [event(1), late], 1 << 20))).toBe('DATETIME_RANGE');
  });
});
