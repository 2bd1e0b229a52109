import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { DestinationStore } from '@pushrail/control-db';
import { generateEncryptionKey, Keyring } from '@pushrail/crypto';
import { Pipeline } from './pipeline';

const run = promisify(execFile);
const CLI = path.resolve(__dirname, '../../../apps/cli/dist/main.js');

describe('pushrail keys reencrypt', () => {
  let pipeline: Pipeline;
  beforeAll(async () => {
    pipeline = await Pipeline.start({ startWorker: false });
  });
  afterAll(async () => {
    await pipeline.close();
  });

  it('moves every destination to the new key, after which the old key is not needed', async () => {
    const newKey = generateEncryptionKey();
    const env = {
      PATH: process.env.PATH,
      DATABASE_URL: pipeline.controlDatabase.url,
      PUSHRAIL_ENCRYPTION_KEY: newKey,
      PUSHRAIL_ENCRYPTION_OLD_KEYS: pipeline.encryptionKey,
    };
    const { stdout } = await run(process.execPath, [CLI, 'keys', 'reencrypt'], { env });
    expect(stdout).toMatch(/re-encrypted 1 destination\(s\)/);
    expect(stdout).not.toContain(newKey);

    const onlyNew = new DestinationStore(pipeline.db, new Keyring({ currentKey: newKey }));
    const loaded = await onlyNew.load(pipeline.destinationId);
    expect(loaded?.config.auth).toMatchObject({ mode: 'PASSWORD', password: pipeline.customer.writerPassword });

    const again = await run(process.execPath, [CLI, 'keys', 'reencrypt'], { env });
    expect(again.stdout).toMatch(/re-encrypted 0 destination\(s\).*1 already under it/);
  });

  it('fails with one line and exit 2 on a bad key, never echoing it', async () => {
    const bad = 'not-a-key-at-all';
    const failure = await run(process.execPath, [CLI, 'keys', 'reencrypt'], {
      env: { PATH: process.env.PATH, DATABASE_URL: pipeline.controlDatabase.url, PUSHRAIL_ENCRYPTION_KEY: bad },
    }).then(
      () => undefined,
      (error: { code: number; stderr: string }) => error,
    );
    expect(failure?.code).toBe(2);
    expect(failure?.stderr.trim().split('\n')).toHaveLength(1);
    expect(failure?.stderr).toContain('PUSHRAIL_ENCRYPTION_KEY');
    expect(failure?.stderr).not.toContain(bad);
  });
});
