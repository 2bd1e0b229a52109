import { ClickHouseWriter, clickhouseDestinationConfigSchema, createTableSql, featuresOf, type ClickHouseDestinationConfig } from '@pushrail/destination-clickhouse';
import { encodeEvents, type QueuedEvent } from '@pushrail/events';
import { startClickHouseServer, waitFor, type ClickHouseServer } from '@pushrail/testing';
import type { BenchStack } from '../bench-stack';
import { CpuMeter } from '../cpu-meter';
import { admin, Deployment, DESTINATION_SETTINGS, peaks } from '../deployment';
import type { Measurement, RunSize } from '../measurement';
import { queuedSampleEvents } from '../sample-event';
import { perSecond, round } from '../stats';

/** Rows per insert, as the worker's batches. */
const ROWS_PER_INSERT = 1_000;

/** How often the drain polls ClickHouse's row count, in milliseconds: the drain's end is known to this much. */
const COUNT_POLL_MS = 50;

const WRITER = { name: 'pushrail', password: 'bench-clickhouse-writer' };

/**
 * ClickHouse beside PostgreSQL: a ClickHouse server of its own (Debian's
 * 18.16, the harness's settings), the ceiling (the provider's writer, one
 * 1,000-row JSONEachRow INSERT per batch, no queue, 1 and 4 connections) and
 * the drain of a pre-queued backlog by one worker process into a CLICKHOUSE
 * destination made through the admin API.
 */
export async function runClickHouse(stack: BenchStack, size: RunSize): Promise<Measurement[]> {
  const server = await startClickHouseServer();
  try {
    await server.setUsers([{ ...WRITER, profile: 'insert_only' }]);
    const out: Measurement[] = [];
    for (const connections of [1, 4]) out.push(await ceiling(server, size, connections));
    out.push(await drain(stack, server, size));
    return out;
  } finally {
    await server.destroy();
  }
}

/** A fresh database with the guide's table; the bench's writer may use it. */
async function freshTable(server: ClickHouseServer, name: string): Promise<{ database: string; count(): Promise<number>; distinct(): Promise<number> }> {
  const database = `bench_${name}`;
  await server.query(`DROP DATABASE IF EXISTS ${database}`);
  await server.query(`CREATE DATABASE ${database}`);
  await server.query(createTableSql(database, 'events', featuresOf(server.version)));
  const scalar = async (sql: string) => Number((await server.query(sql)).trim());
  return {
    database,
    count: () => scalar(`SELECT count() FROM ${database}.events`),
    distinct: () => scalar(`SELECT uniqExact(event_id) FROM ${database}.events`),
  };
}

function configFor(server: ClickHouseServer, database: string, maxConnections: number): ClickHouseDestinationConfig {
  return clickhouseDestinationConfigSchema.parse({
    type: 'CLICKHOUSE',
    name: 'bench',
    host: server.host,
    port: server.httpPort,
    tls: false,
    database,
    auth: { mode: 'PASSWORD', username: WRITER.name, password: WRITER.password },
    serverVersion: server.version,
    maxConnections,
    ...DESTINATION_SETTINGS,
  });
}

async function ceiling(server: ClickHouseServer, size: RunSize, connections: number): Promise<Measurement> {
  const table = await freshTable(server, `ceiling_${connections}`);
  const writer = new ClickHouseWriter(configFor(server, table.database, connections), { allowPrivateHosts: true });
  const events = queuedSampleEvents(size.ceilingRows);
  try {
    let next = 0;
    const cpu = process.cpuUsage();
    const started = performance.now();
    await Promise.all(
      Array.from({ length: connections }, async () => {
        while (next < events.length) {
          const from = next;
          next += ROWS_PER_INSERT;
          await writer.write(encodeEvents(events.slice(from, next)));
        }
      }),
    );
    const elapsedMs = performance.now() - started;
    const used = process.cpuUsage(cpu);
    const rows = await table.count();
    const distinct = await table.distinct();
    return {
      key: `clickhouse.ceiling.${connections}c`,
      label: `clickhouse ceiling: the writer's 1,000-row JSONEachRow INSERT, ${connections} connection${connections > 1 ? 's' : ''}`,
      events: distinct,
      eventsPerSec: perSecond(events.length, elapsedMs),
      lost: events.length - distinct,
      duplicated: rows - distinct,
      detail: {
        server: `ClickHouse ${server.version}`,
        rowsPerInsert: ROWS_PER_INSERT,
        elapsedMs: Math.round(elapsedMs),
        clientCpuMicrosPerRow: round((used.user + used.system) / events.length, 2),
      },
    };
  } finally {
    await writer.close();
  }
}

async function drain(stack: BenchStack, server: ClickHouseServer, size: RunSize): Promise<Measurement> {
  await stack.settle();
  const table = await freshTable(server, 'drain');
  const deployment = await Deployment.start(stack, { label: 'clickhouse-drain', destinations: 0 });
  try {
    const tenant = await admin(deployment.baseUrl, 'POST', '/admin/v1/tenants', { name: 'bench clickhouse' });
    const tenantId = tenant.id as string;
    const created = await admin(deployment.baseUrl, 'POST', '/admin/v1/destinations', {
      tenantId,
      ...configFor(server, table.database, 4),
    });
    const events: QueuedEvent[] = queuedSampleEvents(size.drainEvents);
    const producer = deployment.eventProducer();
    for (let from = 0; from < events.length; from += size.drainJobEvents) {
      await producer.enqueue(created.id as string, events.slice(from, from + size.drainJobEvents));
    }
    const [worker] = await deployment.startWorkers(1);
    const cpu = new CpuMeter(deployment.cpuSources());
    await waitFor(async () => (await table.count()) >= events.length, {
      timeoutMs: size.settleTimeoutMs,
      intervalMs: COUNT_POLL_MS,
      description: `${events.length} rows in ClickHouse`,
    });
    const doneAt = Date.now();
    const cpuSeconds = cpu.read();
    const rows = await table.count();
    const distinct = await table.distinct();
    const report = await deployment.stop();
    return {
      key: 'clickhouse.drain.1d1w',
      label: 'clickhouse drain: 1 destination, 1 worker process',
      events: distinct,
      eventsPerSec: perSecond(distinct, doneAt - worker!.upAt),
      lost: events.length - distinct,
      duplicated: rows - distinct,
      ...peaks(report),
      detail: { server: `ClickHouse ${server.version}`, jobEvents: size.drainJobEvents, endPolledEveryMs: COUNT_POLL_MS, cpuSeconds, deadLettered: report.deadLettered },
    };
  } finally {
    await deployment.stop();
    await stack.flushRedis();
  }
}
