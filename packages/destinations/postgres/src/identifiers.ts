import type { IdentifierLimit } from '@pushrail/destination-core';

/** PostgreSQL's identifier limit: 63 bytes (NAMEDATALEN - 1); longer names are truncated by the server. */
export const POSTGRES_IDENTIFIER_LIMIT: IdentifierLimit = { max: 63, unit: 'bytes' };

/** Quotes an identifier for SQL. The one place identifiers enter SQL text. */
export function quoteIdent(name: string): string {
  if (name.includes('\u0000')) throw new Error('identifier contains NUL');
  return `"${name.replace(/"/g, '""')}"`;
}

/** Quotes a string literal for SQL text (the set-up guide only; runtime values are parameters). */
export function quoteLiteral(value: string): string {
  if (value.includes('\u0000')) throw new Error('literal contains NUL');
  return `'${value.replace(/'/g, "''")}'`;
}

/** `"schema"."table"`. */
export function qualifiedTable(schema: string, table: string): string {
  return `${quoteIdent(schema)}.${quoteIdent(table)}`;
}
