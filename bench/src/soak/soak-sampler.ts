import fs from 'node:fs';
import { redisCommand, withPgClient } from '@pushrail/testing';
import { scrapeCounter } from '../prometheus-text';

/** One 10-second reading of every resource the soak watches; sizes in MB of 10^6 bytes. */
export interface SoakSample {
  tSec: number;
  ingestRssMB: number;
  ingestHeapMB: number;
  ingestFds: number;
  /** Averages over the worker processes alive at the time (they are restarted during the run). */
  workerRssMB: number;
  workerHeapMB: number;
  workerFds: number;
  redisUsedMemoryMB: number;
  redisClients: number;
  redisFds: number;
  /** Connections to the customer's PostgreSQL and to the control database (pg_stat_activity, client backends). */
  customerPgConnections: number;
  controlPgConnections: number;
  /** Acknowledged events so far, and events waiting in Redis (for reading the plot, not judged). */
  acceptedEvents: number;
}

/** Where the sampler finds each process. */
export interface SoakProcesses {
  ingest: { pid: number; metricsUrl: string };
  workers: () => Array<{ pid: number; metricsUrl: string }>;
  redis: { host: string; port: number; pid: number | undefined };
  customerAdminUrl: string;
  controlAdminUrl: string;
  acceptedEvents: () => number;
}

/** Resident set size of a live process, in MB (`VmRSS`); NaN once it has exited. */
export function rssMB(pid: number | undefined): number {
  try {
    const kib = /^VmRSS:\s+(\d+) kB/m.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return kib === undefined ? Number.NaN : (Number(kib) * 1024) / 1e6;
  } catch {
    return Number.NaN;
  }
}

/** Open file descriptors of a live process (entries of /proc/<pid>/fd); NaN once it has exited. */
export function fdCount(pid: number | undefined): number {
  try {
    return fs.readdirSync(`/proc/${pid}/fd`).length;
  } catch {
    return Number.NaN;
  }
}

/** V8 heap in use, in MB, from a process's /metrics (prom-client's default `nodejs_heap_size_used_bytes`). */
async function heapMB(metricsUrl: string): Promise<number> {
  try {
    const text = await (await fetch(metricsUrl)).text();
    return scrapeCounter(text, 'nodejs_heap_size_used_bytes') / 1e6;
  } catch {
    return Number.NaN;
  }
}

function mean(values: number[]): number {
  const finite = values.filter(Number.isFinite);
  return finite.length === 0 ? Number.NaN : finite.reduce((a, b) => a + b, 0) / finite.length;
}

async function clientBackends(adminUrl: string): Promise<number> {
  try {
    return await withPgClient(adminUrl, async (c) =>
      Number((await c.query(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE backend_type = 'client backend'`)).rows[0].n) - 1,
    );
  } catch {
    return Number.NaN;
  }
}

/** Takes one sample (the sampler's own PostgreSQL connection is not counted). */
export async function takeSample(tSec: number, p: SoakProcesses): Promise<SoakSample> {
  const workers = p.workers();
  const memory = String(await redisCommand(p.redis.host, p.redis.port, 'INFO', 'memory').catch(() => ''));
  const clients = String(await redisCommand(p.redis.host, p.redis.port, 'INFO', 'clients').catch(() => ''));
  return {
    tSec,
    ingestRssMB: rssMB(p.ingest.pid),
    ingestHeapMB: await heapMB(p.ingest.metricsUrl),
    ingestFds: fdCount(p.ingest.pid),
    workerRssMB: mean(workers.map((w) => rssMB(w.pid))),
    workerHeapMB: mean(await Promise.all(workers.map((w) => heapMB(w.metricsUrl)))),
    workerFds: mean(workers.map((w) => fdCount(w.pid))),
    redisUsedMemoryMB: Number(/used_memory:(\d+)/.exec(memory)?.[1] ?? Number.NaN) / 1e6,
    // Minus the INFO connection itself.
    redisClients: Number(/connected_clients:(\d+)/.exec(clients)?.[1] ?? Number.NaN) - 1,
    redisFds: fdCount(p.redis.pid),
    customerPgConnections: await clientBackends(p.customerAdminUrl),
    controlPgConnections: await clientBackends(p.controlAdminUrl),
    acceptedEvents: p.acceptedEvents(),
  };
}
