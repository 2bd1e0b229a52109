import { DeliveryError } from '@pushrail/destination-core';
import type { QueuedEvent } from '@pushrail/events';
import { qualifiedTable, quoteIdent, quoteString } from './identifiers';

/**
 * The envelope's columns, in insert order, with their MySQL types. One list,
 * so the INSERT and the DDL cannot drift apart. Text columns are VARCHAR(255),
 * the envelope's own limit in characters; utf8mb4 throughout (the table's
 * charset), so 4-byte characters fit.
 */
export const ENVELOPE_COLUMNS = [
  { name: 'event_id', ddl: 'CHAR(36) NOT NULL PRIMARY KEY' },
  { name: 'event_type', ddl: 'VARCHAR(255) NOT NULL' },
  { name: 'occurred_at', ddl: 'DATETIME(6) NOT NULL' },
  { name: 'customer_external_id', ddl: 'VARCHAR(255) NULL' },
  { name: 'source', ddl: 'VARCHAR(255) NOT NULL' },
  { name: 'payload', ddl: 'JSON NOT NULL' },
  { name: 'metadata', ddl: 'JSON NULL' },
  { name: 'received_at', ddl: 'DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6)' },
] as const;

/** DATETIME's documented range, in UTC: values outside it are bad rows, never clamped or zeroed. */
const FIRST_DATETIME_YEAR = 1000;
const LAST_DATETIME_YEAR = 9999;

/** Room for the statement's text before its rows, in bytes, kept below max_allowed_packet besides the rows. */
const STATEMENT_OVERHEAD_BYTES = 1024;

const pad = (n: number, width: number) => String(n).padStart(width, '0');

/**
 * An instant as a DATETIME(6) literal in UTC (`'2026-05-26 14:21:08.493000'`),
 * with the microseconds the text gives (Date keeps milliseconds only).
 * Throws a bad_row DeliveryError for a time DATETIME cannot hold.
 */
export function datetimeLiteral(iso: string, field: string): string {
  const fraction = /T[^.]*\.(\d+)/.exec(iso)?.[1] ?? '';
  // Date.parse reads at most milliseconds; the digits after are taken from the text (an offset never moves them).
  const ms = Date.parse(fraction.length > 3 ? iso.replace(`.${fraction}`, `.${fraction.slice(0, 3)}`) : iso);
  if (Number.isNaN(ms)) throw new DeliveryError('bad_row', `${field} ${JSON.stringify(iso)} is not a valid time`, 'DATETIME_INVALID');
  return datetimeOfMs(ms, fraction.slice(3, 6).padEnd(3, '0'), field);
}

/** Milliseconds since the epoch as a DATETIME(6) literal in UTC; `micros` is the three digits after the milliseconds. */
export function datetimeOfMs(ms: number, micros = '000', field = 'received_at'): string {
  const d = new Date(ms);
  const year = d.getUTCFullYear();
  if (!(year >= FIRST_DATETIME_YEAR && year <= LAST_DATETIME_YEAR)) {
    throw new DeliveryError(
      'bad_row',
      `${field} ${Number.isNaN(ms) ? 'is not a time' : d.toISOString()} is outside MySQL DATETIME's range (years ${FIRST_DATETIME_YEAR} to ${LAST_DATETIME_YEAR}, UTC)`,
      'DATETIME_RANGE',
    );
  }
  return (
    `'${pad(year, 4)}-${pad(d.getUTCMonth() + 1, 2)}-${pad(d.getUTCDate(), 2)} ` +
    `${pad(d.getUTCHours(), 2)}:${pad(d.getUTCMinutes(), 2)}:${pad(d.getUTCSeconds(), 2)}.${pad(d.getUTCMilliseconds(), 3)}${micros}'`
  );
}

/** One event's `(…)` tuple of VALUES, in ENVELOPE_COLUMNS order. Throws bad_row for a time DATETIME cannot hold. */
export function rowValues(queued: QueuedEvent): string {
  const e = queued.event;
  return (
    `(${quoteString(queued.id)},${quoteString(e.eventType)},${datetimeLiteral(e.occurredAt, 'occurredAt')},` +
    `${e.customerExternalId === undefined ? 'NULL' : quoteString(e.customerExternalId)},${quoteString(e.source)},` +
    `${quoteString(JSON.stringify(e.payload))},${e.metadata === undefined ? 'NULL' : quoteString(JSON.stringify(e.metadata))},` +
    `${datetimeOfMs(queued.receivedAt)})`
  );
}

/**
 * The INSERT's text before its rows. `INSERT IGNORE`, not `ON DUPLICATE KEY
 * UPDATE` (which needs UPDATE, error 1142 for an INSERT-only user): a row
 * whose event_id is already there is skipped with warning 1062. IGNORE also
 * turns data errors into warnings and stores an altered row; the writer reads
 * every statement's warnings and refuses those (mysql-writer.ts).
 */
export function insertPrefix(database: string, table: string): string {
  const columns = ENVELOPE_COLUMNS.map((c) => c.name).join(', ');
  return `INSERT IGNORE INTO ${qualifiedTable(database, table)} (${columns}) VALUES `;
}

/**
 * The batch as multi-row INSERT statements, each below `maxPacketBytes`
 * (the server's max_allowed_packet): usually one. A single row that cannot
 * fit in any statement is a bad row.
 */
export function insertStatements(database: string, table: string, events: readonly QueuedEvent[], maxPacketBytes: number): string[] {
  const prefix = insertPrefix(database, table);
  const budget = maxPacketBytes - STATEMENT_OVERHEAD_BYTES - Buffer.byteLength(prefix, 'utf8');
  const statements: string[] = [];
  let rows: string[] = [];
  let bytes = 0;
  for (const queued of events) {
    const row = rowValues(queued);
    const rowBytes = Buffer.byteLength(row, 'utf8') + 1; // and its comma
    if (rowBytes > budget) {
      throw new DeliveryError(
        'bad_row',
        `event ${queued.id} is ${rowBytes} bytes as SQL, more than the server's max_allowed_packet (${maxPacketBytes} bytes) allows`,
        'PACKET_TOO_LARGE',
      );
    }
    if (bytes + rowBytes > budget) {
      statements.push(prefix + rows.join(','));
      rows = [];
      bytes = 0;
    }
    rows.push(row);
    bytes += rowBytes;
  }
  if (rows.length > 0) statements.push(prefix + rows.join(','));
  return statements;
}

/** The CREATE TABLE of one envelope table: InnoDB (transactions, so a refused batch rolls back), utf8mb4 whatever the server's default. */
export function createTableSql(database: string, table: string): string {
  const lines = ENVELOPE_COLUMNS.map((c) => `  ${quoteIdent(c.name).padEnd(22)} ${c.ddl}`);
  return (
    `CREATE TABLE IF NOT EXISTS ${qualifiedTable(database, table)} (\n${lines.join(',\n')}\n) ` +
    'ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;'
  );
}
