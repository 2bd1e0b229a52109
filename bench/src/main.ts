/**
 * `pnpm bench`: starts its own Redis and PostgreSQL servers, runs Pushrail's
 * ingest and worker as real processes, measures every scenario in one run,
 * prints the figures and the goals table, and writes bench/results/latest.json.
 * Exits 1 when any event was lost or duplicated (correctness, not speed).
 */
import { spawn } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { redisCommand, withPgClient } from '@pushrail/testing';
import { parseBenchArgs, type ScenarioName } from './args';
import { BenchStack, makeRunDir } from './bench-stack';
import { DESTINATION_SETTINGS } from './deployment';
import { evaluateGoals } from './goals';
import { runSize, type Measurement, type RunSize } from './measurement';
import { goalsTable, machineInfo, measurementsTable, writeReport } from './report';
import { SAMPLE_EVENT_JSON_BYTES } from './sample-event';
import { runBacklog } from './scenarios/backlog';
import { runBaseline } from './scenarios/baseline';
import { runCeiling } from './scenarios/ceiling';
import { runClickHouse } from './scenarios/clickhouse';
import { runDrain, runDrainMany } from './scenarios/drain';
import { runMysql } from './scenarios/mysql';
import { BATCH_CONNECTIONS, BATCH_EVENTS, runEndToEndBatch } from './scenarios/e2e-batch';
import { runEndToEndSingle, runEndToEndSingleFsync, SINGLE_CONNECTIONS } from './scenarios/e2e-single';
import { runSteady } from './scenarios/steady';
import { runReplicated } from './scenarios/replicated';
import { runSoak } from './soak/soak';

type Scenario = (stack: BenchStack, size: RunSize, cpuProfDir?: string) => Promise<Measurement[]>;

const RUNNERS: Record<ScenarioName, Scenario> = {
  ceiling: runCeiling,
  baseline: runBaseline,
  drain: runDrain,
  'drain-many': runDrainMany,
  'e2e-single': runEndToEndSingle,
  'e2e-single-fsync': runEndToEndSingleFsync,
  'e2e-batch': runEndToEndBatch,
  replicated: runReplicated,
  steady: runSteady,
  backlog: runBacklog,
  mysql: runMysql,
  clickhouse: runClickHouse,
};

/** The hostile-input fuzz test (tests/e2e), run by jest on its own servers with more requests than `pnpm test` sends. */
function runFuzz(requests: number): Promise<number> {
  const repoRoot = path.resolve(__dirname, '..', '..');
  progress(`fuzz: ${requests} hostile requests (tests/e2e/src/hostile-input.fuzz.int.test.ts)`);
  const child = spawn(process.execPath, [require.resolve('jest/bin/jest', { paths: [repoRoot] }), 'tests/e2e/src/hostile-input.fuzz.int.test.ts'], {
    cwd: repoRoot,
    stdio: 'inherit',
    env: { ...process.env, PUSHRAIL_FUZZ_REQUESTS: String(requests) },
  });
  return new Promise((resolve) => child.once('exit', (code) => resolve(code ?? 1)));
}

function progress(message: string): void {
  process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}\n`);
}

async function main(): Promise<number> {
  const args = parseBenchArgs(process.argv.slice(2));
  if (args.fuzzRequests !== undefined) return runFuzz(args.fuzzRequests);
  if (args.soak) return runSoak(args.soakMinutes);
  const size = runSize(args.quick);
  if (args.backlogEvents !== undefined) size.backlogEvents = args.backlogEvents;
  const scenarios = args.only.filter((s) => !(s === 'backlog' && size.backlogEvents === 0));
  const started = Date.now();
  const runDir = makeRunDir();
  const cpuProfDir = args.cpuProf ? path.resolve(__dirname, '..', 'results', 'profiles') : undefined;
  const loadAverageAtStart = os.loadavg().map((l) => Math.round(l * 100) / 100);
  progress(`${args.quick ? 'quick' : 'full'} run: ${scenarios.join(', ')}; load average ${loadAverageAtStart.join(' ')}; logs in ${runDir}`);
  const stack = await BenchStack.start(runDir);
  const stopOnSignal = () => void stack.stop().finally(() => process.exit(130));
  process.once('SIGINT', stopOnSignal);
  process.once('SIGTERM', stopOnSignal);
  const measurements: Measurement[] = [];
  let versions = { redis: '', postgres: '' };
  try {
    versions = {
      redis: /redis_version:(\S+)/.exec(String(await redisCommand(stack.redis.host, stack.redis.port, 'INFO', 'server')))?.[1] ?? '',
      postgres: await withPgClient(stack.customer.adminUrl, async (c) => (await c.query('SHOW server_version')).rows[0].server_version),
    };
    for (const name of scenarios) {
      const settleStarted = Date.now();
      await stack.settle();
      const t0 = Date.now();
      progress(`${name} … (servers settled in ${((t0 - settleStarted) / 1000).toFixed(1)} s)`);
      const lines = await RUNNERS[name](stack, size, cpuProfDir);
      for (const m of lines) progress(`  ${m.label}: ${m.eventsPerSec} events/s, lost ${m.lost}, dup ${m.duplicated}`);
      progress(`${name} done in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
      measurements.push(...lines);
    }
  } finally {
    await stack.stop();
  }

  const goals = evaluateGoals(measurements);
  const file = writeReport({
    startedAt: new Date(started).toISOString(),
    durationSec: Math.round((Date.now() - started) / 1000),
    size,
    machine: { ...machineInfo(versions), loadAverageAtStart },
    settings: {
      redis: 'own redis-server, appendonly yes, appendfsync everysec, maxmemory-policy noeviction',
      postgres: 'two own servers (control, customer) with the test harness settings: fsync off, full_page_writes off, synchronous_commit on; customer server with track_commit_timestamp on',
      destination: { ...DESTINATION_SETTINGS, maxConnections: 4 },
      eventJsonBytes: SAMPLE_EVENT_JSON_BYTES,
      singleConnections: SINGLE_CONNECTIONS,
      batch: { events: BATCH_EVENTS, connections: BATCH_CONNECTIONS },
      loadGenerator: 'undici Pool, keep-alive, pipelining 1, in the bench process (shares the cores)',
      processes: 'ingest and worker from apps/*/dist as separate node processes, NODE_ENV=production, LOG_LEVEL=warn',
    },
    measurements,
    goals,
  });
  console.log(`\nPushrail bench (${args.quick ? 'quick' : 'full'}), ${new Date(started).toISOString()}\n`);
  console.log(measurementsTable(measurements));
  console.log(`\nGoals\n`);
  console.log(goalsTable(goals));
  console.log(`\nwritten: ${path.relative(process.cwd(), file)} in ${Math.round((Date.now() - started) / 1000)} s`);
  const broken = measurements.filter((m) => m.lost > 0 || m.duplicated > 0);
  if (broken.length > 0) {
    console.error(`LOST OR DUPLICATED EVENTS in: ${broken.map((m) => m.key).join(', ')}`);
    return 1;
  }
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`pnpm bench: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    process.exit(2);
  },
);
