import type { EventEnvelope } from './event-envelope';
import type { QueuedEvent } from './queued-event';

/**
 * Queued events as the worker holds them from fetch to commit: the fields it
 * reads itself (ids, receive times, correlation ids) as arrays, and the
 * envelopes as ONE JSON array text, which the destination hands to its
 * database as it is (PostgreSQL unpacks it with `jsonb_array_elements`).
 *
 * Why: holding a batch as objects cost the worker more than anything else in
 * the drain. Every event is a small graph of objects that lives from its
 * job's fetch until its batch commits, long enough for V8 to copy it out of
 * the young generation, and writing it meant walking it again to build one
 * array per column (bench/RESULTS.md, session 4). Here a batch is a few
 * arrays of strings and numbers and one string.
 *
 * Element `i` of every array and of `envelopesJson` is the same event.
 */
export interface EncodedEvents {
  /** Event ids (UUIDs). */
  readonly ids: readonly string[];
  /** When ingest received each event, in milliseconds since the epoch. */
  readonly receivedAt: readonly number[];
  /** Each event's `correlationId`, null when it has none (for the batch's log line). */
  readonly correlationIds: readonly (string | null)[];
  /** The envelopes, `[{…},{…}]`, as JSON.stringify writes them (no whitespace between elements). */
  readonly envelopesJson: string;
}

/** Queued events taken apart: what the worker reads itself, and the envelopes (element `i` of each is event `i`). */
export interface SeparatedEvents {
  ids: string[];
  receivedAt: number[];
  correlationIds: (string | null)[];
  envelopes: EventEnvelope[];
}

/** Takes queued events apart into the arrays of EncodedEvents and the envelopes (the job payload has the same four). */
export function separateQueuedEvents(events: readonly QueuedEvent[]): SeparatedEvents {
  const n = events.length;
  const separated: SeparatedEvents = {
    ids: new Array<string>(n),
    receivedAt: new Array<number>(n),
    correlationIds: new Array<string | null>(n),
    envelopes: new Array<EventEnvelope>(n),
  };
  for (let i = 0; i < n; i++) {
    const queued = events[i]!;
    separated.ids[i] = queued.id;
    separated.receivedAt[i] = queued.receivedAt;
    separated.correlationIds[i] = queued.event.correlationId ?? null;
    separated.envelopes[i] = queued.event;
  }
  return separated;
}

/** The encoded form of `events` (one JSON.stringify of the envelopes). */
export function encodeEvents(events: readonly QueuedEvent[]): EncodedEvents {
  const { ids, receivedAt, correlationIds, envelopes } = separateQueuedEvents(events);
  return { ids, receivedAt, correlationIds, envelopesJson: JSON.stringify(envelopes) };
}

/**
 * The events back as objects (slow paths only: bisecting a refused batch,
 * dead letters, per-event-type tables). Throws when the envelopes text is not
 * a JSON array of as many elements as there are ids.
 */
export function decodeEvents(encoded: EncodedEvents): QueuedEvent[] {
  const envelopes: unknown = JSON.parse(encoded.envelopesJson);
  if (!Array.isArray(envelopes) || envelopes.length !== encoded.ids.length) {
    throw new Error(
      `envelopes do not match ids: ${Array.isArray(envelopes) ? `${envelopes.length} envelopes` : 'not a JSON array'} for ${encoded.ids.length} ids`,
    );
  }
  return envelopes.map((event, i) => ({ id: encoded.ids[i]!, receivedAt: encoded.receivedAt[i]!, event: event as EventEnvelope }));
}

/** Several encoded runs as one, in order (a batch made of several jobs). */
export function concatEncodedEvents(runs: readonly EncodedEvents[]): EncodedEvents {
  if (runs.length === 1) return runs[0]!;
  const filled = runs.filter((run) => run.ids.length > 0);
  return {
    ids: ([] as string[]).concat(...filled.map((run) => run.ids)),
    receivedAt: ([] as number[]).concat(...filled.map((run) => run.receivedAt)),
    correlationIds: ([] as (string | null)[]).concat(...filled.map((run) => run.correlationIds)),
    // `[a,b]` → `a,b`: the texts are JSON.stringify's, so the brackets are the first and last characters.
    envelopesJson: `[${filled.map((run) => run.envelopesJson.slice(1, -1)).join(',')}]`,
  };
}

/** Events `from` to `to` (exclusive) of an encoded run: decoded and encoded again, so for the rare split only. */
export function sliceEncodedEvents(encoded: EncodedEvents, from: number, to: number): EncodedEvents {
  if (from <= 0 && to >= encoded.ids.length) return encoded;
  return encodeEvents(decodeEvents(encoded).slice(from, to));
}
