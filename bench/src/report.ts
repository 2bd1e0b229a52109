import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fmt, type GoalResult } from './goals';
import type { Measurement, RunSize } from './measurement';

/** A plain text table: columns padded to their widest cell. */
export function textTable(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ').trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('-|-'), ...rows.map(line)].join('\n');
}

const dash = (v: number | undefined, digits = 1) => (v === undefined || Number.isNaN(v) ? '' : v.toFixed(digits));
const pair = (a: number | undefined, b: number | undefined, digits = 1) => (a === undefined ? '' : `${dash(a, digits)} / ${dash(b, digits)}`);

export function measurementsTable(measurements: readonly Measurement[]): string {
  return textTable(
    ['figure', 'events', 'events/s', 'lost', 'dup', 'ack p50/p99 ms', 'recv→commit p50/p99 ms', 'peak RSS ingest/worker MB'],
    measurements.map((m) => [
      m.label,
      fmt(m.events),
      fmt(m.eventsPerSec),
      String(m.lost),
      String(m.duplicated),
      pair(m.ackP50Ms, m.ackP99Ms),
      pair(m.committedP50Ms, m.committedP99Ms, 0),
      m.ingestPeakRssMB === undefined && m.workerPeakRssMB === undefined ? '' : `${m.ingestPeakRssMB ?? '-'} / ${m.workerPeakRssMB ?? '-'}`,
    ]),
  );
}

export function goalsTable(goals: readonly GoalResult[]): string {
  return textTable(['goal figure', 'goal', 'measured', 'ratio', 'verdict'], goals.map((g) => [g.figure, g.goal, g.measured, g.ratio, g.verdict]));
}

/** What the numbers were measured on. */
export function machineInfo(versions: { redis: string; postgres: string }): Record<string, unknown> {
  const cpus = os.cpus();
  let nproc = cpus.length;
  try {
    nproc = Number(execFileSync('nproc', { encoding: 'utf8' }).trim());
  } catch {
    // os.cpus() is the fallback
  }
  return {
    nproc,
    cpuModel: cpus[0]?.model ?? 'unknown',
    memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    ...versions,
    kernel: os.release(),
    /** Load averages (1, 5, 15 min) when the report was written: other work on the box shows here. */
    loadAverageAtEnd: os.loadavg().map((l) => Math.round(l * 100) / 100),
  };
}

export interface BenchReport {
  startedAt: string;
  durationSec: number;
  size: RunSize;
  machine: Record<string, unknown>;
  settings: Record<string, unknown>;
  measurements: Measurement[];
  goals: GoalResult[];
}

/** Writes bench/results/latest.json (and returns its path). */
export function writeReport(report: BenchReport): string {
  const dir = path.resolve(__dirname, '..', 'results');
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, 'latest.json');
  fs.writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
  return file;
}
