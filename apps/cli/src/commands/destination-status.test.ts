import { ago, statusRecord } from './destination-status';

describe('destination status in the CLI', () => {
  const now = Date.parse('2026-12-02T12:00:00Z');

  it('says how long ago, in the largest whole unit', () => {
    expect(ago(null, now)).toBe('never');
    expect(ago('2026-12-02T11:59:30Z', now)).toBe('30s ago');
    expect(ago('2026-12-02T11:55:00Z', now)).toBe('5m ago');
    expect(ago('2026-12-02T09:00:00Z', now)).toBe('3h ago');
    expect(ago('2026-11-29T12:00:00Z', now)).toBe('3d ago');
  });

  it('prints a paused destination with its reason and its last error on one line', () => {
    const record = statusRecord('d1', {
      state: 'paused',
      pausedReason: 'failures',
      pausedMessage: 'paused after 10 min of permanent failures',
      queueDepth: 3,
      oldestWaitingSec: 42,
      lastDeliveredAt: null,
      lastError: { at: '2026-12-02T11:00:00.000Z', kind: 'permanent', code: '42501', message: 'permission denied for table events' },
      delivered24h: 0,
      deadLettered24h: 7,
    });
    expect(record).toEqual({
      id: 'd1',
      state: 'paused (failures)',
      pausedMessage: 'paused after 10 min of permanent failures',
      queueDepth: 3,
      oldestWaitingSec: 42,
      lastDeliveredAt: 'never',
      delivered24h: 0,
      deadLettered24h: 7,
      lastError: '2026-12-02T11:00:00.000Z permanent 42501: permission denied for table events',
    });
  });
});
