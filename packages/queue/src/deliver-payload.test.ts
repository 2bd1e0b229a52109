import { decodeEvents, envelopesJsonOf, type QueuedEvent } from '@pushrail/events';
import { randomUUID } from 'node:crypto';
import { deliverPayloadSchema, readDeliverPayload, toDeliverPayload } from './deliver-payload';

function queued(n: number, extra: Record<string, unknown> = {}): QueuedEvent {
  return {
    id: randomUUID(),
    receivedAt: 1_795_000_000_000 + n,
    event: { eventType: 'order.completed', occurredAt: '2026-05-26T14:21:08.493Z', source: 's', payload: { n, text: 'a "quoted", \\ {"eventType":1} value' }, ...extra },
  };
}

const EVENTS = [queued(1, { correlationId: 'req_1' }), queued(2), queued(3, { metadata: { m: 1 } })];

describe('toDeliverPayload', () => {
  it('writes ids, receive times and correlation ids apart, the envelopes last', () => {
    const payload = toDeliverPayload(EVENTS);
    expect(Object.keys(payload)).toEqual(['ids', 'receivedAt', 'correlationIds', 'events']);
    expect(payload).toEqual({
      ids: EVENTS.map((e) => e.id),
      receivedAt: EVENTS.map((e) => e.receivedAt),
      correlationIds: ['req_1', null, null],
      events: EVENTS.map((e) => e.event),
    });
    expect(deliverPayloadSchema.safeParse(payload).success).toBe(true);
  });
});

describe('readDeliverPayload (the JSON text Redis holds)', () => {
  it('keeps the envelopes as the text they are, parsing only the small arrays', () => {
    const text = JSON.stringify(toDeliverPayload(EVENTS));
    const read = readDeliverPayload(text);
    if (!read.ok) throw new Error(read.problem);
    expect(read.events.ids).toEqual(EVENTS.map((e) => e.id));
    expect(read.events.correlationIds).toEqual(['req_1', null, null]);
    expect(text.endsWith(`"events":${envelopesJsonOf(read.events).toString('utf8')}}`)).toBe(true);
    expect(decodeEvents(read.events)).toEqual(EVENTS);
  });

  it('reads keys in another order by parsing them whole, to the same events', () => {
    const payload = toDeliverPayload(EVENTS);
    const reordered = { events: payload.events, ids: payload.ids, receivedAt: payload.receivedAt, correlationIds: payload.correlationIds };
    const read = readDeliverPayload(JSON.stringify(reordered));
    if (!read.ok) throw new Error(read.problem);
    expect(decodeEvents(read.events)).toEqual(EVENTS);
  });

  const good = () => toDeliverPayload(EVENTS);
  it.each([
    ['not an object', 'nope'],
    ['no events', {}],
    ['the shape before this one', { events: EVENTS }],
    ['no ids', { ...good(), ids: [] }],
    ['a bad id', { ...good(), ids: ['x', ...good().ids.slice(1)] }],
    ['fewer receive times than ids', { ...good(), receivedAt: good().receivedAt.slice(1) }],
    ['a string receive time', { ...good(), receivedAt: ['1', ...good().receivedAt.slice(1)] }],
    ['a number as correlation id', { ...good(), correlationIds: [1, null, null] }],
    ['fewer envelopes than ids', { ...good(), events: good().events.slice(1) }],
  ])('refuses %s, naming the problem as the zod schema does', (_label, data) => {
    const result = readDeliverPayload(JSON.stringify(data));
    expect(result.ok).toBe(false);
    expect(deliverPayloadSchema.safeParse(data).success).toBe(false);
    if (!result.ok) expect(result.problem).toMatch(/\S+: \S+/);
  });

  it('property: reads whatever toDeliverPayload writes to the same events, by the fast path or a whole parse', () => {
    for (let n = 1; n <= 200; n++) {
      const events = Array.from({ length: 1 + (n % 7) }, (_, i) =>
        queued(i, {
          ...(i % 2 ? { correlationId: `c,"events":[${n}` } : {}),
          payload: { i, s: `{"eventType":"x"} ,"events":[ \u0000-free ${'é🚀'.repeat(n % 5)}` },
        }),
      );
      const read = readDeliverPayload(JSON.stringify(toDeliverPayload(events)));
      if (!read.ok) throw new Error(read.problem);
      expect(decodeEvents(read.events)).toEqual(events);
      expect(read.events.correlationIds).toEqual(events.map((e) => e.event.correlationId ?? null));
    }
  });

  it('falls back to a whole parse when an envelope holds an eventType key of its own (a miscount), still right', () => {
    const nested = [queued(1, { payload: { inner: { eventType: 'x' } } }), queued(2)];
    const read = readDeliverPayload(JSON.stringify(toDeliverPayload(nested)));
    if (!read.ok) throw new Error(read.problem);
    expect(decodeEvents(read.events)).toEqual(nested);
  });

  it.each([
    ['text that is not JSON', '{"ids":["x"', 'not JSON'],
    ['envelopes that do not pair up with the ids', JSON.stringify({ ...toDeliverPayload(EVENTS), events: toDeliverPayload(EVENTS).events.slice(1) }), 'events'],
    ['a bad id', JSON.stringify({ ...toDeliverPayload(EVENTS), ids: ['x', 'y', 'z'] }), 'ids'],
    ['a JSON array', '[1,2]', '(root)'],
  ])('refuses %s, naming the problem', (_label, text, named) => {
    const read = readDeliverPayload(text);
    expect(read.ok).toBe(false);
    if (!read.ok) expect(read.problem).toContain(named);
  });
});

describe('request ids in a deliver payload', () => {
  it('come before the envelopes, only when known, and the fast reader carries them to the batch', () => {
    const payload = toDeliverPayload(EVENTS, ['req-a', 'req-b']);
    expect(Object.keys(payload)).toEqual(['ids', 'receivedAt', 'correlationIds', 'requestIds', 'events']);
    expect(Object.keys(toDeliverPayload(EVENTS, []))).not.toContain('requestIds');
    expect(deliverPayloadSchema.safeParse(payload).success).toBe(true);
    const read = readDeliverPayload(JSON.stringify(payload));
    expect(read.ok && read.events.requestIds).toEqual(['req-a', 'req-b']);
    expect(read.ok && decodeEvents(read.events)).toEqual(EVENTS);
  });

  it('malformed request ids are dropped, the events still read', () => {
    const read = readDeliverPayload(JSON.stringify({ ...toDeliverPayload(EVENTS), requestIds: [1, 2], events: EVENTS.map((e) => e.event) }));
    expect(read.ok).toBe(true);
    expect(read.ok && read.events.requestIds).toBeUndefined();
  });
});
