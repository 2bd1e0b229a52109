import { toDeliverPayload, UNREADABLE_EVENT_ID } from '@pushrail/queue';
import { replayableEvent } from './replayable-event';

const eventId = '0190a6f2-4c1e-7b3a-9d2e-5f6a7b8c9d0e';
const queued = {
  id: eventId,
  receivedAt: 1_780_000_000_000,
  event: {
    eventType: 'order.completed',
    occurredAt: '2026-05-26T14:21:08.493Z',
    source: 'billing-service',
    payload: { note: 'a\u0000b' },
    metadata: { tier: 'pro' },
    correlationId: 'req_1',
  },
};
const candidate = (eventJson: string, destinationDeleted = false) => ({ eventId, eventJson, destinationDeleted });

describe('replayableEvent', () => {
  it('gives back the queued event exactly as stored, id and receivedAt kept, \\u0000 included', () => {
    const replay = replayableEvent(candidate(JSON.stringify(queued)));
    expect(replay).toEqual({ ok: true, events: [queued] });
  });

  it('matches the event id whatever its case', () => {
    expect(replayableEvent(candidate(JSON.stringify({ ...queued, id: eventId.toUpperCase() }))).ok).toBe(true);
  });

  it('skips a dead letter whose destination was deleted, before reading its event', () => {
    expect(replayableEvent(candidate('not json', true))).toEqual({ ok: false, reason: 'destination_deleted' });
  });

  it('gives back every event of a whole job payload a worker could not read, when this version reads it', () => {
    const other = { ...queued, id: '0190a6f2-4c1e-7b3a-9d2e-000000000001', event: { ...queued.event, correlationId: undefined } };
    delete (other.event as Record<string, unknown>).correlationId;
    const replay = replayableEvent({ eventId: UNREADABLE_EVENT_ID, eventJson: JSON.stringify(toDeliverPayload([queued, other])), destinationDeleted: false });
    expect(replay).toEqual({ ok: true, events: [queued, other] });
    // The payload shape before this one: this worker dead-letters such a job, and a redrive sends its events again.
    const earlier = replayableEvent({ eventId: UNREADABLE_EVENT_ID, eventJson: JSON.stringify({ events: [queued, other] }), destinationDeleted: false });
    expect(earlier).toEqual({ ok: true, events: [queued, other] });
    for (const unreadable of [{ events: 'nope' }, { events: [{ ...queued, id: 'x' }] }]) {
      expect(replayableEvent({ eventId: UNREADABLE_EVENT_ID, eventJson: JSON.stringify(unreadable), destinationDeleted: false })).toEqual({
        ok: false,
        reason: 'unreadable_event',
      });
    }
  });

  it.each([
    ['text that is not JSON', '{"id":'],
    ['an invalid job payload kept as it was', JSON.stringify({ events: 'nope' })],
    ['a queued event without its envelope', JSON.stringify({ id: eventId, receivedAt: 1 })],
    ['a receivedAt that is not a time', JSON.stringify({ ...queued, receivedAt: 'yesterday' })],
    ['another event than the dead letter names', JSON.stringify({ ...queued, id: '0190a6f2-4c1e-7b3a-9d2e-000000000000' })],
    ['JSON null', 'null'],
  ])('skips %s as unreadable', (_what, eventJson) => {
    expect(replayableEvent(candidate(eventJson))).toEqual({ ok: false, reason: 'unreadable_event' });
  });
});
