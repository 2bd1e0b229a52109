import { concatEncodedEvents, decodeEvents, encodeEvents, envelopesJsonOf, sliceEncodedEvents } from './encoded-events';
import type { QueuedEvent } from './queued-event';

function queued(n: number, extra: Record<string, unknown> = {}): QueuedEvent {
  return {
    id: `0190a1b2-c3d4-7e5f-8a9b-${String(n).padStart(12, '0')}`,
    receivedAt: 1_795_000_000_000 + n,
    event: { eventType: 'order.completed', occurredAt: '2026-05-26T14:21:08.493Z', source: 'checkout', payload: { n, text: 'a "quoted" \\ value, and ünïcode ✓' }, ...extra },
  };
}

describe('encoded events', () => {
  const events = [queued(1, { correlationId: 'req_1' }), queued(2), queued(3, { metadata: { tier: 'pro' } })];

  it('keeps ids, receive times and correlation ids apart, and the envelopes as one JSON array in UTF-8', () => {
    const encoded = encodeEvents(events);
    expect(encoded.ids).toEqual(events.map((e) => e.id));
    expect(encoded.receivedAt).toEqual(events.map((e) => e.receivedAt));
    expect(encoded.correlationIds).toEqual(['req_1', null, null]);
    expect(JSON.parse(envelopesJsonOf(encoded).toString('utf8'))).toEqual(events.map((e) => e.event));
  });

  it('decodes to the events it was made from', () => {
    expect(decodeEvents(encodeEvents(events))).toEqual(events);
  });

  it('refuses to decode envelopes that do not match the ids, saying how', () => {
    const encoded = encodeEvents(events);
    expect(() => decodeEvents({ ...encoded, ids: encoded.ids.slice(0, 2) })).toThrow('3 envelopes for 2 ids');
    expect(() => decodeEvents({ ...encoded, envelopeArrays: [Buffer.from('{"a":1}')] })).toThrow('not a JSON array for 3 ids');
    expect(() => decodeEvents({ ...encoded, envelopeArrays: [Buffer.from('[{')] })).toThrow(SyntaxError);
  });

  it('joins runs in order into one valid JSON array, skipping empty ones', () => {
    const joined = concatEncodedEvents([encodeEvents(events.slice(0, 1)), encodeEvents([]), encodeEvents(events.slice(1))]);
    expect(envelopesJsonOf(joined).toString('utf8')).toBe(JSON.stringify(events.map((e) => e.event)));
    expect(decodeEvents(joined)).toEqual(events);
    expect(decodeEvents(concatEncodedEvents([encodeEvents([]), encodeEvents([])]))).toEqual([]);
    expect(joined.correlationIds).toEqual(['req_1', null, null]);
    expect(concatEncodedEvents([encodeEvents(events)])).toEqual(encodeEvents(events));
  });

  it('puts leading bytes before the joined array, for one run or several', () => {
    const version = Buffer.from([1]);
    const text = JSON.stringify(events.map((e) => e.event));
    const several = concatEncodedEvents([encodeEvents(events.slice(0, 2)), encodeEvents(events.slice(2))]);
    for (const encoded of [encodeEvents(events), several]) {
      const bytes = envelopesJsonOf(encoded, version);
      expect(bytes[0]).toBe(1);
      expect(bytes.subarray(1).toString('utf8')).toBe(text);
    }
  });

  it('slices a run, keeping every field of the events it keeps', () => {
    const encoded = encodeEvents(events);
    expect(decodeEvents(sliceEncodedEvents(encoded, 1, 3))).toEqual(events.slice(1));
    expect(sliceEncodedEvents(encoded, 0, 3)).toBe(encoded);
  });
});
