import { perSecond, quantile, summarizeMs } from './stats';

describe('stats', () => {
  it('takes quantiles by nearest rank', () => {
    const values = Array.from({ length: 100 }, (_, i) => 100 - i);
    expect(quantile(values, 0.5)).toBe(50);
    expect(quantile(values, 0.99)).toBe(99);
    expect(quantile([], 0.5)).toBeNaN();
    expect(summarizeMs(values)).toEqual({ p50: 50, p99: 99, max: 100 });
  });

  it('computes rates per second and refuses an empty span', () => {
    expect(perSecond(5_000, 2_000)).toBe(2_500);
    expect(perSecond(5, 0)).toBe(0);
  });
});
