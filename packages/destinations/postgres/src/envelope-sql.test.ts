import type { QueuedEvent } from '@pushrail/events';
import { insertBatchParams } from './envelope-sql';

function queued(n: number, receivedAt: number, extra: Partial<QueuedEvent['event']> = {}): QueuedEvent {
  return {
    id: `0190a1b2-c3d4-7e5f-8a9b-${String(n).padStart(12, '0')}`,
    receivedAt,
    event: { eventType: 'order.completed', occurredAt: '2026-05-26T14:21:08.493Z', source: 'checkout', payload: { n }, ...extra },
  };
}

describe('insertBatchParams', () => {
  it('gives every event its own received_at, also when neighbours share one (formatted once per run)', () => {
    const a = Date.UTC(2026, 4, 26, 14, 21, 8, 493);
    const b = a + 1;
    const params = insertBatchParams([queued(1, a), queued(2, a), queued(3, b), queued(4, a), queued(5, b)]);
    expect(params[7]).toEqual([
      '2026-05-26T14:21:08.493Z',
      '2026-05-26T14:21:08.493Z',
      '2026-05-26T14:21:08.494Z',
      '2026-05-26T14:21:08.493Z',
      '2026-05-26T14:21:08.494Z',
    ]);
  });

  it('puts each column in ENVELOPE_COLUMNS order, the JSON columns as one JSON array text each', () => {
    const params = insertBatchParams([queued(1, 1, { customerExternalId: 'cus_1', metadata: { m: 1 } }), queued(2, 2)]);
    expect(params.slice(0, 5)).toEqual([
      ['0190a1b2-c3d4-7e5f-8a9b-000000000001', '0190a1b2-c3d4-7e5f-8a9b-000000000002'],
      ['order.completed', 'order.completed'],
      ['2026-05-26T14:21:08.493Z', '2026-05-26T14:21:08.493Z'],
      ['cus_1', null],
      ['checkout', 'checkout'],
    ]);
    expect(JSON.parse(params[5] as string)).toEqual([{ n: 1 }, { n: 2 }]);
    expect(JSON.parse(params[6] as string)).toEqual([{ m: 1 }, null]);
    expect(params[7]).toEqual(['1970-01-01T00:00:00.001Z', '1970-01-01T00:00:00.002Z']);
  });
});
