import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describeDestinationConformance, sharedConfigVariants, type ConformanceDestination, type StoredRow } from '@pushrail/destination-core/conformance';
import {
  createCustomerDatabase,
  CUSTOMER_WRITER_PASSWORD,
  CUSTOMER_WRITER_USER,
  makeTestCertificates,
  startPostgresServer,
  withPgClient,
} from '@pushrail/testing';
import { createTableSql } from './envelope-sql';
import { qualifiedTable, quoteIdent } from './identifiers';
import { postgresDestinationConfigSchema, type PostgresDestinationConfig } from './postgres-destination-config';
import { postgresProvider } from './postgres-provider';

const SCHEMA = 'pushrail';
const TABLE = 'events';

/** A row as node-postgres reads it, in the suite's terms. */
function storedRow(row: Record<string, unknown>): StoredRow {
  return {
    eventId: row.event_id as string,
    eventType: row.event_type as string,
    occurredAt: (row.occurred_at as Date).toISOString(),
    customerExternalId: row.customer_external_id as string | null,
    source: row.source as string,
    payload: row.payload,
    metadata: row.metadata,
    receivedAt: (row.received_at as Date).toISOString(),
  };
}

describeDestinationConformance<PostgresDestinationConfig>('PostgreSQL', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pushrail-pg-conformance-'));
  // The server's certificate names `localhost` only: connecting by 127.0.0.1 is a wrong host name.
  const [certs, otherCa] = await Promise.all([
    makeTestCertificates({ hostnames: ['localhost'], dir: path.join(dir, 'server') }),
    makeTestCertificates({ hostnames: ['localhost'], dir: path.join(dir, 'other') }),
  ]);
  const server = await startPostgresServer({ ssl: certs, passwordAuth: true });
  const serverUrl = server.superuserUrl('postgres');

  return {
    provider: postgresProvider,
    timePrecisionMs: 1,
    supportsAutoCreate: true,
    badRowEvent: () => ({ eventType: 'order.completed', occurredAt: '2026-05-26T14:21:08.493Z', source: 's', payload: { text: 'NUL \u0000 in JSONB' } }),
    ...sharedConfigVariants(otherCa.caPem),
    stop: () => server.stop('fast'),
    start: () => server.start(),
    async createDestination(setup = {}): Promise<ConformanceDestination<PostgresDestinationConfig>> {
      const tables = setup.tables ?? [TABLE];
      const writer = quoteIdent(CUSTOMER_WRITER_USER);
      const customer = await createCustomerDatabase({
        serverUrl,
        prefix: 'conf',
        setupSql: [
          `CREATE SCHEMA ${quoteIdent(SCHEMA)};`,
          `GRANT USAGE ON SCHEMA ${quoteIdent(SCHEMA)} TO ${writer};`,
          ...(setup.grantCreate ? [`GRANT CREATE ON SCHEMA ${quoteIdent(SCHEMA)} TO ${writer};`] : []),
          ...tables.map((t) => createTableSql(SCHEMA, t)),
          ...(setup.grantInsert === false ? [] : tables.map((t) => `GRANT INSERT ON ${qualifiedTable(SCHEMA, t)} TO ${writer};`)),
        ].join('\n'),
      });
      const config = postgresDestinationConfigSchema.parse({
        type: 'POSTGRES',
        name: 'conformance',
        host: 'localhost',
        port: server.port,
        database: customer.database,
        schema: SCHEMA,
        table: TABLE,
        tls: true,
        tlsCa: certs.caPem,
        auth: { mode: 'PASSWORD', username: CUSTOMER_WRITER_USER, password: CUSTOMER_WRITER_PASSWORD },
        ...setup.config,
      });
      const admin = <T>(fn: (client: import('pg').Client) => Promise<T>) => withPgClient(customer.adminUrl, fn);
      return {
        config,
        baseTable: TABLE,
        rows: (table = TABLE) => admin(async (c) => (await c.query(`SELECT * FROM ${qualifiedTable(SCHEMA, table)}`)).rows.map(storedRow)),
        runAsAdmin: (sqlText) => admin(async (c) => void (await c.query(sqlText))),
        privilegesOf: (table) =>
          admin(async (c) => {
            const qualified = qualifiedTable(SCHEMA, table);
            const { rows } = await c.query<{ insert: boolean; select: boolean }>(
              'SELECT has_table_privilege($1, $2, $3) AS insert, has_table_privilege($1, $2, $4) AS select',
              [CUSTOMER_WRITER_USER, qualified, 'INSERT', 'SELECT'],
            );
            return rows[0]!;
          }),
        writerConnections: () =>
          admin(async (c) => {
            const { rows } = await c.query<{ n: number }>('SELECT count(*)::int AS n FROM pg_stat_activity WHERE usename = $1 AND datname = $2', [
              CUSTOMER_WRITER_USER,
              customer.database,
            ]);
            return rows[0]!.n;
          }),
        drop: () => customer.drop(),
      };
    },
    destroy: async () => {
      await server.destroy();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
});
