/**
 * `pnpm bench -- --soak`: a day of load, compressed (docs/high-availability.md
 * and bench/RESULTS.md, "soak"). Not part of `pnpm test`.
 *
 * 50 tenants with one destination each take a steady mix of single events
 * and batches; one worker process is restarted every few minutes; one
 * destination's PostgreSQL is stopped for five minutes; one destination's
 * table does not exist. Every 10 s the run records RSS, V8 heap, file
 * descriptors, Redis memory and connections. It fails when a resource grows
 * without bound (growth.ts), when an acknowledged event is not a row, or when
 * the dead letters are not exactly the broken destination's events.
 */
import fs from 'node:fs';
import path from 'node:path';
import {
  createCustomerDatabase,
  freshKeyPrefix,
  getFreePort,
  startPostgresServer,
  withPgClient,
  type PostgresServer,
} from '@pushrail/testing';
import { WORKER_NODE_FLAGS } from '@pushrail/worker/node-flags';
import { ADMIN_TOKEN, BenchStack, makeRunDir } from '../bench-stack';
import { createTableSql, qualifiedTable } from '@pushrail/destination-postgres';
import { admin, baseEnv, DESTINATION_SETTINGS, INGEST_MAIN, WORKER_MAIN } from '../deployment';
import { NodeProcess } from '../node-process';
import { sleep } from '../stats';
import { judgeGrowth, type GrowthRule, type GrowthVerdict } from './growth';
import { SoakLoad, type SoakTarget } from './soak-load';
import { takeSample, type SoakSample } from './soak-sampler';
import { renderSvg, type PlotPanel } from './svg-plot';

/** The soak's shape; everything but the duration is fixed so runs compare. */
export const SOAK = {
  destinations: 50,
  singlesPerSec: 100,
  batchesPerSec: 5,
  batchEvents: 20,
  maxInFlight: 64,
  workers: 2,
  /** One worker is restarted (SIGTERM, then a fresh process) this often, in seconds. */
  workerRestartEverySec: 240,
  /** The outage of one destination's PostgreSQL: starts at this share of the run, lasts 5 minutes (or a sixth of a short run). */
  outageStartsAt: 0.1,
  outageSec: 300,
  sampleEverySec: 10,
  /** How long the end of the run may take to deliver the backlog, in milliseconds. */
  drainTimeoutMs: 10 * 60_000,
} as const;

/** Growth each resource may show per hour over the last two thirds (growth.ts). */
const RULES: Record<string, GrowthRule & { unit: string }> = {
  ingestRssMB: { relativePerHour: 0.25, absolutePerHour: 20, unit: 'MB' },
  ingestHeapMB: { relativePerHour: 0.25, absolutePerHour: 10, unit: 'MB' },
  ingestFds: { relativePerHour: 0.25, absolutePerHour: 10, unit: 'fds' },
  workerRssMB: { relativePerHour: 0.25, absolutePerHour: 20, unit: 'MB' },
  workerHeapMB: { relativePerHour: 0.25, absolutePerHour: 10, unit: 'MB' },
  workerFds: { relativePerHour: 0.25, absolutePerHour: 10, unit: 'fds' },
  redisUsedMemoryMB: { relativePerHour: 0.25, absolutePerHour: 10, unit: 'MB' },
  redisClients: { relativePerHour: 0.25, absolutePerHour: 10, unit: 'connections' },
  redisFds: { relativePerHour: 0.25, absolutePerHour: 10, unit: 'fds' },
  customerPgConnections: { relativePerHour: 0.25, absolutePerHour: 10, unit: 'connections' },
  controlPgConnections: { relativePerHour: 0.25, absolutePerHour: 10, unit: 'connections' },
};

/** Index of the destination whose PostgreSQL is stopped for a while, and of the one whose table is missing. */
const OUTAGE = 0;
const BROKEN = 1;

function progress(message: string): void {
  process.stderr.write(`[soak ${new Date().toISOString().slice(11, 19)}] ${message}\n`);
}

interface SoakDestination {
  id: string;
  target: SoakTarget;
  /** Where its rows land (none for the broken one). */
  table?: { adminUrl: string; qualified: string };
}

/** Runs the soak for `minutes`; resolves with the process exit code (0 when every check passed). */
export async function runSoak(minutes: number): Promise<number> {
  const durationSec = Math.round(minutes * 60);
  const runDir = makeRunDir();
  const started = Date.now();
  progress(`${minutes} min soak; logs in ${runDir}`);
  const stack = await BenchStack.start(runDir);
  const outageServer = await startPostgresServer();
  const processes: NodeProcess[] = [];
  try {
    const outageCustomer = await createCustomerDatabase({
      serverUrl: outageServer.superuserUrl(),
      prefix: 'outage',
      setupSql: `CREATE SCHEMA pushrail; GRANT USAGE ON SCHEMA pushrail TO pushrail_writer;`,
    });
    const prefix = freshKeyPrefix();
    const ingestPort = await getFreePort();
    const ingest = new NodeProcess({
      name: 'soak-ingest',
      script: INGEST_MAIN,
      env: { ...baseEnv(stack, prefix), PORT: String(ingestPort), PUSHRAIL_ADMIN_TOKEN: ADMIN_TOKEN },
      logDir: runDir,
    });
    processes.push(ingest);
    const baseUrl = `http://127.0.0.1:${ingestPort}`;
    await ingest.waitHealthy(`${baseUrl}/healthz`);

    const destinations: SoakDestination[] = [];
    for (let i = 0; i < SOAK.destinations; i++) {
      const customer = i === OUTAGE ? outageCustomer : stack.customer;
      const tableName = i === BROKEN ? 'missing_table' : `soak_${i}`;
      if (i !== BROKEN) {
        await withPgClient(customer.adminUrl, (c) =>
          c.query(`${createTableSql('pushrail', tableName)}\nGRANT INSERT ON ${qualifiedTable('pushrail', tableName)} TO pushrail_writer;`),
        );
      }
      const tenant = await admin(baseUrl, 'POST', '/admin/v1/tenants', { name: `soak tenant ${i}` });
      const key = await admin(baseUrl, 'POST', `/admin/v1/tenants/${tenant.id}/write-keys`);
      const created = await admin(baseUrl, 'POST', '/admin/v1/destinations', {
        tenantId: tenant.id,
        type: 'POSTGRES',
        name: `soak ${i}`,
        host: customer.host,
        port: customer.port,
        database: customer.database,
        schema: 'pushrail',
        table: tableName,
        tls: false,
        auth: { mode: 'PASSWORD', username: customer.writerUser, password: customer.writerPassword },
        ...DESTINATION_SETTINGS,
      });
      destinations.push({
        id: created.id,
        target: { writeKey: key.key, accepted: [] },
        ...(i === BROKEN ? {} : { table: { adminUrl: customer.adminUrl, qualified: qualifiedTable('pushrail', tableName) } }),
      });
    }

    const workerEnv = {
      ...baseEnv(stack, prefix),
      // The soak checks the dead-letter path of the broken destination for the whole run, so it must never be auto-paused.
      PUSHRAIL_AUTO_PAUSE_AFTER_SEC: String(7 * 24 * 3600),
    };
    const workers: Array<{ process: NodeProcess; metricsUrl: string }> = [];
    const startWorker = async () => {
      const port = await getFreePort();
      const process = new NodeProcess({ name: `soak-worker-${port}`, script: WORKER_MAIN, nodeFlags: WORKER_NODE_FLAGS, env: { ...workerEnv, WORKER_METRICS_PORT: String(port) }, logDir: runDir });
      processes.push(process);
      await process.waitHealthy(`http://127.0.0.1:${port}/healthz`);
      workers.push({ process, metricsUrl: `http://127.0.0.1:${port}/metrics` });
    };
    for (let i = 0; i < SOAK.workers; i++) await startWorker();

    const load = new SoakLoad({
      baseUrl,
      targets: destinations.map((d) => d.target),
      singlesPerSec: SOAK.singlesPerSec,
      batchesPerSec: SOAK.batchesPerSec,
      batchEvents: SOAK.batchEvents,
      maxInFlight: SOAK.maxInFlight,
    });
    const samples: SoakSample[] = [];
    const events: Array<{ tSec: number; what: string }> = [];
    const t0 = performance.now();
    const now = () => Math.round((performance.now() - t0) / 1000);
    const sampler = {
      ingest: { pid: ingest.pid, metricsUrl: `${baseUrl}/metrics` },
      workers: () => workers.filter((w) => w.process.running).map((w) => ({ pid: w.process.pid, metricsUrl: w.metricsUrl })),
      redis: { host: stack.redis.host, port: stack.redis.port, pid: stack.redis.pid },
      customerAdminUrl: stack.customer.adminUrl,
      controlAdminUrl: stack.controlServer.superuserUrl(),
      acceptedEvents: () => load.counts.acceptedEvents,
    };
    load.start();
    const outageStart = Math.round(durationSec * SOAK.outageStartsAt);
    const outageEnd = outageStart + Math.min(SOAK.outageSec, Math.round(durationSec / 6));
    let outage: 'before' | 'down' | 'after' = 'before';
    let nextRestart = SOAK.workerRestartEverySec;
    let restarts = 0;
    let nextSample = 0;
    let lastProgress = 0;
    while (now() < durationSec) {
      const t = now();
      if (t >= nextSample) {
        samples.push(await takeSample(t, sampler));
        nextSample += SOAK.sampleEverySec;
      }
      if (outage === 'before' && t >= outageStart) {
        outage = 'down';
        events.push({ tSec: t, what: 'outage destination: PostgreSQL stopped' });
        await (outageServer as PostgresServer).stop('immediate');
      } else if (outage === 'down' && t >= outageEnd) {
        outage = 'after';
        events.push({ tSec: t, what: 'outage destination: PostgreSQL started' });
        await outageServer.start();
      }
      if (t >= nextRestart) {
        nextRestart += SOAK.workerRestartEverySec;
        const old = workers.shift()!;
        events.push({ tSec: t, what: `worker restarted (pid ${old.process.pid})` });
        await old.process.stop();
        await startWorker();
        restarts++;
      }
      if (t - lastProgress >= 60) {
        lastProgress = t;
        const c = load.counts;
        progress(`${Math.round(t / 60)} min: ${c.acceptedEvents} events acked, ${c.unavailable} 503, ${c.errors} errors, ${c.skipped} skipped`);
      }
      await sleep(200);
    }
    await load.stop();
    if (outage === 'down') await outageServer.start();
    progress(`load stopped after ${durationSec} s: ${load.counts.acceptedEvents} events acked; waiting for delivery`);

    // Every acknowledged event of a working destination is a row, exactly once.
    const drainDeadline = Date.now() + SOAK.drainTimeoutMs;
    const delivery: Array<{ destination: number; accepted: number; rows: number; lost: number; unexpected: number }> = [];
    for (const [index, destination] of destinations.entries()) {
      if (!destination.table) continue;
      const accepted = new Set(destination.target.accepted);
      let result = { destination: index, accepted: accepted.size, rows: 0, lost: accepted.size, unexpected: 0 };
      for (;;) {
        const stored = await withPgClient(destination.table.adminUrl, async (c) =>
          (await c.query(`SELECT event_id::text AS id FROM ${destination.table!.qualified}`)).rows.map((r) => r.id as string),
        );
        const seen = new Set(stored);
        result = {
          destination: index,
          accepted: accepted.size,
          rows: stored.length,
          lost: [...accepted].filter((id) => !seen.has(id)).length,
          unexpected: stored.filter((id) => !accepted.has(id)).length,
        };
        if (result.lost === 0 || Date.now() > drainDeadline) break;
        await sleep(2_000);
      }
      delivery.push(result);
    }
    // The dead letters are exactly the broken destination's acknowledged events, one each.
    const brokenIds = new Set(destinations[BROKEN]!.target.accepted);
    let deadLetters = { ofBroken: 0, distinctOfBroken: 0, ofOthers: 0, missing: brokenIds.size, unexpected: 0 };
    for (;;) {
      const rows = await withPgClient(stack.controlUrl, async (c) =>
        (await c.query('SELECT destination_id::text AS d, event_id::text AS e FROM dead_letters')).rows as Array<{ d: string; e: string }>,
      );
      const ofBroken = rows.filter((r) => r.d === destinations[BROKEN]!.id);
      const seen = new Set(ofBroken.map((r) => r.e));
      deadLetters = {
        ofBroken: ofBroken.length,
        distinctOfBroken: seen.size,
        ofOthers: rows.length - ofBroken.length,
        missing: [...brokenIds].filter((id) => !seen.has(id)).length,
        unexpected: [...seen].filter((id) => !brokenIds.has(id)).length,
      };
      if (deadLetters.missing === 0 || Date.now() > drainDeadline) break;
      await sleep(2_000);
    }

    const verdicts: Record<string, GrowthVerdict> = {};
    for (const [name, rule] of Object.entries(RULES)) {
      verdicts[name] = judgeGrowth(samples.map((s) => ({ tSec: s.tSec, value: s[name as keyof SoakSample] })), rule);
    }
    const unbounded = Object.entries(verdicts).filter(([, v]) => !v.bounded).map(([k]) => k);
    const lost = delivery.reduce((n, d) => n + d.lost, 0);
    const unexpected = delivery.reduce((n, d) => n + d.unexpected, 0);
    const deadLettersRight =
      deadLetters.missing === 0 && deadLetters.unexpected === 0 && deadLetters.ofOthers === 0 && deadLetters.ofBroken === deadLetters.distinctOfBroken;
    const passed = unbounded.length === 0 && lost === 0 && unexpected === 0 && deadLettersRight && load.counts.errors === 0;

    const stamp = new Date(started).toISOString().replace(/[:.]/g, '-');
    const resultsDir = path.resolve(__dirname, '..', '..', 'results');
    fs.mkdirSync(resultsDir, { recursive: true });
    const svg = renderSvg(`Pushrail soak, ${minutes} min, ${new Date(started).toISOString().slice(0, 16)}Z`, plotPanels(samples));
    const svgFile = path.join(resultsDir, `soak-${stamp}.svg`);
    fs.writeFileSync(svgFile, svg);
    fs.writeFileSync(path.join(resultsDir, 'soak-latest.svg'), svg);
    const report = {
      startedAt: new Date(started).toISOString(),
      durationSec,
      settings: SOAK,
      rules: RULES,
      load: load.counts,
      workerRestarts: restarts,
      timeline: events,
      delivery: { lost, unexpected, perDestination: delivery },
      deadLetters,
      growth: verdicts,
      unbounded,
      passed,
      samples,
    };
    const jsonFile = path.join(resultsDir, `soak-${stamp}.json`);
    fs.writeFileSync(jsonFile, `${JSON.stringify(report, null, 2)}\n`);
    fs.writeFileSync(path.join(resultsDir, 'soak-latest.json'), `${JSON.stringify(report, null, 2)}\n`);

    console.log(`\nPushrail soak, ${minutes} min: ${load.counts.acceptedEvents} events acknowledged, ${load.counts.unavailable} answered 503, ${load.counts.errors} errors`);
    console.log(`delivery: ${lost} acknowledged events missing, ${unexpected} unexpected rows`);
    console.log(`dead letters: ${deadLetters.ofBroken} of the broken destination (${deadLetters.missing} missing, ${deadLetters.unexpected} unexpected), ${deadLetters.ofOthers} of others`);
    for (const [name, v] of Object.entries(verdicts)) {
      console.log(`  ${v.bounded ? 'flat ' : 'GROWS'} ${name}: ${v.slopePerHour.toFixed(2)}/h over the last two thirds (median ${v.median.toFixed(1)}, allowed ${v.allowedPerHour.toFixed(1)}/h)`);
    }
    console.log(`written: ${path.relative(process.cwd(), jsonFile)}, ${path.relative(process.cwd(), svgFile)}`);
    console.log(passed ? 'soak PASSED' : 'soak FAILED');
    return passed ? 0 : 1;
  } finally {
    await Promise.allSettled(processes.map((p) => p.stop()));
    await Promise.allSettled([outageServer.destroy(), stack.stop()]);
  }
}

function plotPanels(samples: SoakSample[]): PlotPanel[] {
  const series = (name: string, key: keyof SoakSample) => ({ name, points: samples.map((s) => ({ tSec: s.tSec, value: s[key] })) });
  return [
    { title: 'Resident memory', unit: 'MB', series: [series('ingest', 'ingestRssMB'), series('worker (mean)', 'workerRssMB')] },
    { title: 'V8 heap in use', unit: 'MB', series: [series('ingest', 'ingestHeapMB'), series('worker (mean)', 'workerHeapMB')] },
    { title: 'Redis used_memory', unit: 'MB', series: [series('redis', 'redisUsedMemoryMB')] },
    {
      title: 'Connections',
      unit: 'conns',
      series: [series('redis clients', 'redisClients'), series('customer pg', 'customerPgConnections'), series('control pg', 'controlPgConnections')],
    },
    { title: 'File descriptors', unit: 'fds', series: [series('ingest', 'ingestFds'), series('worker (mean)', 'workerFds'), series('redis', 'redisFds')] },
  ];
}
