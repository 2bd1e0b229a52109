import { createHash } from 'node:crypto';
import type { QueuedEvent } from '@pushrail/events';

/** Hex characters of the hash suffix a cut name ends with. */
const HASH_SUFFIX_LENGTH = 8;

/** How a server limits identifier length: PostgreSQL counts bytes, MySQL characters. */
export interface IdentifierLimit {
  max: number;
  unit: 'bytes' | 'characters';
}

function lengthOf(text: string, unit: IdentifierLimit['unit']): number {
  return unit === 'bytes' ? Buffer.byteLength(text, 'utf8') : [...text].length;
}

function cutTo(text: string, max: number, unit: IdentifierLimit['unit']): string {
  let out = '';
  for (const ch of text) {
    if (lengthOf(out + ch, unit) > max) break;
    out += ch;
  }
  return out;
}

/**
 * The table of one event type in `per_event_type` mode (docs/design.md,
 * "Per-event-type tables"): `<table>_<type>`, the type lower-cased with each
 * run of characters outside [a-z0-9] turned into `_`. So `user.signed_up`
 * goes to `<table>_user_signed_up`, the name a customer writes by the rule.
 *
 * Two types that meet in one name (`a.b`, `a_b`) share that table, which is
 * harmless: their rows keep their own `event_type`. Only a name longer than
 * the server's identifier limit is cut, and then it ends with `_` and 8 hex
 * characters of the SHA-256 of the type, so the server never truncates it
 * silently and two long types that share a prefix stay apart.
 */
export function tableNameForEventType(baseTable: string, eventType: string, limit: IdentifierLimit): string {
  const slug = eventType.toLowerCase().replace(/[^a-z0-9]+/g, '_');
  const plain = `${baseTable}_${slug}`;
  if (lengthOf(plain, limit.unit) <= limit.max) return plain;
  const suffix = createHash('sha256').update(eventType, 'utf8').digest('hex').slice(0, HASH_SUFFIX_LENGTH);
  return `${cutTo(plain, limit.max - 1 - HASH_SUFFIX_LENGTH, limit.unit)}_${suffix}`;
}

/** A batch's events by the table each goes to (`tableOf` its event type), in batch order within each table. */
export function groupEventsByTable(events: readonly QueuedEvent[], tableOf: (eventType: string) => string): Map<string, QueuedEvent[]> {
  const groups = new Map<string, QueuedEvent[]>();
  for (const queued of events) {
    const table = tableOf(queued.event.eventType);
    const group = groups.get(table);
    if (group) group.push(queued);
    else groups.set(table, [queued]);
  }
  return groups;
}
