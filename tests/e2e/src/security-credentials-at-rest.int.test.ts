/**
 * Destination credentials at rest: AES-256-GCM under PUSHRAIL_ENCRYPTION_KEY,
 * rotated with PUSHRAIL_ENCRYPTION_OLD_KEYS and the `pnpm reencrypt`
 * command (the built packages/control-db/dist/reencrypt-cli.js, run as a real
 * process, as are the workers), tampering that fails loudly, and a pg_dump of
 * the control database that holds no secret.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { Writable } from 'node:stream';
import { DestinationStore } from '@pushrail/control-db';
import { DecryptionFailedError, generateEncryptionKey, Keyring, UnknownEncryptionKeyError } from '@pushrail/crypto';
import { findPostgresBinDir, runCommand, waitFor, withPgClient } from '@pushrail/testing';
import { ADMIN_TOKEN, envelopeSetupSql, Pipeline, seedEvent } from './pipeline';
import { startWorkerProcess } from './worker-process';

/** The built command (`pnpm test` builds before jest runs). */
const REENCRYPT_CLI = path.resolve(__dirname, '../../../packages/control-db/dist/reencrypt-cli.js');

const TABLES = ['events', 'events_b', 'events_c'];

interface CommandResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs pnpm reencrypt with exactly this environment (nothing inherited but PATH). */
function reencrypt(env: Record<string, string>): Promise<CommandResult> {
  return new Promise((resolve) => {
    execFile(process.execPath, [REENCRYPT_CLI], { env: { PATH: process.env.PATH, ...env }, timeout: 30_000 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

/** Flips one bit of the GCM tag: still well-formed, no longer authentic. */
function tamper(ciphertext: string): string {
  const parts = ciphertext.split('.');
  const tag = Buffer.from(parts[4]!, 'base64url');
  tag[7] = tag[7]! ^ 0x10;
  parts[4] = tag.toString('base64url');
  return parts.join('.');
}

function keyIdOf(key: string): string {
  return new Keyring({ currentKey: key }).currentKeyId;
}

describe('credentials at rest: rotation, re-encryption, tampering, dump', () => {
  const keyB = generateEncryptionKey();
  const logLines: string[] = [];
  let pipeline: Pipeline;
  let keyA: string;
  let destinationIds: string[];

  const ciphertexts = async (): Promise<Map<string, string>> =>
    withPgClient(pipeline.controlDatabase.url, async (client) => {
      const { rows } = await client.query('SELECT id, secrets_ciphertext FROM destinations');
      return new Map(rows.map((r) => [r.id as string, r.secrets_ciphertext as string]));
    });

  /** Waits until `eventId` is a row of every table (each a destination of its own). */
  const landedEverywhere = (eventId: string) =>
    waitFor(
      async () => {
        for (const table of TABLES) if (!(await pipeline.rows(table)).some((r) => r.event_id === eventId)) return false;
        return true;
      },
      { description: `event ${eventId} in ${TABLES.join(', ')}`, timeoutMs: 20_000 },
    );

  beforeAll(async () => {
    pipeline = await Pipeline.start({
      startWorker: false,
      customerSetupSql: envelopeSetupSql('pushrail', TABLES),
      logLevel: 'info',
      logDestination: new Writable({
        write(chunk, _encoding, done) {
          logLines.push(...String(chunk).split('\n').filter((l) => l.length > 0));
          done();
        },
      }),
    });
    keyA = pipeline.encryptionKey;
    destinationIds = [pipeline.destinationId];
    for (const table of TABLES.slice(1)) {
      const created = await pipeline.admin('POST', '/admin/v1/destinations', {
        tenantId: pipeline.tenantId,
        ...pipeline.destinationConfig({ table, name: `Customer Postgres ${table}` }),
      });
      expect(created.status).toBe(201);
      destinationIds.push(created.body.id);
    }
  });

  afterAll(async () => {
    await pipeline.close();
  });

  it('keeps delivering through a rotation: B current with A old, re-encrypt, then B alone', async () => {
    const idA = keyIdOf(keyA);
    const idB = keyIdOf(keyB);
    for (const ciphertext of (await ciphertexts()).values()) expect(ciphertext.startsWith(`v1.${idA}.`)).toBe(true);

    // A worker restarted with the new key, the old one kept for decryption.
    const rotating = await startWorkerProcess(
      pipeline.workerEnv({ PUSHRAIL_ENCRYPTION_KEY: keyB, PUSHRAIL_ENCRYPTION_OLD_KEYS: keyA }),
    );
    try {
      const sent = await pipeline.postEvent(seedEvent({ idempotencyKey: 'during-rotation' }));
      expect(sent.status).toBe(202);
      await landedEverywhere(sent.body.eventId);
    } finally {
      expect(await rotating.terminate()).toBe(0);
    }
    expect(rotating.output()).not.toContain(pipeline.customer.writerPassword);

    const env = { DATABASE_URL: pipeline.controlDatabase.url, PUSHRAIL_ENCRYPTION_KEY: keyB, PUSHRAIL_ENCRYPTION_OLD_KEYS: keyA };
    const first = await reencrypt(env);
    expect(first).toEqual({
      code: 0,
      stdout: `pnpm reencrypt: re-encrypted 3 destination(s) under key ${idB}; 0 already under it; 0 changed meanwhile; 0 failed\n`,
      stderr: '',
    });
    const stored = await ciphertexts();
    for (const id of destinationIds) expect(stored.get(id)?.startsWith(`v1.${idB}.`)).toBe(true);
    const again = await reencrypt(env);
    expect(again.stdout).toBe(`pnpm reencrypt: re-encrypted 0 destination(s) under key ${idB}; 3 already under it; 0 changed meanwhile; 0 failed\n`);

    // Now B alone decrypts everything, and A alone nothing.
    const onlyB = new DestinationStore(pipeline.db, new Keyring({ currentKey: keyB }));
    const onlyA = new DestinationStore(pipeline.db, new Keyring({ currentKey: keyA }));
    for (const id of destinationIds) {
      expect((await onlyB.load(id))?.config.auth).toEqual({
        mode: 'PASSWORD',
        username: pipeline.customer.writerUser,
        password: pipeline.customer.writerPassword,
      });
      await expect(onlyA.load(id)).rejects.toBeInstanceOf(UnknownEncryptionKeyError);
    }
    const afterRotation = await startWorkerProcess(pipeline.workerEnv({ PUSHRAIL_ENCRYPTION_KEY: keyB }));
    try {
      const sent = await pipeline.postEvent(seedEvent({ idempotencyKey: 'after-rotation' }));
      await landedEverywhere(sent.body.eventId);
    } finally {
      expect(await afterRotation.terminate()).toBe(0);
    }
  });

  it.each<[string, Record<string, string>, RegExp]>([
    ['no key', {}, /^pnpm reencrypt: invalid configuration: PUSHRAIL_ENCRYPTION_KEY is required/],
    ['a key of 16 bytes', { PUSHRAIL_ENCRYPTION_KEY: Buffer.alloc(16, 7).toString('base64') }, /PUSHRAIL_ENCRYPTION_KEY decodes to 16 bytes; expected exactly 32/],
    ['a bad old key', { PUSHRAIL_ENCRYPTION_KEY: keyB, PUSHRAIL_ENCRYPTION_OLD_KEYS: 'old-key-that-is-not-base64!' }, /PUSHRAIL_ENCRYPTION_OLD_KEYS entry #1 is not valid base64/],
  ])('pnpm reencrypt with %s stops with one line naming the variable, exit 2', async (_label, keys, message) => {
    const result = await reencrypt({ DATABASE_URL: pipeline.controlDatabase.url, ...keys });
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(message);
    for (const value of Object.values(keys)) expect(result.stderr).not.toContain(value);
  });

  it('pnpm reencrypt against an unreachable database says so in one line without the URL password', async () => {
    const result = await reencrypt({ DATABASE_URL: 'postgresql://pushrail:url-secret-pw@127.0.0.1:1/pushrail', PUSHRAIL_ENCRYPTION_KEY: keyB });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^pnpm reencrypt: .*ECONNREFUSED/);
    expect(result.stderr).not.toContain('url-secret-pw');
  });

  describe('a tampered ciphertext', () => {
    let tamperedId: string;

    beforeAll(async () => {
      const created = await pipeline.admin('POST', '/admin/v1/destinations', {
        tenantId: pipeline.tenantId,
        ...pipeline.destinationConfig({ name: 'Tampered', table: 'events_b' }),
      });
      tamperedId = created.body.id;
      const original = (await ciphertexts()).get(tamperedId)!;
      await withPgClient(pipeline.controlDatabase.url, (client) =>
        client.query('UPDATE destinations SET secrets_ciphertext = $2 WHERE id = $1', [tamperedId, tamper(original)]),
      );
    });

    afterAll(async () => {
      await pipeline.admin('DELETE', `/admin/v1/destinations/${tamperedId}`);
    });

    it('fails to load with DecryptionFailedError', async () => {
      await expect(pipeline.store.load(tamperedId)).rejects.toBeInstanceOf(DecryptionFailedError);
    });

    it.each([
      ['POST', '/test'],
      ['GET', '/ddl'],
      ['PATCH', ''],
    ])('makes %s /destinations/:id%s answer 500 that reveals nothing, and logs the cause loudly', async (method, route) => {
      const before = logLines.length;
      const answer = await pipeline.admin(method, `/admin/v1/destinations/${tamperedId}${route}`, method === 'PATCH' ? { name: 'x' } : undefined);
      expect(answer.status).toBe(500);
      expect(answer.body).toEqual({ error: { code: 'internal', message: 'internal error', requestId: expect.any(String) } });
      const logged = logLines.slice(before).map((line) => JSON.parse(line));
      expect(logged).toContainEqual(
        expect.objectContaining({ level: 50, msg: 'request failed', err: expect.objectContaining({ type: 'DecryptionFailedError' }) }),
      );
    });

    it('makes the worker that must deliver to it log the failure, and the other destinations still get the event', async () => {
      const worker = await startWorkerProcess(pipeline.workerEnv({ PUSHRAIL_ENCRYPTION_KEY: keyB, PUSHRAIL_ENCRYPTION_OLD_KEYS: keyA, LOG_LEVEL: 'info' }));
      try {
        const sent = await pipeline.postEvent(seedEvent({ idempotencyKey: 'with-a-tampered-destination' }));
        expect(sent.status).toBe(202);
        const logged = await waitFor(
          () =>
            worker
              .output()
              .split('\n')
              .filter((line) => line.startsWith('{'))
              .map((line) => JSON.parse(line))
              .find((entry) => entry.err?.type === 'DecryptionFailedError'),
          { description: 'the worker to log the tampered destination', timeoutMs: 20_000 },
        );
        expect(logged.level).toBeGreaterThanOrEqual(40); // warn or worse
        await landedEverywhere(sent.body.eventId);
      } finally {
        await worker.terminate();
      }
    });

    it('is reported by pnpm reencrypt, which exits 1 and leaves it as it is', async () => {
      const before = (await ciphertexts()).get(tamperedId);
      const result = await reencrypt({ DATABASE_URL: pipeline.controlDatabase.url, PUSHRAIL_ENCRYPTION_KEY: keyB, PUSHRAIL_ENCRYPTION_OLD_KEYS: keyA });
      expect(result.code).toBe(1);
      expect(result.stdout).toMatch(/^pnpm reencrypt: re-encrypted \d+ destination\(s\) under key [0-9a-f]{8}; \d+ already under it; 0 changed meanwhile; 1 failed\n$/);
      expect(result.stderr).toBe(`pnpm reencrypt: destination ${tamperedId} not re-encrypted: DecryptionFailedError: ciphertext failed authentication\n`);
      expect((await ciphertexts()).get(tamperedId)).toBe(before);
    });
  });

  it('leaves no password, write key or encryption key in a pg_dump of the control database', async () => {
    const canary = `dump-canary-password-${generateEncryptionKey()}`;
    const created = await pipeline.admin('POST', '/admin/v1/destinations', {
      tenantId: pipeline.tenantId,
      ...pipeline.destinationConfig({ name: 'Dump canary', auth: { mode: 'PASSWORD', username: 'pushrail_writer', password: canary } }),
    });
    expect(created.status).toBe(201);
    const { stdout: dump } = await runCommand(path.join(findPostgresBinDir(), 'pg_dump'), ['--no-owner', pipeline.controlDatabase.url]);
    // The dump holds the rows (so the checks below can fail): destinations, their ciphertexts, the key's display prefix.
    expect(dump).toContain('Dump canary');
    expect(dump).toMatch(/v1\.[0-9a-f]{8}\.[A-Za-z0-9_-]+\./);
    expect(dump).toContain(pipeline.writeKey.slice(0, 12));
    for (const secret of [canary, pipeline.customer.writerPassword, pipeline.writeKey, pipeline.writeKey.slice(12), keyA, keyB, ADMIN_TOKEN]) {
      expect(dump).not.toContain(secret);
    }
  });
});
