import { eventEnvelopeSchema } from '@pushrail/events';
import { DEFAULT_SEGMENT_SOURCE, segmentToEvent } from './segment-mapping';
import { segmentMessageSchema } from './segment-message';

const RECEIVED_AT = new Date('2026-05-26T14:21:09.000Z');

/** A message as the schema passes it on, then mapped. */
function map(message: Record<string, unknown>) {
  return segmentToEvent(segmentMessageSchema.parse(message), RECEIVED_AT);
}

describe('segmentToEvent: one Segment message is one canonical event', () => {
  test('a track call: event name, timestamp, userId, messageId, library, properties; everything else in metadata', () => {
    const event = map({
      type: 'track',
      event: 'Order Completed',
      messageId: 'msg-1',
      userId: 'user_42',
      anonymousId: 'anon_9',
      timestamp: '2026-05-26T14:21:08.493Z',
      originalTimestamp: '2026-05-26T14:21:07.000Z',
      properties: { orderId: 'ord_1', amount: 129 },
      context: { library: { name: '@segment/analytics-node', version: '3.1.0' }, ip: '10.0.0.1' },
      integrations: { All: true },
    });
    expect(event).toEqual({
      eventType: 'Order Completed',
      occurredAt: '2026-05-26T14:21:08.493Z',
      source: '@segment/analytics-node',
      customerExternalId: 'user_42',
      idempotencyKey: 'msg-1',
      payload: { orderId: 'ord_1', amount: 129 },
      metadata: {
        type: 'track',
        event: 'Order Completed',
        messageId: 'msg-1',
        userId: 'user_42',
        anonymousId: 'anon_9',
        timestamp: '2026-05-26T14:21:08.493Z',
        originalTimestamp: '2026-05-26T14:21:07.000Z',
        context: { library: { name: '@segment/analytics-node', version: '3.1.0' }, ip: '10.0.0.1' },
        integrations: { All: true },
      },
    });
    expect(eventEnvelopeSchema.safeParse(event).success).toBe(true);
  });

  test.each(['identify', 'group'])('%s: the type is the event type and traits are the payload', (type) => {
    const event = map({ type, messageId: 'm', anonymousId: 'anon_1', traits: { plan: 'pro' }, groupId: 'g1' });
    expect(event.eventType).toBe(type);
    expect(event.payload).toEqual({ plan: 'pro' });
    expect(event.customerExternalId).toBe('anon_1');
    expect(event.metadata).not.toHaveProperty('traits');
    expect(event.metadata.groupId).toBe('g1');
  });

  test.each(['page', 'screen'])('%s: properties are the payload, the name stays in metadata', (type) => {
    const event = map({ type, userId: 'u', name: 'Pricing', properties: { path: '/pricing' } });
    expect(event).toMatchObject({ eventType: type, payload: { path: '/pricing' }, metadata: { name: 'Pricing' } });
  });

  test('alias: an empty payload; previousId in metadata', () => {
    const event = map({ type: 'alias', userId: 'new', previousId: 'old' });
    expect(event).toMatchObject({ eventType: 'alias', customerExternalId: 'new', payload: {}, metadata: { previousId: 'old' } });
  });

  test('occurredAt falls back to originalTimestamp, then to the receipt time', () => {
    expect(map({ type: 'identify', originalTimestamp: '2026-01-02T03:04:05.000+02:00' }).occurredAt).toBe('2026-01-02T03:04:05.000+02:00');
    expect(map({ type: 'identify' }).occurredAt).toBe(RECEIVED_AT.toISOString());
  });

  test('without a library name the source is "segment"; without a messageId there is no idempotency key; without ids no customer', () => {
    const event = map({ type: 'identify', context: { library: { version: '1' } } });
    expect(event.source).toBe(DEFAULT_SEGMENT_SOURCE);
    expect(event).not.toHaveProperty('idempotencyKey');
    expect(event).not.toHaveProperty('customerExternalId');
  });

  test('a numeric userId becomes its text; null ids are absent', () => {
    expect(map({ type: 'identify', userId: 42 }).customerExternalId).toBe('42');
    expect(map({ type: 'identify', userId: null, anonymousId: 'a' }).customerExternalId).toBe('a');
  });

  test('properties win over traits for the payload; the other stays in metadata', () => {
    const event = map({ type: 'track', event: 'e', properties: { p: 1 }, traits: { t: 1 } });
    expect(event.payload).toEqual({ p: 1 });
    expect(event.metadata.traits).toEqual({ t: 1 });
  });

  test('a write key in the body never reaches the row', () => {
    const event = map({ type: 'track', event: 'e', writeKey: 'pr_live_secret' });
    expect(JSON.stringify(event)).not.toContain('pr_live_secret');
  });
});

describe('segmentMessageSchema', () => {
  test('a track call without its event name is refused at `event`', () => {
    const result = segmentMessageSchema.safeParse({ type: 'track', userId: 'u' });
    expect(result.success).toBe(false);
    expect(result.error!.issues.map((i) => i.path.join('.'))).toEqual(['event']);
  });

  test('an unknown type, a timestamp without a zone and a non-object properties are refused, each at its field', () => {
    const result = segmentMessageSchema.safeParse({ type: 'click', timestamp: '2026-05-26 14:21', properties: [1] });
    expect(result.success).toBe(false);
    expect(result.error!.issues.map((i) => i.path.join('.')).sort()).toEqual(['properties', 'timestamp', 'type']);
  });
});
