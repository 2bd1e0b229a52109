import { backoffDelayMs, retryAfterMs } from './backoff';

const options = { initialDelayMs: 100, maxDelayMs: 1_000 };

describe('backoffDelayMs', () => {
  test('doubles per retry between half and all of the ceiling, capped', () => {
    expect([1, 2, 3, 4, 5].map((n) => backoffDelayMs(n, options, () => 0))).toEqual([50, 100, 200, 400, 500]);
    expect([1, 2, 3, 4, 5].map((n) => backoffDelayMs(n, options, () => 1))).toEqual([100, 200, 400, 800, 1_000]);
  });
});

describe('retryAfterMs', () => {
  test('reads seconds and HTTP dates; nothing readable is undefined', () => {
    expect(retryAfterMs('2')).toBe(2_000);
    expect(retryAfterMs('Wed, 02 Dec 2026 01:00:03 GMT', Date.parse('2026-12-02T01:00:00Z'))).toBe(3_000);
    expect(retryAfterMs(null)).toBeUndefined();
    expect(retryAfterMs('soon')).toBeUndefined();
  });
});
