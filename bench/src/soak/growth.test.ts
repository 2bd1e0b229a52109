import { fittedSlopePerSec, judgeGrowth } from './growth';

const rule = { relativePerHour: 0.25, absolutePerHour: 1 };

describe('judgeGrowth', () => {
  it('fits the slope of a straight line exactly', () => {
    expect(fittedSlopePerSec([0, 10, 20, 30].map((t) => ({ tSec: t, value: 5 + 2 * t })))).toBeCloseTo(2);
  });

  it('passes a flat series whose warm-up climbed, and fails one that keeps climbing', () => {
    const warmThenFlat = Array.from({ length: 180 }, (_, i) => ({ tSec: i * 10, value: i < 60 ? i : 60 + (i % 2) }));
    expect(judgeGrowth(warmThenFlat, rule).bounded).toBe(true);
    // 100 units at the start, +1 every 10 s: 360 an hour, far over a quarter of ~200.
    const leak = Array.from({ length: 180 }, (_, i) => ({ tSec: i * 10, value: 100 + i }));
    const verdict = judgeGrowth(leak, rule);
    expect(verdict.slopePerHour).toBeCloseTo(360);
    expect(verdict.bounded).toBe(false);
  });

  it('lets noise on a small value pass under the absolute floor', () => {
    const small = Array.from({ length: 30 }, (_, i) => ({ tSec: i * 10, value: i % 3 }));
    expect(judgeGrowth(small, { relativePerHour: 0.25, absolutePerHour: 10 }).bounded).toBe(true);
  });
});
