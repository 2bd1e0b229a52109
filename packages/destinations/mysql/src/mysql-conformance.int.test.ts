import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describeDestinationConformance, sharedConfigVariants, type ConformanceDestination, type StoredRow } from '@pushrail/destination-core/conformance';
import {
  createMariadbCustomerDatabase,
  CUSTOMER_WRITER_USER,
  makeTestCertificates,
  startMariadbServer,
  withMariadbConnection,
} from '@pushrail/testing';
import type { RowDataPacket } from 'mysql2/promise';
import { createTableSql } from './envelope-sql';
import { accountOf, qualifiedTable, quoteIdent } from './identifiers';
import { mysqlDestinationConfigSchema, type MysqlDestinationConfig } from './mysql-destination-config';
import { mysqlProvider } from './mysql-provider';

const TABLE = 'events';

/** MariaDB's JSON is LONGTEXT (read back as text); MySQL 8's is a type of its own (read back parsed). */
function jsonOf(value: unknown): unknown {
  return typeof value === 'string' ? JSON.parse(value) : value;
}

/** A row as mysql2 reads it (DATETIME as UTC, `timezone: 'Z'`), in the suite's terms. */
function storedRow(row: RowDataPacket): StoredRow {
  return {
    eventId: row.event_id as string,
    eventType: row.event_type as string,
    occurredAt: (row.occurred_at as Date).toISOString(),
    customerExternalId: row.customer_external_id as string | null,
    source: row.source as string,
    payload: jsonOf(row.payload),
    metadata: jsonOf(row.metadata),
    receivedAt: (row.received_at as Date).toISOString(),
  };
}

describeDestinationConformance<MysqlDestinationConfig>('MySQL (MariaDB 10.11)', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pushrail-mysql-conformance-'));
  // The server's certificate names `localhost` only: connecting by 127.0.0.1 is a wrong host name.
  const [certs, otherCa] = await Promise.all([
    makeTestCertificates({ hostnames: ['localhost'], dir: path.join(dir, 'server') }),
    makeTestCertificates({ hostnames: ['localhost'], dir: path.join(dir, 'other') }),
  ]);
  // A server whose defaults are wrong for us on purpose: latin1, and a time zone that is not UTC.
  // The writer's session settings must make rows land as if they were utf8mb4 and UTC.
  const server = await startMariadbServer({
    ssl: certs,
    extraArgs: ['--character-set-server=latin1', '--collation-server=latin1_swedish_ci', '--default-time-zone=+05:00'],
  });
  const rootQuery = async <T extends RowDataPacket[]>(database: string, sql: string, values: unknown[] = []) =>
    withMariadbConnection({ ...server.rootOptions(database), timezone: 'Z' }, async (c) => (await c.query<T>(sql, values))[0]);

  return {
    provider: mysqlProvider,
    timePrecisionMs: 1,
    supportsAutoCreate: true,
    // Year 999: an ISO time the envelope takes and DATETIME's range (1000 to 9999) does not.
    badRowEvent: () => ({ eventType: 'order.completed', occurredAt: '0999-05-26T14:21:08.493Z', source: 's', payload: { ok: true } }),
    ...sharedConfigVariants(otherCa.caPem),
    stop: () => server.stop(),
    start: () => server.start(),
    async createDestination(setup = {}): Promise<ConformanceDestination<MysqlDestinationConfig>> {
      const tables = setup.tables ?? [TABLE];
      const writer = accountOf(CUSTOMER_WRITER_USER);
      const customer = await createMariadbCustomerDatabase(server, {
        prefix: 'conf',
        setupSql: (database) =>
          [
            ...tables.map((t) => createTableSql(database, t)),
            ...(setup.grantInsert === false ? [] : tables.map((t) => `GRANT INSERT ON ${qualifiedTable(database, t)} TO ${writer};`)),
            ...(setup.grantCreate ? [`GRANT CREATE, INSERT ON ${quoteIdent(database)}.* TO ${writer};`] : []),
          ].join('\n'),
      });
      const config = mysqlDestinationConfigSchema.parse({
        type: 'MYSQL',
        name: 'conformance',
        host: 'localhost',
        port: server.port,
        database: customer.database,
        table: TABLE,
        tls: true,
        tlsCa: certs.caPem,
        auth: { mode: 'PASSWORD', username: CUSTOMER_WRITER_USER, password: customer.writerPassword },
        ...setup.config,
      });
      const { database } = customer;
      return {
        config,
        baseTable: TABLE,
        rows: async (table = TABLE) => (await rootQuery(database, `SELECT * FROM ${qualifiedTable(database, table)}`)).map(storedRow),
        runAsAdmin: (sqlText) => withMariadbConnection(server.rootOptions(database), async (c) => void (await c.query(sqlText))),
        privilegesOf: async (table) => {
          // Grants on the table itself, or on every table of the database.
          const rows = await rootQuery(
            database,
            'SELECT PRIVILEGE_TYPE AS p FROM information_schema.TABLE_PRIVILEGES WHERE GRANTEE = ? AND TABLE_SCHEMA = ? AND TABLE_NAME = ? ' +
              'UNION SELECT PRIVILEGE_TYPE FROM information_schema.SCHEMA_PRIVILEGES WHERE GRANTEE = ? AND TABLE_SCHEMA = ?',
            [`'${CUSTOMER_WRITER_USER}'@'%'`, database, table, `'${CUSTOMER_WRITER_USER}'@'%'`, database],
          );
          const held = new Set(rows.map((r) => r.p as string));
          return { insert: held.has('INSERT'), select: held.has('SELECT') };
        },
        writerConnections: async () => {
          const rows = await rootQuery(database, 'SELECT COUNT(*) AS n FROM information_schema.PROCESSLIST WHERE USER = ?', [CUSTOMER_WRITER_USER]);
          return Number(rows[0]!.n);
        },
        drop: () => customer.drop(),
      };
    },
    destroy: async () => {
      await server.destroy();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
});
