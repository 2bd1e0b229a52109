import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { Signer } from '@aws-sdk/rds-signer';
import { DeliveryError, rdsIamPassword } from '@pushrail/destination-core';
import { encodeEvents, type QueuedEvent } from '@pushrail/events';
import { scrubSecrets } from '@pushrail/observability';
import {
  getFreePort,
  makeTestCertificates,
  startPostgresServer,
  waitFor,
  withPgClient,
  type PostgresServer,
  type TestCertificates,
} from '@pushrail/testing';
import { Pool, type PoolClient } from 'pg';
import { poolConfigFor } from './connection-options';
import { createTableSql } from './envelope-sql';
import { PostgresWriter } from './postgres-writer';
import { postgresDestinationConfigSchema, type PostgresDestinationConfig } from './postgres-destination-config';


// RDS IAM against a real PostgreSQL with TLS. The role logs in with the
// `password` method over `hostssl` only: the server receives the token in
// clear inside TLS, as RDS does. PostgreSQL cannot check an AWS signature, so
// where a login must succeed the test plays RDS's part: it makes the token the
// role's password. The server looks the role up before it asks for the
// password, so the password must be set before the connection starts; hence
// the clock (JavaScript's Date only) is frozen while signing, which makes the
// SDK sign the same token every time (SigV4 has no nonce, only the time). A
// login then succeeds only if node-postgres presented exactly that token.

const IAM_USER = 'pushrail_iam';
const REGION = 'eu-west-2';
const DATABASE = 'customer';
/** Static test credentials: the SDK's default provider chain reads them from the environment. */
const ACCESS_KEY_ID = 'AKIAPUSHRAILTEST0001';
const SECRET_ACCESS_KEY = 'pushrail-test-secret-access-key-0123456789';

/** pg_hba: the IAM role only over TLS and with a clear-text password (inside TLS); never without TLS. */
const IAM_HBA = [
  'local all all trust',
  'host all postgres 127.0.0.1/32 trust',
  `hostssl all ${IAM_USER} 127.0.0.1/32 password`,
  `hostnossl all ${IAM_USER} 127.0.0.1/32 reject`,
  '',
].join('\n');

/** The instant the signer's clock is frozen at, so that each signature is the same. */
const SIGNING_TIME = new Date('2026-05-26T14:21:08.000Z');

/** Every timer API jest can fake except Date: pg, TLS and the pool keep real timers. */
const REAL_TIMERS = [
  'hrtime', 'nextTick', 'performance', 'queueMicrotask', 'requestAnimationFrame', 'cancelAnimationFrame',
  'requestIdleCallback', 'cancelIdleCallback', 'setImmediate', 'clearImmediate', 'setInterval', 'clearInterval',
  'setTimeout', 'clearTimeout',
] as const;

/** The real SDK signer, recording every token it hands out. */
class RecordingSigner extends Signer {
  readonly tokens: string[] = [];

  override async getAuthToken(): Promise<string> {
    const token = await super.getAuthToken();
    this.tokens.push(token);
    return token;
  }
}

/** The fields of an RDS IAM token: a presigned URL without its scheme. */
function parseToken(token: string) {
  const url = new URL(`https://${token}`);
  const query = Object.fromEntries(url.searchParams);
  const [accessKeyId, date, region, service, terminator] = (query['X-Amz-Credential'] ?? '').split('/');
  return { host: url.hostname, port: url.port, path: url.pathname, query, accessKeyId, date, region, service, terminator };
}

function queuedEvent(): QueuedEvent {
  return {
    id: randomUUID(),
    receivedAt: Date.now(),
    event: { eventType: 'order.completed', occurredAt: '2026-05-26T14:21:08.493Z', source: 'iam-test', payload: {} },
  };
}

/** Sets environment variables for one test and puts the old values back. */
function withEnv(values: Record<string, string | undefined>): () => void {
  const saved = Object.fromEntries(Object.keys(values).map((k) => [k, process.env[k]]));
  const apply = (v: Record<string, string | undefined>) => {
    for (const [k, value] of Object.entries(v)) {
      if (value === undefined) delete process.env[k];
      else process.env[k] = value;
    }
  };
  apply(values);
  return () => apply(saved);
}

describe('RDS IAM authentication, against PostgreSQL with TLS', () => {
  let dir: string;
  let certs: TestCertificates;
  let server: PostgresServer;
  let restoreEnv: () => void;
  let logOffset = 0;

  const config = (overrides: Record<string, unknown> = {}): PostgresDestinationConfig =>
    postgresDestinationConfigSchema.parse({
      type: 'POSTGRES',
      name: 'iam test',
      host: 'localhost',
      port: server.port,
      database: DATABASE,
      schema: 'pushrail',
      table: 'events',
      tls: true,
      tlsCa: certs.caPem,
      auth: { mode: 'RDS_IAM', username: IAM_USER, region: REGION },
      ...overrides,
    });

  const signerFor = (c: PostgresDestinationConfig) =>
    new RecordingSigner({ hostname: c.host, port: c.port, username: IAM_USER, region: REGION });

  /** Plays RDS: the next login of the IAM role succeeds with exactly this token. */
  const acceptToken = (token: string) =>
    withPgClient(server.superuserUrl(), async (client) => {
      await client.query(`ALTER ROLE ${IAM_USER} PASSWORD '${token.replace(/'/g, "''")}'`);
    });

  /** Server log lines written since the last call. */
  const newLogLines = (): string[] => {
    const text = fs.readFileSync(server.logFile).subarray(logOffset).toString('utf8');
    return text.split('\n');
  };

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pushrail-iam-'));
    const emptyFile = path.join(dir, 'empty-aws-config');
    fs.writeFileSync(emptyFile, '');
    // Only the environment's static keys: no shared config of this machine, no instance metadata.
    restoreEnv = withEnv({
      AWS_ACCESS_KEY_ID: ACCESS_KEY_ID,
      AWS_SECRET_ACCESS_KEY: SECRET_ACCESS_KEY,
      AWS_SESSION_TOKEN: undefined,
      AWS_PROFILE: undefined,
      AWS_CONFIG_FILE: emptyFile,
      AWS_SHARED_CREDENTIALS_FILE: emptyFile,
      AWS_EC2_METADATA_DISABLED: 'true',
      AWS_CONTAINER_CREDENTIALS_FULL_URI: undefined,
      AWS_CONTAINER_CREDENTIALS_RELATIVE_URI: undefined,
      AWS_WEB_IDENTITY_TOKEN_FILE: undefined,
    });
    certs = await makeTestCertificates({ hostnames: ['localhost', '127.0.0.1'], dir: path.join(dir, 'certs') });
    server = await startPostgresServer({ ssl: certs });
    fs.writeFileSync(path.join(server.dataDir, 'pg_hba.conf'), IAM_HBA);
    await withPgClient(server.superuserUrl(), async (client) => {
      await client.query(`CREATE ROLE ${IAM_USER} LOGIN PASSWORD 'not-a-token'`);
      await client.query(`CREATE DATABASE ${DATABASE}`);
      await client.query('SELECT pg_reload_conf()');
    });
    await withPgClient(server.superuserUrl(DATABASE), async (client) => {
      await client.query(`CREATE SCHEMA pushrail; GRANT USAGE ON SCHEMA pushrail TO ${IAM_USER}`);
      await client.query(createTableSql('pushrail', 'events'));
      await client.query(`GRANT INSERT ON pushrail.events TO ${IAM_USER}`);
    });
  });

  beforeEach(() => {
    logOffset = fs.statSync(server.logFile).size;
  });

  afterAll(async () => {
    restoreEnv?.();
    await server?.destroy();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('signs a fresh token for every new pool connection and presents exactly it, over TLS', async () => {
    jest.useFakeTimers({ now: SIGNING_TIME, doNotFake: [...REAL_TIMERS] });
    const c = config();
    const signer = signerFor(c);
    const expected = await signerFor(c).getAuthToken();
    await acceptToken(expected);
    const poolConfig = await poolConfigFor(c, { allowPrivateHosts: true }, { max: 3, signer });
    expect(poolConfig.ssl).toMatchObject({ rejectUnauthorized: true, servername: 'localhost' });
    const pool = new Pool(poolConfig);
    const held: PoolClient[] = [];
    try {
      // One at a time, each held, so each is a new connection with its own login.
      for (let i = 0; i < 3; i++) held.push(await pool.connect());
      expect(signer.tokens).toEqual([expected, expected, expected]);

      const sessions = await withPgClient(server.superuserUrl(), async (client) =>
        (
          await client.query(
            `SELECT s.ssl FROM pg_stat_ssl s JOIN pg_stat_activity a USING (pid) WHERE a.usename = $1`,
            [IAM_USER],
          )
        ).rows.map((r) => r.ssl),
      );
      expect(sessions).toEqual([true, true, true]);

      // The pool hands back an idle connection without a new login, and without signing.
      held.pop()?.release();
      held.push(await pool.connect());
      expect(signer.tokens).toHaveLength(3);
      await held[0]!.query('INSERT INTO pushrail.events (event_id, event_type, occurred_at, source, payload) VALUES ($1, $2, now(), $3, $4)', [
        randomUUID(), 'iam.probe', 'iam-test', '{}',
      ]);
    } finally {
      jest.useRealTimers();
      for (const client of held) client.release();
      await pool.end();
    }

    for (const token of signer.tokens) {
      const fields = parseToken(token);
      expect(fields).toMatchObject({
        host: 'localhost',
        port: String(server.port),
        path: '/',
        accessKeyId: ACCESS_KEY_ID,
        region: REGION,
        service: 'rds-db',
        terminator: 'aws4_request',
      });
      expect(fields.date).toBe('20260526');
      expect(fields.query).toMatchObject({
        Action: 'connect',
        DBUser: IAM_USER,
        'X-Amz-Algorithm': 'AWS4-HMAC-SHA256',
        'X-Amz-Date': '20260526T142108Z',
        'X-Amz-Expires': '900', // 15 minutes: RDS's limit
        'X-Amz-SignedHeaders': 'host',
      });
      expect(fields.query['X-Amz-Signature']).toMatch(/^[0-9a-f]{64}$/);
      // Nothing of the secret key travels in the token.
      expect(token).not.toContain(SECRET_ACCESS_KEY);
    }
  });

  it('presents a token from the default signer (credentials from the environment) over TLS; a refused token is permanent', async () => {
    // The role's password is not the token PostgresWriter's own signer makes: a refused token, as RDS refuses one.
    await withPgClient(server.superuserUrl(), (client) => client.query(`ALTER ROLE ${IAM_USER} PASSWORD 'not-a-token'`));
    const destination = new PostgresWriter(config(), { allowPrivateHosts: true, maxConnections: 2 });
    try {
      const error = await destination.write(encodeEvents([queuedEvent()])).then(() => undefined, (e: unknown) => e);
      expect(error).toBeInstanceOf(DeliveryError);
      expect(error).toMatchObject({ kind: 'permanent', code: '28P01' });
      expect((error as Error).message).toBe(`password authentication failed for user "${IAM_USER}"`);

      const report = await destination.test();
      expect(report).toEqual({ ok: false, checks: expect.arrayContaining([{ name: 'connect', ok: false, message: (error as Error).message }]) });
    } finally {
      await destination.close();
    }
    // The server did receive a token from the default signer, over TLS (the hostssl line), for the IAM role.
    await waitFor(
      () => newLogLines().filter((l) => l.includes(`password authentication failed for user "${IAM_USER}"`)).length >= 2,
      { description: 'two refused IAM logins in the server log' },
    );
    const matched = newLogLines().filter((l) => l.includes('Connection matched'));
    expect(matched.length).toBeGreaterThanOrEqual(2);
    for (const line of matched) expect(line).toContain(`hostssl all ${IAM_USER} 127.0.0.1/32 password`);
  });

  it('a token is never shown: scrubSecrets removes its signature and access key id', async () => {
    const token = await signerFor(config()).getAuthToken();
    const { query } = parseToken(token);
    const scrubbed = scrubSecrets(`login with ${token} failed`);
    expect(scrubbed).not.toContain(query['X-Amz-Signature']);
    expect(scrubbed).not.toContain(ACCESS_KEY_ID);
    expect(scrubbed).toContain('X-Amz-Signature=[REDACTED]');
  });

  it('classifies missing AWS credentials as permanent, at delivery and at /test', async () => {
    const restore = withEnv({ AWS_ACCESS_KEY_ID: undefined, AWS_SECRET_ACCESS_KEY: undefined });
    const destination = new PostgresWriter(config(), { allowPrivateHosts: true, maxConnections: 1 });
    try {
      const error = await destination.write(encodeEvents([queuedEvent()])).then(() => undefined, (e: unknown) => e);
      expect(error).toBeInstanceOf(DeliveryError);
      expect(error).toMatchObject({ kind: 'permanent', code: 'IAM_CREDENTIALS' });
      expect((error as Error).message).toMatch(/^RDS IAM: no usable AWS credentials to sign a token \(CredentialsProviderError: Could not load credentials from any providers\)/);

      const report = await destination.test();
      expect(report.ok).toBe(false);
      expect(report.checks.at(-1)).toEqual({ name: 'connect', ok: false, message: (error as Error).message });
    } finally {
      restore();
      await destination.close();
    }
  });

  it('classifies an unreachable credential endpoint as transient', async () => {
    // A credential endpoint (as ECS or an STS proxy serves) that is down: nothing listens on this port.
    const port = await getFreePort();
    const c = config();
    const signer = new RecordingSigner({
      hostname: c.host,
      port: c.port,
      username: IAM_USER,
      region: REGION,
      credentials: async () => {
        const response = await fetch(`http://127.0.0.1:${port}/credentials`);
        return (await response.json()) as { accessKeyId: string; secretAccessKey: string };
      },
    });
    const password = rdsIamPassword(c, signer);
    const error = await password().then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(DeliveryError);
    expect(error).toMatchObject({ kind: 'transient', code: 'IAM_SIGNER_ECONNREFUSED' });
    expect((error as Error).message).toBe(
      `RDS IAM: could not sign a login token (TypeError: fetch failed <- Error ECONNREFUSED: connect ECONNREFUSED 127.0.0.1:${port})`,
    );

    // And the same through a pool connection: the connect fails with the classified error.
    const pool = new Pool(await poolConfigFor(c, { allowPrivateHosts: true }, { max: 1, signer }));
    try {
      await expect(pool.connect()).rejects.toMatchObject({ kind: 'transient', code: 'IAM_SIGNER_ECONNREFUSED' });
    } finally {
      await pool.end();
    }
    expect(signer.tokens).toEqual([]);
  });
});
