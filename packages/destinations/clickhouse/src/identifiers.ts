import { tableNameForEventType, type IdentifierLimit } from '@pushrail/destination-core';

/**
 * ClickHouse keeps each table in a directory named after it (escaped), and
 * file systems cut names at 255 bytes; 200 leaves room for the escaping and
 * for the suffixes the server adds (`.sql`, `.tmp`).
 */
export const CLICKHOUSE_IDENTIFIER_LIMIT: IdentifierLimit = { max: 200, unit: 'bytes' };

/** Quotes an identifier for SQL with backticks. The one place identifiers enter SQL text. */
export function quoteIdent(name: string): string {
  if (name.includes('\u0000')) throw new Error('identifier contains NUL');
  return `\`${name.replace(/\\/g, '\\\\').replace(/`/g, '\\`')}\``;
}

/** Quotes a string literal for SQL text (the set-up guide; row values travel as JSONEachRow). */
export function quoteLiteral(value: string): string {
  if (value.includes('\u0000')) throw new Error('literal contains NUL');
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

/** `` `database`.`table` ``. */
export function qualifiedTable(database: string, table: string): string {
  return `${quoteIdent(database)}.${quoteIdent(table)}`;
}

/** The table an event of `eventType` goes to, per the destination's table mode. */
export function clickhouseTableFor(config: { table: string; tableMode: 'single' | 'per_event_type' }, eventType: string): string {
  return config.tableMode === 'per_event_type' ? tableNameForEventType(config.table, eventType, CLICKHOUSE_IDENTIFIER_LIMIT) : config.table;
}
