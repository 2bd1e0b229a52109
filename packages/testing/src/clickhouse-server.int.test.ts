import fs from 'node:fs';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import { startClickHouseServer, type ClickHouseServer } from './clickhouse-server';
import { isPortOpen } from './free-port';
import { makeTestCertificates } from './test-certificates';

let server: ClickHouseServer;
let certDir: string;
let caPem: string;
const writer = { name: 'writer', password: 'writer-secret' };

beforeAll(async () => {
  certDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pushrail-ch-harness-'));
  const certs = await makeTestCertificates({ hostnames: ['localhost'], dir: certDir });
  caPem = certs.caPem;
  server = await startClickHouseServer({ tls: certs });
  await server.query('CREATE DATABASE mine');
  await server.query('CREATE DATABASE theirs');
  await server.query("CREATE TABLE mine.t (a UInt8) ENGINE = MergeTree ORDER BY a");
  await server.query("CREATE TABLE theirs.t (a UInt8) ENGINE = MergeTree ORDER BY a");
  await server.setUsers([{ ...writer, profile: 'insert_only', databases: ['mine'] }]);
}, 120_000);

afterAll(async () => {
  await server?.destroy();
  fs.rmSync(certDir, { recursive: true, force: true });
});

function httpsVersion(): Promise<string> {
  return new Promise((resolve, reject) => {
    const request = https.request(
      { host: '127.0.0.1', servername: 'localhost', port: server.httpsPort, path: '/?query=SELECT%20version()', ca: caPem, agent: false },
      (response) => {
        let body = '';
        response.on('data', (chunk: Buffer) => (body += chunk.toString()));
        response.on('end', () => resolve(body.trim()));
      },
    );
    request.on('error', reject);
    request.end();
  });
}

describe('startClickHouseServer (Debian 18.16)', () => {
  it('serves HTTP and HTTPS with the test certificate', async () => {
    expect(server.version).toMatch(/^18\.16\./);
    await expect(httpsVersion()).resolves.toBe(server.version);
  });

  it('gives the insert_only user exactly what 18.16 can: its database, INSERT and SELECT, no DDL unless it overrides allow_ddl per query', async () => {
    await server.queryAs(writer, 'INSERT INTO mine.t VALUES (1)');
    expect((await server.queryAs(writer, 'SELECT count() FROM mine.t')).trim()).toBe('1');
    await expect(server.queryAs(writer, 'INSERT INTO theirs.t VALUES (1)')).rejects.toThrow(/Code: 291/);
    await expect(server.queryAs(writer, 'CREATE TABLE mine.u (a UInt8) ENGINE = Memory')).rejects.toThrow(/Code: 392/);
    await expect(server.queryAs(writer, 'SET allow_ddl = 1')).rejects.toThrow(/Code: 392/);
    // readonly, the one restriction a client cannot lift, forbids INSERT as well: no INSERT-only user on 18.16.
    await expect(server.queryAs(writer, 'INSERT INTO mine.t VALUES (2)', { settings: { readonly: '2' } })).rejects.toThrow(/Code: 164/);
    // The gap the README names: a URL parameter still turns DDL on for one query.
    await server.queryAs(writer, 'CREATE TABLE mine.u (a UInt8) ENGINE = Memory', { settings: { allow_ddl: '1' } });
    expect((await server.query("SELECT count() FROM system.tables WHERE database = 'mine' AND name = 'u'")).trim()).toBe('1');
  });

  it('stops for real (the port closes) and starts again on the same port with its data', async () => {
    await server.stop();
    expect(await isPortOpen(server.host, server.httpPort)).toBe(false);
    await server.start();
    expect((await server.query('SELECT count() FROM mine.t')).trim()).toBe('1');
  });
});
