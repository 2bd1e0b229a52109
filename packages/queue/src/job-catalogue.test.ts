import { retryDelayMs, RETRY_SCHEDULE } from './job-catalogue';

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
