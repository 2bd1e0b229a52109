import { randomUUID } from 'node:crypto';
import { DELIVER_JOB, readDeliverPayload, retryDelayMs, RETRY_SCHEDULE } from './job-catalogue';

const good = () => ({
  events: [{ id: randomUUID(), receivedAt: Date.now(), event: { eventType: 't', occurredAt: '2026-01-01T00:00:00Z', source: 's', payload: {} } }],
});

describe('readDeliverPayload', () => {
  it('accepts what the zod schema accepts', () => {
    const data = good();
    expect(DELIVER_JOB.payload.safeParse(data).success).toBe(true);
    expect(readDeliverPayload(data)).toEqual({ ok: true, payload: data });
  });

  it.each([
    ['not an object', 'nope'],
    ['no events', {}],
    ['empty events', { events: [] }],
    ['a bad id', { events: [{ ...good().events[0], id: 'x' }] }],
    ['a missing payload', { events: [{ ...good().events[0], event: { eventType: 't', occurredAt: 'x', source: 's' } }] }],
    ['a string receivedAt', { events: [{ ...good().events[0], receivedAt: '1' }] }],
  ])('refuses %s, naming the problem, as the zod schema does', (_label, data) => {
    const result = readDeliverPayload(data);
    expect(result.ok).toBe(false);
    expect(DELIVER_JOB.payload.safeParse(data).success).toBe(false);
    if (!result.ok) expect(result.problem.length).toBeGreaterThan(0);
  });
});

describe('retryDelayMs', () => {
  it('doubles from 1 s, caps at 300 s, and jitters by at most 20 %', () => {
    expect(retryDelayMs(1, () => 0.5)).toBe(1000);
    expect(retryDelayMs(2, () => 0.5)).toBe(2000);
    expect(retryDelayMs(4, () => 0.5)).toBe(8000);
    expect(retryDelayMs(30, () => 0.5)).toBe(RETRY_SCHEDULE.maxDelaySec * 1000);
    expect(retryDelayMs(1, () => 0)).toBe(800);
    expect(retryDelayMs(1, () => 1)).toBe(1200);
  });
});
