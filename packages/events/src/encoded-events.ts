import type { EventEnvelope } from './event-envelope';
import type { QueuedEvent } from './queued-event';

/**
 * Queued events as the worker holds them from fetch to commit: the fields it
 * reads itself (ids, receive times, correlation ids) as arrays, and the
 * envelopes as JSON arrays in UTF-8 bytes, one per job the events came in,
 * which the destination joins into one and hands to its database as it is
 * (PostgreSQL unpacks it with `jsonb_array_elements`; other destinations
 * decode it).
 *
 * Why: holding a batch as objects costs the worker more than anything else in
 * the drain. Every event is a small graph of objects that lives from its
 * job's fetch until its batch commits, long enough for V8 to copy it out of
 * the young generation, and writing it means walking it again to build one
 * array per column (bench/RESULTS.md, "worker reads job text"). Here a batch
 * is a few arrays of strings and numbers and a Buffer per job, copied once,
 * into the statement's parameter (envelopesJsonOf).
 *
 * Bytes, not a string: a job's text is ~170 KB, which V8 keeps in its
 * large-object space; held until its batch commits, it would outlive the
 * young generation and stay until the next full collection. Encoded at once,
 * the string dies young and the bytes go to the database as they are
 * (bench/RESULTS.md, "worker holds envelopes as bytes": peak RSS down by
 * about 30 MB, CPU unchanged).
 *
 * Element `i` of every array, and of the envelope arrays taken in order, is
 * the same event.
 */
export interface EncodedEvents extends EventColumns {
  /** The HTTP requests the events came in, once each (for the batch's log line); absent when unknown. Not per event. */
  readonly requestIds?: readonly string[];
  /**
   * The envelopes as JSON arrays, `[{…},{…}]` as JSON.stringify writes them
   * (no whitespace between elements), in UTF-8: one array per job.
   */
  readonly envelopeArrays: readonly Buffer[];
}

/** What travels beside each event's envelope, as arrays: element `i` of each is event `i`. */
export interface EventColumns {
  /** Event ids (UUIDs). */
  readonly ids: readonly string[];
  /** When ingest received each event, in milliseconds since the epoch. */
  readonly receivedAt: readonly number[];
  /** Each event's `correlationId`, null when it has none (for the batch's log line). */
  readonly correlationIds: readonly (string | null)[];
}

/** The encoded form of `events` (one JSON.stringify of the envelopes). */
export function encodeEvents(events: readonly QueuedEvent[]): EncodedEvents {
  return {
    ids: events.map((q) => q.id),
    receivedAt: events.map((q) => q.receivedAt),
    correlationIds: events.map((q) => q.event.correlationId ?? null),
    envelopeArrays: [Buffer.from(JSON.stringify(events.map((q) => q.event)), 'utf8')],
  };
}

/**
 * The events back as objects (slow paths only: bisecting a refused batch,
 * dead letters, per-event-type tables). Throws when the envelopes text is not
 * a JSON array of as many elements as there are ids.
 */
export function decodeEvents(encoded: EncodedEvents): QueuedEvent[] {
  const envelopes: unknown = JSON.parse(envelopesJsonOf(encoded).toString('utf8'));
  if (!Array.isArray(envelopes) || envelopes.length !== encoded.ids.length) {
    throw new Error(
      `envelopes do not match ids: ${Array.isArray(envelopes) ? `${envelopes.length} envelopes` : 'not a JSON array'} for ${encoded.ids.length} ids`,
    );
  }
  return envelopes.map((event, i) => ({ id: encoded.ids[i]!, receivedAt: encoded.receivedAt[i]!, event: event as EventEnvelope }));
}

const OPEN_BRACKET = 0x5b;
const COMMA = 0x2c;
const CLOSE_BRACKET = 0x5d;
const NO_BYTES = Buffer.alloc(0);

/**
 * The envelopes as one JSON array in UTF-8, after `leading` bytes (a wire
 * format's header, such as jsonb's version byte): `[a,b]`, `[]` and `[c]`
 * give `[a,b,c]`. Each array's `[` and `]` are its first and last bytes, as
 * JSON.stringify writes them. The one copy of a batch's envelopes.
 */
export function envelopesJsonOf(encoded: EncodedEvents, leading: Buffer = NO_BYTES): Buffer {
  const arrays = encoded.envelopeArrays;
  if (arrays.length === 1) return leading.length === 0 ? arrays[0]! : Buffer.concat([leading, arrays[0]!]);
  const filled = arrays.filter((array) => array.length > 2);
  let size = leading.length + 2 + Math.max(0, filled.length - 1);
  for (const array of filled) size += array.length - 2;
  const joined = Buffer.allocUnsafe(size);
  let at = leading.copy(joined, 0);
  joined[at++] = OPEN_BRACKET;
  filled.forEach((array, i) => {
    if (i > 0) joined[at++] = COMMA;
    at += array.copy(joined, at, 1, array.length - 1);
  });
  joined[at] = CLOSE_BRACKET;
  return joined;
}

/** Several encoded runs as one, in order (a batch made of several jobs). */
export function concatEncodedEvents(runs: readonly EncodedEvents[]): EncodedEvents {
  if (runs.length === 1) return runs[0]!;
  return {
    ids: ([] as string[]).concat(...runs.map((run) => run.ids)),
    receivedAt: ([] as number[]).concat(...runs.map((run) => run.receivedAt)),
    correlationIds: ([] as (string | null)[]).concat(...runs.map((run) => run.correlationIds)),
    // Joined only where they must be one (envelopesJsonOf), which also skips empty arrays.
    envelopeArrays: ([] as Buffer[]).concat(...runs.map((run) => run.envelopeArrays)),
  };
}

/** Events `from` to `to` (exclusive) of an encoded run: decoded and encoded again, so for the rare split only. */
export function sliceEncodedEvents(encoded: EncodedEvents, from: number, to: number): EncodedEvents {
  if (from <= 0 && to >= encoded.ids.length) return encoded;
  const slice = encodeEvents(decodeEvents(encoded).slice(from, to));
  return encoded.requestIds ? { ...slice, requestIds: encoded.requestIds } : slice;
}
