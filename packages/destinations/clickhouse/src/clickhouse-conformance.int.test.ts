import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describeDestinationConformance, sharedConfigVariants, type ConformanceDestination, type StoredRow } from '@pushrail/destination-core/conformance';
import { makeTestCertificates, sqlStatementsOf, startClickHouseServer, waitFor, type ClickHouseServer, type ClickHouseUser } from '@pushrail/testing';
import { clickhouseDestinationConfigSchema, type ClickHouseDestinationConfig } from './clickhouse-destination-config';
import { clickhouseProvider } from './clickhouse-provider';
import { createTableSql, insertSql } from './clickhouse-sql';
import { qualifiedTable } from './identifiers';
import { featuresOf } from './server-features';

const TABLE = 'events';
const WRITER_PASSWORD = 'writer-secret';

/** A time as ClickHouse prints it in JSONEachRow (`2026-05-26 14:21:08` or `….493`), in UTC, as ISO 8601. */
function isoOf(text: string): string {
  return new Date(`${text.replace(' ', 'T')}Z`).toISOString();
}

/** A row as the administrator reads it, in the suite's terms. */
function storedRow(row: Record<string, string | null>): StoredRow {
  return {
    eventId: row.event_id as string,
    eventType: row.event_type as string,
    occurredAt: isoOf(row.occurred_at as string),
    customerExternalId: row.customer_external_id ?? null,
    source: row.source as string,
    payload: JSON.parse(row.payload as string),
    metadata: row.metadata === null ? null : JSON.parse(row.metadata as string),
    receivedAt: isoOf(row.received_at as string),
  };
}

/**
 * The users.xml block of a guide for a server without SQL users, as the
 * customer pastes it into users.xml: the user's name and its databases.
 */
function usersXmlOf(sqlText: string): { name: string; databases: string[] } | undefined {
  const xml = sqlText
    .split('\n')
    .filter((line) => line.startsWith('--'))
    .map((line) => line.slice(3))
    .join('\n');
  const name = /<users>\s*<([A-Za-z_][A-Za-z0-9_]*)>/.exec(xml)?.[1];
  if (name === undefined) return undefined;
  return { name, databases: [...xml.matchAll(/<database>([^<]+)<\/database>/g)].map((m) => m[1]!) };
}

async function allows(run: () => Promise<unknown>): Promise<boolean> {
  try {
    await run();
    return true;
  } catch {
    return false;
  }
}

describeDestinationConformance<ClickHouseDestinationConfig>('ClickHouse', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pushrail-ch-conformance-'));
  // The server's certificate names `localhost` only: connecting by 127.0.0.1 is a wrong host name.
  const [certs, otherCa] = await Promise.all([
    makeTestCertificates({ hostnames: ['localhost'], dir: path.join(dir, 'server') }),
    makeTestCertificates({ hostnames: ['localhost'], dir: path.join(dir, 'other') }),
  ]);
  const server: ClickHouseServer = await startClickHouseServer({ tls: certs });
  const features = featuresOf(server.version);
  /** Every writer user of a live destination, by name: users.xml is rewritten whole. */
  const users = new Map<string, ClickHouseUser>();
  const writeUsers = () => server.setUsers([...users.values()]);

  return {
    provider: clickhouseProvider,
    timePrecisionMs: features.dateTime64 ? 1 : 1000,
    supportsAutoCreate: false,
    duplicates: 'collapsed',
    insertOnlyUser: features.sqlUsers,
    // 1969: before what DateTime holds (18.16 would store another time without a word).
    badRowEvent: () => ({ eventType: 'order.completed', occurredAt: '1969-07-20T20:17:40.000Z', source: 's', payload: { moon: true } }),
    ...sharedConfigVariants(otherCa.caPem),
    stop: () => server.stop(),
    start: () => server.start(),
    async createDestination(setup = {}): Promise<ConformanceDestination<ClickHouseDestinationConfig>> {
      const suffix = randomBytes(6).toString('hex');
      const database = `conf_${suffix}`;
      const writer = { name: `writer_${suffix}`, password: WRITER_PASSWORD };
      const tables = setup.tables ?? [TABLE];
      await server.query(`CREATE DATABASE ${database}`);
      for (const table of tables) await server.query(createTableSql(database, table, features));
      // 18.16 has no GRANT: "INSERT granted" is the user's allow_databases naming the database.
      const granted = setup.grantInsert !== false;
      users.set(writer.name, { ...writer, profile: 'insert_only', databases: [granted ? database : `none_${suffix}`] });
      await writeUsers();
      const config = clickhouseDestinationConfigSchema.parse({
        type: 'CLICKHOUSE',
        name: 'conformance',
        host: 'localhost',
        port: server.httpsPort,
        database,
        table: TABLE,
        tls: true,
        tlsCa: certs.caPem,
        auth: { mode: 'PASSWORD', username: writer.name, password: writer.password },
        serverVersion: server.version,
        ...setup.config,
      });
      return {
        config,
        baseTable: TABLE,
        rows: async (table = TABLE) => {
          const text = await server.query(`SELECT * FROM ${qualifiedTable(database, table)} FINAL FORMAT JSONEachRow`);
          return text
            .split('\n')
            .filter((line) => line !== '')
            .map((line) => storedRow(JSON.parse(line) as Record<string, string | null>));
        },
        runAsAdmin: async (sqlText) => {
          for (const statement of sqlStatementsOf(sqlText)) await server.query(statement);
          const pasted = usersXmlOf(sqlText);
          if (pasted === undefined) return;
          const user = users.get(pasted.name);
          if (user === undefined) throw new Error(`the guide names user ${pasted.name}, which this destination does not have`);
          users.set(pasted.name, { ...user, databases: pasted.databases });
          await writeUsers();
          await waitFor(() => allows(() => server.queryAs(writer, 'SELECT 1', { database })), {
            timeoutMs: 20_000,
            description: `ClickHouse to give ${writer.name} database ${database}`,
          });
        },
        privilegesOf: async (table) => ({
          // What the server lets the writer do, tried for real: an INSERT of no rows, and a SELECT of none.
          insert: await allows(() => server.queryAs(writer, insertSql(database, table))),
          select: await allows(() => server.queryAs(writer, `SELECT 1 FROM ${qualifiedTable(database, table)} LIMIT 0`)),
        }),
        writerConnections: async () => {
          // The administrator's own request is one of the server's HTTP connections.
          const text = await server.query("SELECT value FROM system.metrics WHERE metric = 'HTTPConnection'");
          return Number(text.trim()) - 1;
        },
        drop: async () => {
          await server.query(`DROP DATABASE IF EXISTS ${database}`);
          users.delete(writer.name);
        },
      };
    },
    destroy: async () => {
      await server.destroy();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
});
