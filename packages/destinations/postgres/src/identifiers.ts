import { createHash } from 'node:crypto';

/** PostgreSQL's identifier limit, in bytes (NAMEDATALEN - 1). */
export const MAX_IDENTIFIER_BYTES = 63;

/** Hex characters of the hash suffix a cut name ends with. */
const HASH_SUFFIX_LENGTH = 8;

/** Quotes an identifier for SQL. The one place identifiers enter SQL text. */
export function quoteIdent(name: string): string {
  if (name.includes('\u0000')) throw new Error('identifier contains NUL');
  return `"${name.replace(/"/g, '""')}"`;
}

/** `"schema"."table"`. */
export function qualifiedTable(schema: string, table: string): string {
  return `${quoteIdent(schema)}.${quoteIdent(table)}`;
}

function cutToBytes(text: string, maxBytes: number): string {
  let out = '';
  for (const ch of text) {
    if (Buffer.byteLength(out + ch, 'utf8') > maxBytes) break;
    out += ch;
  }
  return out;
}

/**
 * Event types whose table name needs no hash: lower-case words of [a-z0-9]
 * joined by single dots, the common convention (`order.completed`). On these
 * alone, turning `.` into `_` cannot make two types meet in one name.
 */
const CANONICAL_EVENT_TYPE = /^[a-z0-9]+(\.[a-z0-9]+)*$/;

/**
 * The table of one event type in `per_event_type` mode (DESIGN.md):
 * `<table>_<type>`, lower-cased, each run of characters outside [a-z0-9]
 * becomes `_`. Two kinds of name end with `_` and 8 hex characters of the
 * SHA-256 of the original type: a name that would pass 63 bytes (cut to fit,
 * never silently truncated by the server), and a type outside the canonical
 * form (`order_completed`, `Order-Completed`, `café.paid`), which could
 * otherwise meet a canonical type in one name. So distinct types get
 * distinct, stable names.
 */
export function tableNameForEventType(baseTable: string, eventType: string): string {
  const slug = eventType.toLowerCase().replace(/[^a-z0-9]+/g, '_');
  const plain = `${baseTable}_${slug}`;
  const canonical = CANONICAL_EVENT_TYPE.test(eventType);
  if (canonical && Buffer.byteLength(plain, 'utf8') <= MAX_IDENTIFIER_BYTES) return plain;
  const suffix = createHash('sha256').update(eventType, 'utf8').digest('hex').slice(0, HASH_SUFFIX_LENGTH);
  return `${cutToBytes(plain, MAX_IDENTIFIER_BYTES - 1 - HASH_SUFFIX_LENGTH)}_${suffix}`;
}
