import { medianOfRuns, medianRun, type Measurement } from './measurement';

function run(eventsPerSec: number, lost = 0, duplicated = 0): Measurement {
  return { key: 'e2e.single', label: 'single', events: eventsPerSec * 15, eventsPerSec, lost, duplicated, ackP50Ms: eventsPerSec / 1000, detail: { connections: 64 } };
}

describe('medianRun', () => {
  it('stands for the runs with the median one, keeping every run in the detail', () => {
    const line = medianRun([run(12_000), run(9_000), run(13_500)]);
    expect(line.eventsPerSec).toBe(12_000);
    expect(line.ackP50Ms).toBe(12);
    expect(line.label).toBe('single (median of 3 runs)');
    expect(line.detail?.connections).toBe(64);
    expect((line.detail?.runs as Array<{ eventsPerSec: number }>).map((r) => r.eventsPerSec)).toEqual([12_000, 9_000, 13_500]);
  });

  it('takes the lower middle of an even count', () => {
    expect(medianRun([run(4), run(1), run(3), run(2)]).eventsPerSec).toBe(2);
  });

  it('counts an event lost or duplicated in any run, not only in the median one', () => {
    const line = medianRun([run(10, 2, 0), run(20, 0, 0), run(30, 0, 1)]);
    expect(line.lost).toBe(2);
    expect(line.duplicated).toBe(1);
  });

  it('returns a single run unchanged', () => {
    const only = run(5);
    expect(medianRun([only])).toBe(only);
  });

  it('refuses an empty list', () => {
    expect(() => medianRun([])).toThrow('at least one run');
  });
});

describe('medianOfRuns', () => {
  it('measures the runs one after another, numbered from 1, and reports their median', async () => {
    const started: number[] = [];
    let inFlight = 0;
    const line = await medianOfRuns(3, async (n) => {
      started.push(n);
      inFlight++;
      expect(inFlight).toBe(1);
      await Promise.resolve();
      inFlight--;
      return run([9_000, 13_000, 11_000][n - 1]!);
    });
    expect(started).toEqual([1, 2, 3]);
    expect(line.eventsPerSec).toBe(11_000);
  });
});
