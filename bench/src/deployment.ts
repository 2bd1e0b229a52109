import path from 'node:path';
import { createRedisConnection, EventProducer } from '@pushrail/queue';
import { freshKeyPrefix, getFreePort } from '@pushrail/testing';
import { WORKER_NODE_FLAGS } from '@pushrail/worker/node-flags';
import { ADMIN_TOKEN, type BenchStack } from './bench-stack';
import type { CustomerTable } from './customer-table';
import type { Measurement } from './measurement';
import type { CpuSource } from './cpu-meter';
import { NodeProcess } from './node-process';
import { scrapeCounter } from './prometheus-text';

const REPO_ROOT = path.resolve(__dirname, '..', '..');
export const INGEST_MAIN = path.join(REPO_ROOT, 'apps/ingest/dist/main.js');
export const WORKER_MAIN = path.join(REPO_ROOT, 'apps/worker/dist/main.js');

/** The destination settings every scenario uses: the design's defaults. */
export const DESTINATION_SETTINGS = { batchSize: 1000, flushIntervalSec: 1 } as const;

/** A PostgreSQL destination on the bench's customer table. */
function destinationConfig(stack: BenchStack, name: string, table: CustomerTable): Record<string, unknown> {
  return {
    type: 'POSTGRES',
    name,
    host: stack.customer.host,
    port: stack.customer.port,
    database: stack.customer.database,
    schema: table.schema,
    table: table.name,
    tls: false,
    auth: { mode: 'PASSWORD', username: stack.customer.writerUser, password: stack.customer.writerPassword },
    ...DESTINATION_SETTINGS,
  };
}

export interface BenchDestination {
  id: string;
  table: CustomerTable;
}

export interface WorkerHandle {
  process: NodeProcess;
  metricsUrl: string;
  /** When its /healthz first answered, in ms since the epoch. */
  upAt: number;
}

/** What a deployment's processes report when it stops. */
export interface DeploymentReport {
  ingestPeakRssMB: number | undefined;
  workerPeakRssMB: number | undefined;
  /** Events the workers skipped as already there (a redelivery), summed. */
  duplicatesSkipped: number;
  deadLettered: number;
}

/**
 * One scenario's Pushrail: a Redis key prefix of its own, the ingest
 * process, a tenant with a write key and `destinations` destinations (one
 * table each, made through the admin API as an operator would), and worker
 * processes started on demand.
 */
export class Deployment {
  readonly workers: WorkerHandle[] = [];
  private producer: EventProducer | undefined;
  private producerRedis: ReturnType<typeof createRedisConnection> | undefined;
  private stopped: Promise<DeploymentReport> | undefined;

  private constructor(
    private readonly stack: BenchStack,
    readonly label: string,
    readonly prefix: string,
    readonly ingest: NodeProcess,
    readonly baseUrl: string,
    private readonly cpuProfDir: string | undefined,
    readonly writeKey: string,
    readonly destinations: BenchDestination[],
    readonly tenantId: string,
  ) {}

  /** Creates a destination of any type for this deployment's tenant through the admin API, as an operator would; returns its id. */
  async createDestination(config: Record<string, unknown>): Promise<string> {
    const created = await admin(this.baseUrl, 'POST', '/admin/v1/destinations', { tenantId: this.tenantId, ...config });
    return created.id as string;
  }

  static async start(
    stack: BenchStack,
    options: {
      label: string;
      destinations: number;
      /** More destinations that never get events (of the tenant, pointed at the first one's table): the many-destinations drain. */
      idleDestinations?: number;
      cpuProfDir?: string;
      /** More environment for the ingest process (PUSHRAIL_REDIS_MIN_REPLICAS). */
      ingestEnv?: Record<string, string>;
    },
  ): Promise<Deployment> {
    const prefix = freshKeyPrefix();
    const port = await getFreePort();
    const ingest = new NodeProcess({
      name: `${options.label}-ingest`,
      script: INGEST_MAIN,
      env: { ...baseEnv(stack, prefix), PORT: String(port), PUSHRAIL_ADMIN_TOKEN: ADMIN_TOKEN, ...(options.ingestEnv ?? {}) },
      logDir: stack.runDir,
      ...(options.cpuProfDir ? { cpuProfDir: options.cpuProfDir } : {}),
    });
    const baseUrl = `http://127.0.0.1:${port}`;
    try {
      await ingest.waitHealthy(`${baseUrl}/healthz`);
      const tenant = await admin(baseUrl, 'POST', '/admin/v1/tenants', { name: `bench ${options.label}` });
      const key = await admin(baseUrl, 'POST', `/admin/v1/tenants/${tenant.id}/write-keys`);
      const destinations: BenchDestination[] = [];
      for (let i = 0; i < options.destinations; i++) {
        const table = await stack.createTable(`${options.label.replace(/[^a-z0-9]/g, '_')}_${i}`);
        const created = await admin(baseUrl, 'POST', '/admin/v1/destinations', {
          tenantId: tenant.id,
          ...destinationConfig(stack, `bench ${options.label} ${i}`, table),
        });
        destinations.push({ id: created.id, table });
      }
      for (let i = 0; i < (options.idleDestinations ?? 0); i++) {
        await admin(baseUrl, 'POST', '/admin/v1/destinations', {
          tenantId: tenant.id,
          ...destinationConfig(stack, `bench ${options.label} idle ${i}`, destinations[0]!.table),
        });
      }
      return new Deployment(stack, options.label, prefix, ingest, baseUrl, options.cpuProfDir, key.key, destinations, tenant.id);
    } catch (error) {
      await ingest.stop();
      throw error;
    }
  }

  /** Starts `count` worker processes and waits until each answers /healthz. */
  async startWorkers(count: number): Promise<WorkerHandle[]> {
    const started = await Promise.all(
      Array.from({ length: count }, async () => {
        const port = await getFreePort();
        const process = new NodeProcess({
          name: `${this.label}-worker-${this.workers.length + 1}-${port}`,
          script: WORKER_MAIN,
          nodeFlags: WORKER_NODE_FLAGS,
          env: { ...baseEnv(this.stack, this.prefix), WORKER_METRICS_PORT: String(port) },
          logDir: this.stack.runDir,
          ...(this.cpuProfDir ? { cpuProfDir: this.cpuProfDir } : {}),
        });
        const metricsUrl = `http://127.0.0.1:${port}/metrics`;
        const upAt = await process.waitHealthy(`http://127.0.0.1:${port}/healthz`);
        return { process, metricsUrl, upAt };
      }),
    );
    this.workers.push(...started);
    return started;
  }

  /** Ingest, each worker (`worker1`, …) and redis-server, for a CpuMeter. */
  cpuSources(): Record<string, CpuSource> {
    return Object.fromEntries([
      ['ingest', this.ingest],
      ...this.workers.map((w, i) => [`worker${i + 1}`, w.process] as const),
      ['redis', this.stack.redisCpu],
    ]);
  }

  /** Puts events straight into a destination's queue, as ingest does (direct Redis, no HTTP). */
  eventProducer(): EventProducer {
    if (!this.producer) {
      this.producerRedis = createRedisConnection(this.stack.redis.url, 'producer');
      this.producerRedis.on('error', () => undefined);
      this.producer = new EventProducer(this.producerRedis, this.prefix);
    }
    return this.producer;
  }

  /** The workers' /metrics texts. */
  async workerMetrics(): Promise<string[]> {
    return Promise.all(this.workers.filter((w) => w.process.running).map(async (w) => (await fetch(w.metricsUrl)).text()));
  }

  /** Reads peaks and counters, then stops every process of the deployment. Safe to call twice. */
  stop(): Promise<DeploymentReport> {
    this.stopped ??= this.stopOnce();
    return this.stopped;
  }

  private async stopOnce(): Promise<DeploymentReport> {
    const texts = await this.workerMetrics().catch(() => [] as string[]);
    const report: DeploymentReport = {
      ingestPeakRssMB: this.ingest.peakRssMB(),
      workerPeakRssMB: maxDefined(this.workers.map((w) => w.process.peakRssMB())),
      duplicatesSkipped: texts.reduce((n, t) => n + scrapeCounter(t, 'pushrail_events_duplicates_skipped_total'), 0),
      deadLettered: texts.reduce((n, t) => n + scrapeCounter(t, 'pushrail_events_dead_lettered_total'), 0),
    };
    await this.producer?.close();
    this.producerRedis?.disconnect();
    await Promise.all([this.ingest.stop(), ...this.workers.map((w) => w.process.stop())]);
    return report;
  }
}

/** A report's peaks as Measurement fields (absent when unread). */
export function peaks(report: DeploymentReport): Pick<Measurement, 'ingestPeakRssMB' | 'workerPeakRssMB'> {
  return {
    ...(report.ingestPeakRssMB !== undefined ? { ingestPeakRssMB: report.ingestPeakRssMB } : {}),
    ...(report.workerPeakRssMB !== undefined ? { workerPeakRssMB: report.workerPeakRssMB } : {}),
  };
}

function maxDefined(values: Array<number | undefined>): number | undefined {
  const defined = values.filter((v): v is number => v !== undefined);
  return defined.length > 0 ? Math.max(...defined) : undefined;
}

/** Environment shared by ingest and worker: docs/design.md's variables, nothing else. */
export function baseEnv(stack: BenchStack, prefix: string): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    NODE_ENV: 'production',
    REDIS_URL: stack.redis.url,
    DATABASE_URL: stack.controlUrl,
    PUSHRAIL_ENCRYPTION_KEY: stack.encryptionKey,
    PUSHRAIL_ALLOW_PRIVATE_HOSTS: 'true',
    LOG_LEVEL: 'warn',
    PUSHRAIL_REDIS_PREFIX: prefix,
    // Node flags for ingest and worker only (not the load generator), e.g. GC settings under test.
    ...(process.env.BENCH_CHILD_NODE_OPTIONS ? { NODE_OPTIONS: process.env.BENCH_CHILD_NODE_OPTIONS } : {}),
    // Ingest's process count under test (default: one per core, as in production).
    ...(process.env.PUSHRAIL_INGEST_PROCESSES ? { PUSHRAIL_INGEST_PROCESSES: process.env.PUSHRAIL_INGEST_PROCESSES } : {}),
  };
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- admin answers are read field by field
export async function admin(baseUrl: string, method: string, route: string, body?: unknown): Promise<any> {
  const response = await fetch(baseUrl + route, {
    method,
    headers: { authorization: `Bearer ${ADMIN_TOKEN}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await response.text();
  if (response.status >= 300) throw new Error(`${method} ${route} answered ${response.status}: ${text}`);
  return JSON.parse(text);
}
