/**
 * Migration checksums from the outside (docs/operations.md): `pnpm migrate
 * --status` lists applied and pending migrations, and the built ingest and
 * worker refuse to start, with one line naming the migration, when an
 * applied migration's file differs from what was applied (made here by
 * changing the recorded checksum, as an edited file would look).
 */
import { execFile, spawn } from 'node:child_process';
import path from 'node:path';
import { withPgClient } from '@pushrail/testing';
import { spawnIngest, ingestEnv } from './ingest-process';
import { Pipeline } from './pipeline';

const MIGRATE_CLI = path.resolve(__dirname, '../../../packages/control-db/dist/cli.js');
const WORKER_MAIN = path.resolve(__dirname, '../../../apps/worker/dist/main.js');

function migrateCli(args: string[], databaseUrl: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [MIGRATE_CLI, ...args], { env: { PATH: process.env.PATH, DATABASE_URL: databaseUrl }, timeout: 30_000 }, (error, stdout, stderr) => {
      resolve({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : -1, stdout, stderr });
    });
  });
}

describe('migration checksums: status, and processes that refuse a changed migration', () => {
  let pipeline: Pipeline;

  beforeAll(async () => {
    pipeline = await Pipeline.start({ startWorker: false });
  });

  afterAll(async () => {
    await pipeline.close();
  });

  it('pnpm migrate --status lists every migration applied', async () => {
    const status = await migrateCli(['--status'], pipeline.controlDatabase.url);
    expect(status.code).toBe(0);
    expect(status.stdout).toMatch(/^000001  applied /m);
    expect(status.stdout).toMatch(/^\d+ applied, 0 pending\n$/m);
    const bad = await migrateCli(['--stauts'], pipeline.controlDatabase.url);
    expect(bad.code).toBe(2);
  });

  it('ingest and worker refuse to start when an applied migration changed; migrate --status says which', async () => {
    await withPgClient(pipeline.controlDatabase.url, (c) => c.query(`UPDATE schema_migrations SET checksum = repeat('0', 64) WHERE version = 2`));
    try {
      const ingest = await spawnIngest(ingestEnv(pipeline), { waitReady: false });
      expect(await ingest.exited).toBe(1);
      expect(ingest.output()).toMatch(/refusing to start: applied migration file\(s\) changed since they were applied: 2 \(dead_letter_redrive_indexes\)/);

      const worker = spawn(process.execPath, [WORKER_MAIN], { env: { ...pipeline.workerEnv(), WORKER_METRICS_PORT: '0' }, stdio: ['ignore', 'pipe', 'pipe'] });
      let output = '';
      worker.stdout!.on('data', (chunk) => (output += chunk));
      worker.stderr!.on('data', (chunk) => (output += chunk));
      expect(await new Promise((resolve) => worker.once('exit', resolve))).toBe(1);
      expect(output).toMatch(/refusing to start: .*2 \(dead_letter_redrive_indexes\)/);

      const status = await migrateCli(['--status'], pipeline.controlDatabase.url);
      expect(status.code).toBe(1);
      expect(status.stdout).toMatch(/^000002  changed /m);
      const migrate = await migrateCli([], pipeline.controlDatabase.url);
      expect(migrate.code).toBe(1);
      expect(migrate.stderr).toMatch(/^pushrail migrate: applied migration file\(s\) changed[^\n]*\n$/);
    } finally {
      await withPgClient(pipeline.controlDatabase.url, (c) => c.query('UPDATE schema_migrations SET checksum = NULL WHERE version = 2'));
    }
  });
});
