import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { DeliveryError } from '@pushrail/destination-core';
import { encodeEvents, type QueuedEvent } from '@pushrail/events';
import {
  createCustomerDatabase,
  makeTestCertificates,
  startPostgresServer,
  waitFor,
  withPgClient,
  type CustomerDatabase,
  type PostgresServer,
  type TestCertificates,
} from '@pushrail/testing';
import { createTableSql } from './envelope-sql';
import { qualifiedTable, quoteIdent } from './identifiers';
import { PostgresWriter } from './postgres-writer';
import { postgresDestinationConfigSchema } from './postgres-destination-config';

// TLS to the destination against real PostgreSQL servers with `ssl = on` and
// certificates from a CA this file makes with openssl.

const WRITER = 'pushrail_writer';
const WRITER_PASSWORD = 'tls-test-writer-password';
const DATABASE = 'customer';

/** The customer's set-up on a server of our own: the INSERT-only role and the envelope table. */
async function prepareCustomer(server: PostgresServer): Promise<void> {
  await withPgClient(server.superuserUrl(), async (client) => {
    await client.query(`CREATE ROLE ${WRITER} LOGIN PASSWORD '${WRITER_PASSWORD}'`);
    await client.query(`CREATE DATABASE ${DATABASE}`);
  });
  await withPgClient(server.superuserUrl(DATABASE), async (client) => {
    await client.query(`REVOKE TEMPORARY ON DATABASE ${DATABASE} FROM PUBLIC`);
    await client.query('CREATE SCHEMA pushrail');
    await client.query(`GRANT USAGE ON SCHEMA pushrail TO ${WRITER}`);
    await client.query(createTableSql('pushrail', 'events'));
    await client.query(`GRANT INSERT ON ${qualifiedTable('pushrail', 'events')} TO ${quoteIdent(WRITER)}`);
  });
}

function queuedEvent(): QueuedEvent {
  return {
    id: randomUUID(),
    receivedAt: Date.now(),
    event: { eventType: 'order.completed', occurredAt: '2026-05-26T14:21:08.493Z', source: 'tls-test', payload: { ok: true } },
  };
}

/** What the server says about the TLS of the writer's open sessions (read as the superuser). */
async function writerSessionsSsl(server: PostgresServer): Promise<boolean[]> {
  return withPgClient(server.superuserUrl(), async (client) => {
    const { rows } = await client.query(
      `SELECT s.ssl FROM pg_stat_ssl s JOIN pg_stat_activity a USING (pid)
        WHERE a.usename = $1 AND a.application_name = 'pushrail'`,
      [WRITER],
    );
    return rows.map((r) => r.ssl as boolean);
  });
}

async function rowExists(server: PostgresServer, eventId: string): Promise<boolean> {
  return withPgClient(server.superuserUrl(DATABASE), async (client) => {
    const { rowCount } = await client.query('SELECT 1 FROM pushrail.events WHERE event_id = $1', [eventId]);
    return rowCount === 1;
  });
}

/** Writes one event and returns the DeliveryError it failed with (fails the test if it did not fail). */
async function writeFailure(destination: PostgresWriter): Promise<DeliveryError> {
  const error = await destination.write(encodeEvents([queuedEvent()])).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DeliveryError);
  return error as DeliveryError;
}

describe('TLS to the destination, against PostgreSQL servers with ssl = on', () => {
  let dir: string;
  let certs: TestCertificates;
  let otherCa: TestCertificates;
  let server: PostgresServer;
  const open: PostgresWriter[] = [];
  /** Servers started by nested describes, also checked for leftover sessions. */
  const extraServers: PostgresServer[] = [];

  /** A destination on `server` (defaults: verify-full against this file's CA by IP literal). */
  function destination(overrides: Record<string, unknown> = {}, target: { port: number } = server): PostgresWriter {
    const config = postgresDestinationConfigSchema.parse({
      type: 'POSTGRES',
      name: 'tls test',
      host: '127.0.0.1',
      port: target.port,
      database: DATABASE,
      schema: 'pushrail',
      table: 'events',
      tls: true,
      tlsCa: certs.caPem,
      auth: { mode: 'PASSWORD', username: WRITER, password: WRITER_PASSWORD },
      ...overrides,
    });
    const made = new PostgresWriter(config, { allowPrivateHosts: true, maxConnections: 2 });
    open.push(made);
    return made;
  }

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pushrail-tls-'));
    [certs, otherCa] = await Promise.all([
      makeTestCertificates({ hostnames: ['localhost', '127.0.0.1'], dir: path.join(dir, 'main') }),
      makeTestCertificates({ hostnames: ['localhost', '127.0.0.1'], dir: path.join(dir, 'other') }),
    ]);
    server = await startPostgresServer({ ssl: certs, passwordAuth: true });
    await prepareCustomer(server);
  });

  afterEach(async () => {
    await Promise.all(open.splice(0).map((d) => d.close()));
    // A closed client's backend exits a moment later; the next test counts sessions, so wait for it.
    for (const s of [server, ...extraServers]) {
      await waitFor(async () => (await writerSessionsSsl(s)).length === 0, { description: 'writer sessions to end' });
    }
  });

  afterAll(async () => {
    await server?.destroy();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  describe('verify-full with the destination CA (tlsCa)', () => {
    it.each([
      ['an IP literal, checked against the IP SAN', '127.0.0.1'],
      ['a DNS name, checked against the DNS SAN', 'localhost'],
    ])('delivers over TLS by %s, and the server sees an SSL session', async (_label, host) => {
      const target = destination({ host });
      const event = queuedEvent();
      await expect(target.write(encodeEvents([event]))).resolves.toEqual({ inserted: 1, skipped: 0, rejected: [] });
      expect(await rowExists(server, event.id)).toBe(true);
      // The pool keeps the connection open (idle), so the server still lists it.
      const sessions = await writerSessionsSsl(server);
      expect(sessions.length).toBeGreaterThan(0);
      expect(sessions.every((ssl) => ssl)).toBe(true);
    });

    it('passes /test with every check, naming the TLS mode', async () => {
      const report = await destination().test();
      expect(report.ok).toBe(true);
      expect(report.checks).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ name: 'connect', ok: true }),
          { name: 'tls', ok: true, message: 'TLS on (verify-full)' },
          expect.objectContaining({ name: 'insert', ok: true }),
        ]),
      );
    });
  });

  describe('refuses a certificate it cannot verify, permanently and in words an operator can act on', () => {
    it.each([
      ['no tlsCa (the private CA is not among the public roots)', () => ({ tlsCa: undefined })],
      ['a tlsCa of another CA', () => ({ tlsCa: otherCa.caPem })],
    ])('with %s', async (_label, overrides) => {
      const error = await writeFailure(destination(overrides()));
      expect(error.kind).toBe('permanent');
      // Which of the two depends on whether the server sends its chain; both mean "unknown CA".
      expect(['UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'SELF_SIGNED_CERT_IN_CHAIN']).toContain(error.code);
      expect(error.message).toMatch(/^TLS: the server certificate is not signed by a trusted CA; set tlsCa to your CA's PEM/);

      const report = await destination(overrides()).test();
      expect(report.ok).toBe(false);
      expect(report.checks.at(-1)).toEqual({ name: 'tls', ok: false, message: error.message });
      expect(await writerSessionsSsl(server)).toEqual([]);
    });
  });

  describe('a certificate for another host name', () => {
    let wrongName: TestCertificates;
    let wrongNameServer: PostgresServer;

    beforeAll(async () => {
      wrongName = await makeTestCertificates({ hostnames: ['db.example.test'], dir: path.join(dir, 'wrong-name') });
      wrongNameServer = await startPostgresServer({ ssl: wrongName, passwordAuth: true });
      await prepareCustomer(wrongNameServer);
      extraServers.push(wrongNameServer);
    });

    afterAll(async () => {
      extraServers.splice(extraServers.indexOf(wrongNameServer), 1);
      await wrongNameServer?.destroy();
    });

    it.each(['localhost', '127.0.0.1'])('is refused when connecting by %s, naming the host', async (host) => {
      const overrides = { host, tlsCa: wrongName.caPem };
      const error = await writeFailure(destination(overrides, wrongNameServer));
      expect(error.kind).toBe('permanent');
      expect(error.code).toBe('ERR_TLS_CERT_ALTNAME_INVALID');
      expect(error.message).toMatch(/^TLS: the server certificate does not name this host/);
      expect(error.message).toContain(`host "${host}" is not among the names the certificate is for: DNS:db.example.test`);

      const report = await destination(overrides, wrongNameServer).test();
      expect(report.ok).toBe(false);
      expect(report.checks.at(-1)).toEqual({ name: 'tls', ok: false, message: error.message });
    });

    it('is accepted with tlsMode "require", which encrypts without checking the name or the CA', async () => {
      const target = destination({ host: 'localhost', tlsCa: undefined, tlsMode: 'require' }, wrongNameServer);
      const event = queuedEvent();
      await expect(target.write(encodeEvents([event]))).resolves.toMatchObject({ inserted: 1 });
      expect(await rowExists(wrongNameServer, event.id)).toBe(true);
      expect(await writerSessionsSsl(wrongNameServer)).toEqual([true]);
      expect((await target.test()).checks).toContainEqual({ name: 'tls', ok: true, message: 'TLS on (require)' });
    });
  });

  it('with tlsMode "require" delivers to the self-signed-CA server without tlsCa, encrypted', async () => {
    const target = destination({ tlsCa: undefined, tlsMode: 'require' });
    await expect(target.write(encodeEvents([queuedEvent()]))).resolves.toMatchObject({ inserted: 1 });
    expect(await writerSessionsSsl(server)).toEqual([true]);
  });

  it('with tls false talks in clear to the same server (the SSL check above can fail)', async () => {
    const target = destination({ tls: false, tlsCa: undefined });
    await expect(target.write(encodeEvents([queuedEvent()]))).resolves.toMatchObject({ inserted: 1 });
    expect(await writerSessionsSsl(server)).toEqual([false]);
  });

  describe('a server without TLS', () => {
    let plain: CustomerDatabase;

    beforeAll(async () => {
      plain = await createCustomerDatabase({
        setupSql: `CREATE SCHEMA pushrail; GRANT USAGE ON SCHEMA pushrail TO ${WRITER};
                   ${createTableSql('pushrail', 'events')} GRANT INSERT ON pushrail.events TO ${WRITER};`,
      });
    });

    afterAll(async () => {
      await plain?.drop();
    });

    it.each([
      ['verify-full', {}],
      ['require', { tlsMode: 'require', tlsCa: undefined }],
    ])('fails permanently with tlsMode %s: "does not support TLS"', async (_mode, overrides) => {
      const settings = {
        host: plain.host,
        database: plain.database,
        auth: { mode: 'PASSWORD', username: plain.writerUser, password: plain.writerPassword },
        ...overrides,
      };
      const error = await writeFailure(destination(settings, plain));
      expect(error.kind).toBe('permanent');
      expect(error.code).toBe('TLS_NOT_SUPPORTED');
      expect(error.message).toBe('TLS: the server does not support TLS connections; enable TLS on the server or set tls: false');

      const report = await destination(settings, plain).test();
      expect(report.ok).toBe(false);
      expect(report.checks.at(-1)).toEqual({ name: 'tls', ok: false, message: error.message });
    });
  });
});
