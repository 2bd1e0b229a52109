import { DESTINATION_SETTINGS } from './deployment';
import type { Measurement } from './measurement';
import { round } from './stats';

/** The performance goals (issue 21), each judged on figures measured side by side in one run. */
export interface GoalResult {
  figure: string;
  goal: string;
  measured: string;
  /** The measured ratio or value compared with the goal. */
  ratio: string;
  verdict: 'PASS' | 'MISS' | 'n/a';
}

/** Peak RSS goal for each of worker and ingest, in MB (10^6 bytes). */
const PEAK_RSS_GOAL_MB = 300;

export function evaluateGoals(measurements: readonly Measurement[]): GoalResult[] {
  const m = (key: string) => measurements.find((x) => x.key === key);
  const results: GoalResult[] = [];
  const ratioGoal = (figure: string, goal: string, top: Measurement | undefined, bottom: Measurement | undefined, min: number) => {
    if (!top || !bottom || bottom.eventsPerSec === 0) return results.push(na(figure, goal));
    const ratio = top.eventsPerSec / bottom.eventsPerSec;
    results.push({
      figure,
      goal,
      measured: `${fmt(top.eventsPerSec)} vs ${fmt(bottom.eventsPerSec)} events/s (${bottom.key})`,
      ratio: min >= 1 ? `${round(ratio, 2)} ×` : `${round(ratio * 100, 1)} %`,
      verdict: ratio >= min ? 'PASS' : 'MISS',
    });
  };
  const ceiling = m('ceiling.4c');
  results.push(pipelineCostGoal(m('e2e.batch'), ceiling));
  ratioGoal('drain (1 destination, 1 worker)', '≥ 75 % of the ceiling (4 connections)', m('drain.1d1w'), ceiling, 0.75);
  // The baseline end to end (HTTP in front); the queue-only line is in the table beside it.
  ratioGoal('end to end, single events', '≥ 5 × the baseline (end to end)', m('e2e.single'), m('baseline.http'), 5);
  ratioGoal(
    'end to end, single events, Redis appendfsync always',
    '≥ 4 × the baseline under the same setting',
    m('e2e.single.fsync'),
    m('baseline.http.fsync'),
    4,
  );
  ratioGoal('drain, 1,000 destinations of which 100 receive events', '≥ 70 % of the 1-destination drain', m('drain.many'), m('drain.1d1w'), 0.7);
  ratioGoal('MySQL drain (1 destination, 1 worker)', '≥ 75 % of the MySQL ceiling (4 connections)', m('mysql.drain.1d1w'), m('mysql.ceiling.4c'), 0.75);

  const steady = m('steady');
  results.push(
    steady?.ackP99Ms === undefined
      ? na('p99 ack at 5,000/s', '≤ 15 ms')
      : maxGoal('p99 ack at 5,000/s', '≤ 15 ms', steady.ackP99Ms, 15, 'ms'),
  );
  const committedGoalMs = DESTINATION_SETTINGS.flushIntervalSec * 1000 + 250;
  results.push(
    steady?.committedP99Ms === undefined
      ? na('p99 received→committed at 5,000/s', `≤ flushIntervalSec + 250 ms (${committedGoalMs} ms)`)
      : maxGoal('p99 received→committed at 5,000/s', `≤ flushIntervalSec + 250 ms (${committedGoalMs} ms)`, steady.committedP99Ms, committedGoalMs, 'ms'),
  );

  const backlog = m('backlog');
  const perJsonByte = backlog?.detail?.['redisBytesPerJsonByte'];
  results.push(
    typeof perJsonByte !== 'number'
      ? na('Redis memory per queued event', '≤ 1.5 × the event JSON size')
      : {
          figure: 'Redis memory per queued event',
          goal: '≤ 1.5 × the event JSON size',
          measured: `${backlog!.detail!['redisBytesPerEvent']} B per event vs ${backlog!.detail!['eventJsonBytes']} B of JSON`,
          ratio: `${perJsonByte} ×`,
          verdict: perJsonByte <= 1.5 ? 'PASS' : 'MISS',
        },
  );

  const pushrail = measurements.filter((x) => !x.key.startsWith('baseline'));
  for (const [role, field] of [
    ['worker', 'workerPeakRssMB'],
    ['ingest', 'ingestPeakRssMB'],
  ] as const) {
    const peaks = pushrail.map((x) => ({ key: x.key, mb: x[field] })).filter((p): p is { key: string; mb: number } => p.mb !== undefined);
    if (peaks.length === 0) {
      results.push(na(`peak RSS, ${role}`, `≤ ${PEAK_RSS_GOAL_MB} MB`));
      continue;
    }
    const top = peaks.reduce((a, b) => (b.mb > a.mb ? b : a));
    results.push({ ...maxGoal(`peak RSS, ${role}`, `≤ ${PEAK_RSS_GOAL_MB} MB`, top.mb, PEAK_RSS_GOAL_MB, 'MB'), measured: `${top.mb} MB (highest, in ${top.key})` });
  }

  const lost = measurements.reduce((n, x) => n + x.lost, 0);
  const duplicated = measurements.reduce((n, x) => n + x.duplicated, 0);
  results.push({
    figure: 'lost or duplicated events',
    goal: '0, always',
    measured: `${lost} lost, ${duplicated} duplicated over ${measurements.length} measurements`,
    ratio: String(lost + duplicated),
    verdict: lost + duplicated === 0 ? 'PASS' : 'MISS',
  });
  return results;
}

/**
 * What a user pays for Pushrail per event: the CPU that ingest, the worker
 * and Redis spend per delivered event in the batch run, against the CPU the
 * customer's PostgreSQL spends per row in the ceiling run. A ratio of CPU
 * times, so it does not depend on how many cores the machine has.
 */
function pipelineCostGoal(batch: Measurement | undefined, ceiling: Measurement | undefined): GoalResult {
  const figure = 'pipeline cost per event (ingest + worker + Redis CPU, batch run)';
  const goal = "≤ 1.0 × PostgreSQL's CPU per row (ceiling run)";
  const cpu = batch?.detail?.['cpuSeconds'] as Record<string, number> | undefined;
  const postgresMicros = ceiling?.detail?.['postgresCpuMicrosPerRow'];
  if (!batch || !cpu || typeof postgresMicros !== 'number' || postgresMicros <= 0 || batch.events === 0) return na(figure, goal);
  const parties = Object.entries(cpu).filter(([name]) => name === 'ingest' || name === 'redis' || name.startsWith('worker'));
  const micros = (seconds: number) => round((seconds * 1e6) / batch.events, 2);
  const total = micros(parties.reduce((sum, [, seconds]) => sum + seconds, 0));
  const ratio = total / postgresMicros;
  return {
    figure,
    goal,
    measured: `${total} µs per event (${parties.map(([name, seconds]) => `${name} ${micros(seconds)}`).join(', ')}) vs ${postgresMicros} µs per row`,
    ratio: `${round(ratio, 2)} ×`,
    verdict: ratio <= 1 ? 'PASS' : 'MISS',
  };
}

function maxGoal(figure: string, goal: string, value: number, max: number, unit: string): GoalResult {
  return { figure, goal, measured: `${value} ${unit}`, ratio: `${round(value / max, 2)} of the limit`, verdict: value <= max ? 'PASS' : 'MISS' };
}

function na(figure: string, goal: string): GoalResult {
  return { figure, goal, measured: 'not measured in this run', ratio: '', verdict: 'n/a' };
}

export function fmt(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}
