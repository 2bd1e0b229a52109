import fs from 'node:fs';
import path from 'node:path';
import { createTableSql, insertStatements, qualifiedTable, SESSION_SETTINGS_SQL } from '@pushrail/destination-mysql';
import {
  createMariadbCustomerDatabase,
  startMariadbServer,
  withMariadbConnection,
  type MariadbCustomerDatabase,
  type MariadbServer,
} from '@pushrail/testing';
import { createConnection, type RowDataPacket } from 'mysql2/promise';
import type { BenchStack } from '../bench-stack';
import { CpuMeter } from '../cpu-meter';
import { DESTINATION_SETTINGS, Deployment, peaks } from '../deployment';
import type { Measurement, RunSize } from '../measurement';
import { queuedSampleEvents } from '../sample-event';
import { enqueueInJobs } from './drain';
import { perSecond, round, sleep } from '../stats';

/** Rows per statement, as the worker's batches. */
const ROWS_PER_STATEMENT = 1_000;
/** Connections of the ceiling: the destination's default budget (maxConnections 4). */
const CEILING_CONNECTIONS = 4;
/** How often the drain's row count is read, in milliseconds: the end of the drain is known to within this. */
const COUNT_POLL_MS = 50;

/**
 * InnoDB writes its redo log to the OS at each commit and flushes it once a
 * second, the nearest to the PostgreSQL servers' `fsync=off,
 * synchronous_commit=on`; both MySQL lines run on this one server, so their
 * ratio is like for like.
 */
const MARIADB_BENCH_ARGS = ['--innodb-flush-log-at-trx-commit=2', '--innodb-buffer-pool-size=256M', '--innodb-log-file-size=256M'];

/**
 * The MySQL lines: a MariaDB 10.11 of the bench's own, a customer database
 * with the INSERT-only `pushrail_writer` (no TLS, as the PostgreSQL lines),
 * then
 * - the ceiling: mysql2 clients on 4 connections write 1,000-row
 *   `INSERT IGNORE … VALUES` statements of envelope rows, autocommit, the
 *   statements built in the timed loop by the provider's own builder;
 * - the drain: `drainEvents` pre-queued events drained by one worker process
 *   into one MYSQL destination, reported as a ratio to that ceiling.
 */
export async function runMysql(stack: BenchStack, size: RunSize): Promise<Measurement[]> {
  const server = await startMariadbServer({ extraArgs: MARIADB_BENCH_ARGS });
  try {
    const customer = await createMariadbCustomerDatabase(server, { prefix: 'bench', requireTls: false });
    const ceiling = await writeDirect(server, customer, size);
    const drain = await measureDrain(stack, server, customer, size, ceiling);
    return [ceiling, drain];
  } finally {
    fs.copyFileSync(server.logFile, path.join(stack.runDir, 'mariadb.err'));
    await server.destroy();
  }
}

async function createTable(server: MariadbServer, customer: MariadbCustomerDatabase, name: string): Promise<void> {
  await withMariadbConnection(server.rootOptions(customer.database), (c) =>
    c.query(`${createTableSql(customer.database, name)}\nGRANT INSERT ON ${qualifiedTable(customer.database, name)} TO 'pushrail_writer'@'%';`),
  );
}

/** Compares a table's rows with the ids written, read as root. */
async function check(server: MariadbServer, customer: MariadbCustomerDatabase, table: string, ids: readonly string[]) {
  const stored = await withMariadbConnection(server.rootOptions(customer.database), async (c) => {
    const [rows] = await c.query<RowDataPacket[]>(`SELECT event_id FROM ${qualifiedTable(customer.database, table)}`);
    return rows.map((r) => r.event_id as string);
  });
  const expected = new Set(ids);
  const seen = new Set(stored);
  return {
    rows: stored.length,
    lost: ids.filter((id) => !seen.has(id)).length,
    unexpected: stored.filter((id) => !expected.has(id)).length + (stored.length - seen.size),
  };
}

async function count(server: MariadbServer, customer: MariadbCustomerDatabase, table: string): Promise<number> {
  return withMariadbConnection(server.rootOptions(customer.database), async (c) => {
    const [rows] = await c.query<RowDataPacket[]>(`SELECT COUNT(*) AS n FROM ${qualifiedTable(customer.database, table)}`);
    return Number(rows[0]!.n);
  });
}

async function writeDirect(server: MariadbServer, customer: MariadbCustomerDatabase, size: RunSize): Promise<Measurement> {
  const table = 'ceiling_4';
  await createTable(server, customer, table);
  const events = queuedSampleEvents(size.ceilingRows);
  const clients = await Promise.all(
    Array.from({ length: CEILING_CONNECTIONS }, async () => {
      const client = await createConnection({ host: server.host, port: server.port, user: customer.writerUser, password: customer.writerPassword, charset: 'UTF8MB4_BIN' });
      await client.query(SESSION_SETTINGS_SQL);
      return client;
    }),
  );
  const maxPacket = await withMariadbConnection(server.rootOptions(), async (c) => Number((await c.query<RowDataPacket[]>('SELECT @@max_allowed_packet AS m'))[0][0]!.m));
  let next = 0;
  const cpu = process.cpuUsage();
  const started = performance.now();
  await Promise.all(
    clients.map(async (client) => {
      while (next < events.length) {
        const from = next;
        next += ROWS_PER_STATEMENT;
        for (const sql of insertStatements(customer.database, table, events.slice(from, next), maxPacket)) await client.query(sql);
      }
    }),
  );
  const elapsedMs = performance.now() - started;
  const used = process.cpuUsage(cpu);
  await Promise.all(clients.map((c) => c.end()));
  const result = await check(server, customer, table, events.map((e) => e.id));
  return {
    key: 'mysql.ceiling.4c',
    label: `MySQL ceiling: direct multi-row INSERT IGNORE (MariaDB ${await serverVersion(server)}), ${CEILING_CONNECTIONS} connections`,
    events: result.rows,
    eventsPerSec: perSecond(events.length, elapsedMs),
    lost: result.lost,
    duplicated: result.unexpected,
    detail: { rowsPerStatement: ROWS_PER_STATEMENT, elapsedMs: Math.round(elapsedMs), clientCpuMicrosPerRow: round((used.user + used.system) / events.length, 2) },
  };
}

async function serverVersion(server: MariadbServer): Promise<string> {
  return withMariadbConnection(server.rootOptions(), async (c) => String((await c.query<RowDataPacket[]>('SELECT VERSION() AS v'))[0][0]!.v).split('-')[0]!);
}

/**
 * One worker process drains `drainEvents` events queued beforehand into one
 * MYSQL destination. MariaDB keeps no commit times, so the end is when the
 * row count, read every COUNT_POLL_MS, reaches the total.
 */
async function measureDrain(stack: BenchStack, server: MariadbServer, customer: MariadbCustomerDatabase, size: RunSize, ceiling: Measurement): Promise<Measurement> {
  await stack.settle();
  const table = 'drain_1d1w';
  await createTable(server, customer, table);
  const deployment = await Deployment.start(stack, { label: 'mysql-drain', destinations: 0 });
  try {
    const destinationId = await deployment.createDestination({
      type: 'MYSQL',
      name: 'bench mysql drain',
      host: server.host,
      port: server.port,
      database: customer.database,
      table,
      tls: false,
      auth: { mode: 'PASSWORD', username: customer.writerUser, password: customer.writerPassword },
      ...DESTINATION_SETTINGS,
    });
    const events = queuedSampleEvents(size.drainEvents);
    await enqueueInJobs(deployment, destinationId, events, size.drainJobEvents);
    const [worker] = await deployment.startWorkers(1);
    const cpu = new CpuMeter(deployment.cpuSources());
    const deadline = Date.now() + size.settleTimeoutMs;
    while ((await count(server, customer, table)) < events.length && Date.now() < deadline) await sleep(COUNT_POLL_MS);
    const doneAt = Date.now();
    const cpuSeconds = cpu.read();
    const result = await check(server, customer, table, events.map((e) => e.id));
    const report = await deployment.stop();
    const eventsPerSec = perSecond(result.rows, doneAt - worker!.upAt);
    const ratio = ceiling.eventsPerSec > 0 ? round((eventsPerSec / ceiling.eventsPerSec) * 100, 1) : 0;
    return {
      key: 'mysql.drain.1d1w',
      label: `MySQL drain: 1 destination, 1 worker process (${ratio} % of the MySQL ceiling)`,
      events: result.rows,
      eventsPerSec,
      lost: result.lost,
      duplicated: result.unexpected + report.duplicatesSkipped,
      ...peaks(report),
      detail: { jobEvents: size.drainJobEvents, percentOfMysqlCeiling: ratio, cpuSeconds, deadLettered: report.deadLettered, endKnownWithinMs: COUNT_POLL_MS },
    };
  } finally {
    await deployment.stop();
    await stack.flushRedis();
  }
}
