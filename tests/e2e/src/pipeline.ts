/**
 * The whole pipeline on real servers, for integration tests: a control
 * database of the file's own, a Redis key prefix of its own, a customer
 * database with the INSERT-only role, the ingest app on an ephemeral port and
 * workers in this process.
 */
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { ControlDb, DestinationStore, migrate } from '@pushrail/control-db';
import { generateEncryptionKey, Keyring } from '@pushrail/crypto';
import { createTableSql, qualifiedTable, quoteIdent } from '@pushrail/destination-postgres';
import { decodeEvents, EXAMPLE_EVENT, type QueuedEvent } from '@pushrail/events';
import { answerHttpErrorsAsJson, createApp } from '@pushrail/ingest';
import { createLogger, PushrailMetrics, type Logger } from '@pushrail/observability';
import { createRedisConnection, destinationQueueName, EventProducer, readDeliverPayload, ReplicaAcknowledger, waitUntilReady } from '@pushrail/queue';
import { Queue } from 'bullmq';
import {
  createCustomerDatabase,
  createTestDatabase,
  freshKeyPrefix,
  sharedRedisUrl,
  withPgClient,
  type CustomerDatabase,
  type TestDatabase,
} from '@pushrail/testing';
import type { Redis } from 'ioredis';
import { createWorker, type WorkerOptions } from '@pushrail/worker';
import { defaultWorkerTuning } from '@pushrail/config';

export const ADMIN_TOKEN = 'test-admin-token-0123456789';

/** The customer's DDL for the envelope tables, as the DDL helper tells a customer to run it. */
export function envelopeSetupSql(schema: string, tables: string[], grant = true): string {
  const lines = [`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(schema)};`, `GRANT USAGE ON SCHEMA ${quoteIdent(schema)} TO pushrail_writer;`];
  for (const table of tables) {
    lines.push(createTableSql(schema, table));
    if (grant) lines.push(`GRANT INSERT ON ${qualifiedTable(schema, table)} TO pushrail_writer;`);
  }
  return lines.join('\n');
}

export interface HttpAnswer {
  status: number;
  headers: Headers;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- tests read JSON of any shape
  text: string;
}

export interface RunningWorker {
  consumers: ReturnType<typeof createWorker>['consumers'];
  sweeper: ReturnType<typeof createWorker>['sweeper'];
  audit: ReturnType<typeof createWorker>['audit'];
  metrics: PushrailMetrics;
  stop(): Promise<void>;
}

export interface PipelineOptions {
  /** Overrides of the destination config (the seed's shape). */
  destination?: Record<string, unknown>;
  /** Setup SQL of the customer database; default: schema `pushrail`, table `events`, granted. */
  customerSetupSql?: string;
  /** Start one worker right away (default true). */
  startWorker?: boolean;
  worker?: Partial<WorkerOptions>;
  redisUrl?: string;
  /** Superuser URL of the server the customer database goes on (default: the shared one). */
  customerServerUrl?: string;
  /**
   * PUSHRAIL_ALLOW_PRIVATE_HOSTS of ingest and of the workers (default true:
   * the customer database is on loopback). With false the seed destination is
   * stored directly, as if it had been created while private hosts were allowed.
   */
  allowPrivateHosts?: boolean;
  /** Where ingest's and the workers' log lines go (default: stdout), for tests that read them. */
  logDestination?: Parameters<typeof createLogger>[0]['destination'];
  /** Their pino level (default: LOG_LEVEL, else silent). */
  logLevel?: string;
  /** Ingest's PUSHRAIL_REDIS_MIN_REPLICAS (default 0), with a 1 s PUSHRAIL_REDIS_REPLICA_TIMEOUT_MS. */
  minReplicas?: number;
}

export class Pipeline {
  private readonly workers = new Set<RunningWorker>();
  tenantId = '';
  writeKey = '';
  destinationId = '';
  /** See {@link PipelineOptions.allowPrivateHosts}. */
  allowPrivateHosts = true;

  private constructor(
    readonly controlDatabase: TestDatabase,
    readonly db: ControlDb,
    readonly store: DestinationStore,
    readonly keyring: Keyring,
    readonly redis: Redis,
    readonly prefix: string,
    readonly customer: CustomerDatabase,
    readonly server: Server,
    readonly baseUrl: string,
    readonly ingestMetrics: PushrailMetrics,
    readonly logger: Logger,
    readonly redisUrl: string,
    private readonly drainIngest: () => Promise<void>,
    private readonly producer: EventProducer,
    /** base64 of the 32-byte key the control database's secrets are encrypted with. */
    readonly encryptionKey: string,
  ) {}

  /** The environment a worker process of this pipeline runs with (for subprocess tests). */
  workerEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
    return {
      PATH: process.env.PATH,
      REDIS_URL: this.redisUrl,
      DATABASE_URL: this.controlDatabase.url,
      PUSHRAIL_ENCRYPTION_KEY: this.encryptionKey,
      PUSHRAIL_REDIS_PREFIX: this.prefix,
      PUSHRAIL_ALLOW_PRIVATE_HOSTS: 'true',
      LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
      ...extra,
    };
  }

  static async start(options: PipelineOptions = {}): Promise<Pipeline> {
    const controlDatabase = await createTestDatabase('ctl');
    await migrate(controlDatabase.url);
    const db = new ControlDb(controlDatabase.url);
    const encryptionKey = generateEncryptionKey();
    const keyring = new Keyring({ currentKey: encryptionKey });
    const store = new DestinationStore(db, keyring);
    const redisUrl = options.redisUrl ?? sharedRedisUrl();
    const redis = createRedisConnection(redisUrl, 'producer');
    redis.on('error', () => undefined);
    if (!(await waitUntilReady(redis, 10_000))) throw new Error('the producer connection to Redis did not become ready');
    const prefix = freshKeyPrefix();
    const customer = await createCustomerDatabase({
      setupSql: options.customerSetupSql ?? envelopeSetupSql('pushrail', ['events']),
      ...(options.customerServerUrl ? { serverUrl: options.customerServerUrl } : {}),
    });
    const logger = createLogger({
      level: options.logLevel ?? process.env.LOG_LEVEL ?? 'silent',
      name: 'test',
      ...(options.logDestination ? { destination: options.logDestination } : {}),
    });
    const ingestMetrics = new PushrailMetrics({ defaultMetrics: false });
    const producer = new EventProducer(redis, prefix);
    const { app, intake } = createApp({
      db,
      store,
      producer,
      redis,
      metrics: ingestMetrics,
      logger,
      adminToken: ADMIN_TOKEN,
      allowPrivateHosts: options.allowPrivateHosts ?? true,
      ...(options.minReplicas ? { replicaAck: new ReplicaAcknowledger(redis, { minReplicas: options.minReplicas, timeoutMs: 1_000 }) } : {}),
    });
    const server = await new Promise<Server>((resolve) => {
      const s = app.listen(0, '127.0.0.1', () => resolve(s));
    });
    answerHttpErrorsAsJson(server);
    const { port } = server.address() as AddressInfo;
    const pipeline = new Pipeline(
      controlDatabase, db, store, keyring, redis, prefix, customer, server, `http://127.0.0.1:${port}`,
      ingestMetrics, logger, redisUrl, () => intake.drain(), producer, encryptionKey,
    );
    pipeline.allowPrivateHosts = options.allowPrivateHosts ?? true;
    await pipeline.seed(options.destination ?? {});
    if (options.startWorker ?? true) await pipeline.startWorker(options.worker);
    return pipeline;
  }

  /** The seed's destination config pointed at this file's customer database. */
  destinationConfig(overrides: Record<string, unknown> = {}): Record<string, unknown> {
    return {
      type: 'POSTGRES',
      name: 'Customer Postgres',
      host: this.customer.host,
      port: this.customer.port,
      database: this.customer.database,
      schema: 'pushrail',
      table: 'events',
      tls: false,
      auth: { mode: 'PASSWORD', username: this.customer.writerUser, password: this.customer.writerPassword },
      batchSize: 1000,
      flushIntervalSec: 1,
      ...overrides,
    };
  }

  private async seed(destinationOverrides: Record<string, unknown>): Promise<void> {
    const tenant = await this.admin('POST', '/admin/v1/tenants', { name: 'Acme' });
    this.tenantId = tenant.body.id;
    const key = await this.admin('POST', `/admin/v1/tenants/${this.tenantId}/write-keys`);
    this.writeKey = key.body.key;
    if (!this.allowPrivateHosts) {
      // The API would refuse the loopback customer database now; store it as if created while allowed.
      const config = this.store.parse(this.destinationConfig(destinationOverrides));
      this.destinationId = (await this.store.create(this.tenantId, config)).id;
      return;
    }
    const destination = await this.admin('POST', '/admin/v1/destinations', {
      tenantId: this.tenantId,
      ...this.destinationConfig(destinationOverrides),
    });
    if (destination.status !== 201) throw new Error(`destination not created: ${destination.text}`);
    this.destinationId = destination.body.id;
  }

  async request(method: string, path: string, options: { body?: unknown; rawBody?: string; headers?: Record<string, string> } = {}): Promise<HttpAnswer> {
    const headers: Record<string, string> = { ...(options.headers ?? {}) };
    let body: string | undefined = options.rawBody;
    if (options.body !== undefined) {
      body = JSON.stringify(options.body);
      headers['content-type'] ??= 'application/json';
    }
    const response = await fetch(this.baseUrl + path, { method, headers, ...(body !== undefined ? { body } : {}) });
    const text = await response.text();
    let parsed: unknown = undefined;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      parsed = undefined;
    }
    return { status: response.status, headers: response.headers, body: parsed, text };
  }

  admin(method: string, path: string, body?: unknown): Promise<HttpAnswer> {
    return this.request(method, path, { ...(body !== undefined ? { body } : {}), headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
  }

  postEvent(event: unknown, key = this.writeKey): Promise<HttpAnswer> {
    return this.request('POST', '/v1/events', { body: event, headers: { authorization: `Bearer ${key}` } });
  }

  postBatch(events: unknown[], key = this.writeKey): Promise<HttpAnswer> {
    return this.request('POST', '/v1/batch', { body: { events }, headers: { authorization: `Bearer ${key}` } });
  }

  async startWorker(options: Partial<WorkerOptions> = {}): Promise<RunningWorker> {
    const redis = createRedisConnection(this.redisUrl, 'consumer');
    redis.on('error', () => undefined);
    const metrics = new PushrailMetrics({ defaultMetrics: false });
    const { consumers, sweeper, audit } = createWorker(
      { db: this.db, store: this.store, redis, prefix: this.prefix, metrics, logger: this.logger, allowPrivateHosts: this.allowPrivateHosts },
      { ...defaultWorkerTuning(), maxDestinations: 16, ...options },
    );
    consumers.start();
    sweeper.start();
    audit.start();
    const worker: RunningWorker = {
      consumers,
      sweeper,
      audit,
      metrics,
      stop: async () => {
        this.workers.delete(worker);
        await Promise.all([consumers.stop(), sweeper.stop(), audit.stop()]);
        await redis.quit().catch(() => redis.disconnect());
      },
    };
    this.workers.add(worker);
    return worker;
  }

  /** Puts queued events straight into the destination's queue, as ingest or a redrive would. */
  async enqueue(events: unknown[], destinationId = this.destinationId): Promise<string> {
    return this.producer.enqueue(destinationId, events as never);
  }

  /** The sum of a metric's values over every running worker of this pipeline. */
  async workerMetric(name: string, labels: Record<string, string> = {}): Promise<number> {
    let total = 0;
    for (const worker of this.workers) {
      const metric = await worker.metrics.registry.getSingleMetric(name)?.get();
      for (const value of metric?.values ?? []) {
        if (Object.entries(labels).every(([k, v]) => (value.labels as Record<string, unknown>)[k] === v)) total += value.value;
      }
    }
    return total;
  }

  /** Rows in a customer table, read as the superuser, ordered by event id. */
  async rows(table = 'events', schema = 'pushrail'): Promise<Array<Record<string, any>>> { // eslint-disable-line @typescript-eslint/no-explicit-any
    return withPgClient(this.customer.adminUrl, async (client) => {
      const result = await client.query(`SELECT *, xmin::text AS xmin FROM ${qualifiedTable(schema, table)} ORDER BY event_id`);
      return result.rows;
    });
  }

  async rowCount(table = 'events', schema = 'pushrail'): Promise<number> {
    return withPgClient(this.customer.adminUrl, async (client) => {
      const result = await client.query(`SELECT count(*)::int AS n FROM ${qualifiedTable(schema, table)}`);
      return result.rows[0].n as number;
    });
  }

  async close(): Promise<void> {
    await Promise.all([...this.workers].map((w) => w.stop()));
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeAllConnections();
    await this.drainIngest();
    await this.producer.close();
    await this.redis.quit().catch(() => this.redis.disconnect());
    await this.db.close();
    await this.customer.drop();
    await this.controlDatabase.drop();
  }
}

/** The seed's example event (docs/design.md), a fresh copy with `overrides` on top. */
export function seedEvent(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return { ...structuredClone(EXAMPLE_EVENT), ...overrides };
}

// --- helpers for the ingest and admin contract tests (appended; nothing above changed) ---

/** Every state a BullMQ job can be in: a job counted here is in the queue, whatever it is doing. */
const ALL_JOB_STATES = ['wait', 'paused', 'prioritized', 'waiting-children', 'active', 'delayed', 'completed', 'failed'] as const;

/**
 * Jobs in one destination's queue, in every state, read on a connection of
 * its own (the producer's fails fast while Redis is away).
 */
export async function queueJobCounts(pipeline: Pipeline, destinationId = pipeline.destinationId): Promise<Record<string, number>> {
  const redis = createRedisConnection(pipeline.redisUrl, 'consumer');
  redis.on('error', () => undefined);
  const queue = new Queue(destinationQueueName(destinationId), { connection: redis, prefix: pipeline.prefix });
  try {
    return await queue.getJobCounts(...ALL_JOB_STATES);
  } finally {
    await queue.close();
    await redis.quit().catch(() => redis.disconnect());
  }
}

/** The total of {@link queueJobCounts}: how many jobs ever entered the queue and are still kept. */
export async function queueJobTotal(pipeline: Pipeline, destinationId = pipeline.destinationId): Promise<number> {
  return Object.values(await queueJobCounts(pipeline, destinationId)).reduce((a, b) => a + b, 0);
}

/** The events a `deliver` job carries; none when it cannot be read. */
export function queuedEventsOf(data: unknown): QueuedEvent[] {
  const read = readDeliverPayload(JSON.stringify(data));
  return read.ok ? decodeEvents(read.events) : [];
}

/** The ids of the events in a destination's queue waiting to be delivered (waiting or paused). */
export async function waitingEventIds(pipeline: Pipeline, destinationId = pipeline.destinationId): Promise<string[]> {
  const redis = createRedisConnection(pipeline.redisUrl, 'consumer');
  redis.on('error', () => undefined);
  const queue = new Queue(destinationQueueName(destinationId), { connection: redis, prefix: pipeline.prefix });
  try {
    const jobs = await queue.getJobs(['wait', 'paused', 'prioritized']);
    return jobs.flatMap((job) => queuedEventsOf(job?.data).map((e) => e.id));
  } finally {
    await queue.close();
    await redis.quit().catch(() => redis.disconnect());
  }
}

/** A second ingest process: its own app, Redis connection and server, on the pipeline's control DB and prefix. */
export interface IngestReplica {
  baseUrl: string;
  close(): Promise<void>;
}

export async function startIngestReplica(pipeline: Pipeline, options: { minReplicas?: number } = {}): Promise<IngestReplica> {
  const redis = createRedisConnection(pipeline.redisUrl, 'producer');
  redis.on('error', () => undefined);
  // As main.ts does: the producer connection is up before the first request.
  if (!(await waitUntilReady(redis, 10_000))) throw new Error('the replica\'s Redis connection did not become ready');
  const producer = new EventProducer(redis, pipeline.prefix);
  const { app, intake } = createApp({
    db: pipeline.db,
    store: pipeline.store,
    producer,
    redis,
    metrics: new PushrailMetrics({ defaultMetrics: false }),
    logger: pipeline.logger,
    adminToken: ADMIN_TOKEN,
    allowPrivateHosts: true,
    ...(options.minReplicas ? { replicaAck: new ReplicaAcknowledger(redis, { minReplicas: options.minReplicas, timeoutMs: 1_000 }) } : {}),
  });
  const server = await new Promise<Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    close: async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await intake.drain();
      await producer.close();
      await redis.quit().catch(() => redis.disconnect());
    },
  };
}

/** Rows of a control-database table, as the superuser (to check what is stored, e.g. that a key is hashed). */
export async function controlRows(pipeline: Pipeline, table: string): Promise<Array<Record<string, unknown>>> {
  return withPgClient(pipeline.controlDatabase.url, async (client) => (await client.query(`SELECT * FROM ${quoteIdent(table)}`)).rows);
}

// --- every answer checked against the OpenAPI document (appended; nothing above changed) ---
// An import below the code is still hoisted; it sits here so this hook stays one appended block.
import { openApiChecker } from './openapi-response-check';

/**
 * Pipeline.request, and so admin/postEvent/postBatch, checks each answer
 * against the /openapi.json the ingest serves: a status the document does not
 * list for the route, or a body its schema refuses, fails the test with an
 * OpenApiMismatchError naming route, status and the schema's complaints.
 */
const requestUnchecked = Pipeline.prototype.request;
Pipeline.prototype.request = async function requestChecked(this: Pipeline, method, path, options) {
  const answer = await requestUnchecked.call(this, method, path, options);
  (await openApiChecker(this.baseUrl)).check(method, path, answer);
  return answer;
};
