import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { migrate } from '@pushrail/control-db';
import {
  createCustomerDatabase,
  redisCommand,
  startPostgresServer,
  startRedisServer,
  withPgClient,
  type CustomerDatabase,
  type PostgresServer,
  type RedisServer,
} from '@pushrail/testing';
import type { CpuSource } from './cpu-meter';
import { CustomerTable } from './customer-table';
import { readCpuSeconds, treeCpuSeconds } from './node-process';

export const ADMIN_TOKEN = 'bench-admin-token-0123456789abcdef';

/** The customer's schema: USAGE for the writer; each scenario adds its own table with INSERT granted. */
const CUSTOMER_SCHEMA = 'pushrail';

/**
 * The servers of one bench run, all on this machine and all our own (never
 * the machine's 5432/6379):
 * - Redis with AOF `appendfsync everysec` (what a production queue runs
 *   with) and `noeviction`;
 * - a PostgreSQL for Pushrail's control database;
 * - a second PostgreSQL for the customer's database, so stopping the
 *   customer's server (backlog) leaves the control database up. It runs with
 *   `track_commit_timestamp = on`: a row's commit time is then
 *   `pg_xact_commit_timestamp(xmin)`, which is how the bench times "until the
 *   last row" and received→committed without polling.
 * Both PostgreSQL servers run with the test harness's settings (fsync off,
 * synchronous_commit on: each commit's WAL reaches the OS, not the disk);
 * the ceiling is measured on the same server, so the ratios are like for like.
 */
export class BenchStack {
  private constructor(
    readonly redis: RedisServer,
    readonly controlServer: PostgresServer,
    readonly customerServer: PostgresServer,
    readonly controlUrl: string,
    readonly customer: CustomerDatabase,
    readonly encryptionKey: string,
    readonly runDir: string,
  ) {}

  static async start(runDir: string): Promise<BenchStack> {
    fs.mkdirSync(runDir, { recursive: true });
    const [redis, controlServer, customerServer] = await Promise.all([
      startRedisServer({ appendOnly: { fsync: 'everysec' } }),
      startPostgresServer(),
      startPostgresServer({ extraConfig: { track_commit_timestamp: 'on' } }),
    ]);
    const controlUrl = controlServer.superuserUrl('pushrail_control');
    await withPgClient(controlServer.superuserUrl(), (c) => c.query('CREATE DATABASE pushrail_control'));
    await migrate(controlUrl);
    const customer = await createCustomerDatabase({
      serverUrl: customerServer.superuserUrl(),
      prefix: 'acme',
      setupSql: `CREATE SCHEMA ${CUSTOMER_SCHEMA}; GRANT USAGE ON SCHEMA ${CUSTOMER_SCHEMA} TO pushrail_writer;`,
    });
    return new BenchStack(redis, controlServer, customerServer, controlUrl, customer, crypto.randomBytes(32).toString('base64'), runDir);
  }

  /** A fresh envelope table in the customer's database, INSERT granted to the writer role. */
  createTable(name: string): Promise<CustomerTable> {
    return CustomerTable.create(this.customer, CUSTOMER_SCHEMA, name);
  }

  /** The bench's redis-server, for a CpuMeter. */
  get redisCpu(): CpuSource {
    const pid = this.redis.pid;
    return { cpuSeconds: () => (pid === undefined ? undefined : readCpuSeconds(pid)) };
  }

  /**
   * The customer's PostgreSQL server, every process of it (postmaster and
   * backends), for a CpuMeter: what the database itself spends on the rows.
   */
  get customerPostgresCpu(): CpuSource {
    const pid = Number(fs.readFileSync(path.join(this.customerServer.dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
    return { cpuSeconds: () => treeCpuSeconds(pid) };
  }

  /** Redis `used_memory`, in bytes. */
  async redisUsedMemory(): Promise<number> {
    const info = String(await redisCommand(this.redis.host, this.redis.port, 'INFO', 'memory'));
    return Number(/used_memory:(\d+)/.exec(info)?.[1] ?? Number.NaN);
  }

  /**
   * Brings the PostgreSQL servers to rest before a scenario: VACUUM (ANALYZE)
   * of the customer's database and a CHECKPOINT on both. Without it the
   * ceiling's 400,000+ rows set off autovacuum and a checkpoint in the middle
   * of the next scenario (the drain, which then ran 15–25 % slower than when
   * measured alone), so a figure depended on what ran before it.
   */
  async settle(): Promise<void> {
    await withPgClient(this.customer.adminUrl, async (c) => {
      await c.query('VACUUM (ANALYZE)');
      await c.query('CHECKPOINT');
    });
    await withPgClient(this.controlServer.superuserUrl(), (c) => c.query('CHECKPOINT'));
  }

  /** Empties Redis between scenarios, so each starts from the same memory. */
  async flushRedis(): Promise<void> {
    await redisCommand(this.redis.host, this.redis.port, 'FLUSHALL');
  }

  async stop(): Promise<void> {
    await Promise.allSettled([this.redis.destroy(), this.controlServer.destroy(), this.customerServer.destroy()]);
  }
}

/** A scratch directory for one run's logs. */
export function makeRunDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'pushrail-bench-'));
}
