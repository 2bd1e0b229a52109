import { evaluateGoals } from './goals';
import type { Measurement } from './measurement';

const line = (key: string, eventsPerSec: number, extra: Partial<Measurement> = {}): Measurement => ({
  key,
  label: key,
  events: 100_000,
  eventsPerSec,
  lost: 0,
  duplicated: 0,
  ...extra,
});

describe('evaluateGoals', () => {
  it('judges the pipeline cost as the parties\' CPU per event over PostgreSQL\'s per row', () => {
    const goals = evaluateGoals([
      line('ceiling.4c', 100_000, { detail: { postgresCpuMicrosPerRow: 10 } }),
      line('e2e.batch', 50_000, { detail: { cpuSeconds: { ingest: 0.4, worker1: 0.3, redis: 0.2, generator: 5, machine: 9 } } }),
    ]);
    const cost = goals.find((g) => g.figure.startsWith('pipeline cost'))!;
    // (0.4 + 0.3 + 0.2) s over 100,000 events = 9 µs, against 10 µs: the generator and the machine are not Pushrail.
    expect(cost).toMatchObject({ ratio: '0.9 ×', verdict: 'PASS' });
    expect(cost.measured).toContain('9 µs per event');
  });

  it('judges each ratio goal against its own reference, and says n/a for a line not measured', () => {
    const goals = evaluateGoals([
      line('drain.1d1w', 80_000),
      line('drain.many', 50_000),
      line('e2e.single.fsync', 10_000),
      line('baseline.http.fsync', 2_500),
      line('mysql.ceiling.4c', 100_000),
      line('mysql.drain.1d1w', 76_000),
    ]);
    const verdict = (prefix: string) => goals.find((g) => g.figure.startsWith(prefix))!.verdict;
    expect(verdict('drain, 1,000 destinations')).toBe('MISS'); // 62.5 % < 70 %
    expect(verdict('end to end, single events, Redis appendfsync always')).toBe('PASS'); // 10,000 / 2,500 = 4 ×
    expect(verdict('MySQL drain')).toBe('PASS'); // 76 % ≥ 75 %
    expect(verdict('pipeline cost')).toBe('n/a');
  });
});
