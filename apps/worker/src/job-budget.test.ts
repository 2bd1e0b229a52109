import { jobConcurrencyFor, MIN_JOB_CONCURRENCY, PROCESS_JOB_BUDGET } from './job-budget';

describe('jobConcurrencyFor', () => {
  it('gives a destination held alone the whole maximum, and splits the budget as more are held', () => {
    expect(jobConcurrencyFor(1, 16)).toBe(16);
    expect(jobConcurrencyFor(2, 16)).toBe(8);
    expect(jobConcurrencyFor(3, 16)).toBe(5);
    expect(jobConcurrencyFor(4, 16)).toBe(4);
  });

  it('never goes below the minimum (two batches of 1,000 from jobs of 500), nor above the maximum', () => {
    expect(jobConcurrencyFor(64, 16)).toBe(MIN_JOB_CONCURRENCY);
    expect(jobConcurrencyFor(0, 16)).toBe(16);
    expect(jobConcurrencyFor(1, 2)).toBe(2);
    expect(jobConcurrencyFor(64, 2)).toBe(2);
  });

  it('keeps the jobs of a process within the budget until every destination is at its minimum', () => {
    for (let held = 1; held <= PROCESS_JOB_BUDGET / MIN_JOB_CONCURRENCY; held++) {
      expect(held * jobConcurrencyFor(held, 16)).toBeLessThanOrEqual(PROCESS_JOB_BUDGET);
    }
  });
});
