import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { startPostgresServer, type PostgresServer } from './postgres-server';
import { makeTestCertificates, type TestCertificates } from './test-certificates';

describe('startPostgresServer with ssl, on makeTestCertificates', () => {
  let dir: string;
  let certs: TestCertificates;
  let server: PostgresServer;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pushrail-certs-'));
    certs = await makeTestCertificates({ hostnames: ['localhost', '127.0.0.1'], dir });
    server = await startPostgresServer({ ssl: certs });
  });

  afterAll(async () => {
    await server.destroy();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  /** Connects with TLS verifying against `ca` for `servername`; resolves to the session's ssl flag. */
  async function sslSession(ca: string, servername: string): Promise<boolean> {
    const client = new Client({
      host: server.host,
      port: server.port,
      user: 'postgres',
      database: 'postgres',
      ssl: { ca, servername, rejectUnauthorized: true },
    });
    client.on('error', () => undefined);
    await client.connect();
    try {
      const { rows } = await client.query('SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()');
      return rows[0].ssl as boolean;
    } finally {
      await client.end();
    }
  }

  it('serves TLS that verifies against the test CA for a name in subjectAltName', async () => {
    expect(certs.caPem).toContain('BEGIN CERTIFICATE');
    expect(await sslSession(certs.caPem, 'localhost')).toBe(true);
  });

  it('fails verification for a name the certificate does not carry', async () => {
    await expect(sslSession(certs.caPem, 'db.example.com')).rejects.toThrow(/altnames|Hostname/i);
  });

  it('fails verification against another CA', async () => {
    const other = await makeTestCertificates({ hostnames: ['localhost'], dir: path.join(dir, 'other') });
    await expect(sslSession(other.caPem, 'localhost')).rejects.toThrow(/self[- ]signed|unable to verify|certificate/i);
  });
});
