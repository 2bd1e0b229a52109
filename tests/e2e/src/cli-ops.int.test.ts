/**
 * The operator's CLI commands (docs/operations.md), run as the built
 * `pushrail` (apps/cli/dist/main.js) against a running stack: destination
 * status and the list's state columns, destinations update, tenants list and
 * delete, write-key lists, --version, --yes on commands that drop data, and
 * redrive by filter in chunks.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { waitFor } from '@pushrail/testing';
import { ADMIN_TOKEN, Pipeline, queueJobTotal, seedEvent } from './pipeline';

const CLI = path.resolve(__dirname, '../../../apps/cli/dist/main.js');

interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

describe('pushrail CLI: operating commands', () => {
  let pipeline: Pipeline;

  function pushrail(args: string[], input?: string, extraEnv: Record<string, string> = {}): Promise<CliResult> {
    const env = { PATH: process.env.PATH, HOME: process.env.HOME, PUSHRAIL_URL: pipeline.baseUrl, PUSHRAIL_ADMIN_TOKEN: ADMIN_TOKEN, ...extraEnv };
    return new Promise((resolve) => {
      const child = execFile(process.execPath, [CLI, ...args], { env, timeout: 30_000 }, (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === 'number' ? error.code : -1;
        resolve({ code, stdout, stderr });
      });
      child.stdin?.end(input ?? '');
    });
  }

  async function pushrailJson(args: string[]): Promise<any> { // eslint-disable-line @typescript-eslint/no-explicit-any
    const result = await pushrail([...args, '--json']);
    if (result.code !== 0) throw new Error(`pushrail ${args.join(' ')} exited ${result.code}: ${result.stderr}`);
    return JSON.parse(result.stdout);
  }

  beforeAll(async () => {
    if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run pnpm build first`);
    pipeline = await Pipeline.start({ destination: { flushIntervalSec: 0.2 } });
  });

  afterAll(async () => {
    await pipeline?.close();
  });

  describe('destinations status and list', () => {
    it('shows the status of a destination, as a record and as JSON', async () => {
      expect((await pipeline.postBatch([seedEvent({ idempotencyKey: 'cli-status-1' }), seedEvent({ idempotencyKey: 'cli-status-2' })])).status).toBe(202);
      await waitFor(async () => (await pushrailJson(['destinations', 'status', pipeline.destinationId])).delivered24h === 2, {
        description: 'two events delivered, as the CLI shows',
      });
      const status = await pushrailJson(['destinations', 'status', pipeline.destinationId]);
      expect(status).toMatchObject({ state: 'active', queueDepth: 0, deadLettered24h: 0, lastError: null });

      const shown = await pushrail(['destinations', 'status', pipeline.destinationId]);
      expect(shown.code).toBe(0);
      expect(shown.stdout).toMatch(/state\s*│\s*active/);
      expect(shown.stdout).toMatch(/delivered24h\s*│\s*2/);
      expect(shown.stdout).toMatch(/lastDeliveredAt\s*│\s*\S+Z \(\d+s ago\)/);
    });

    it('lists destinations with their state, queue depth and last delivery', async () => {
      expect((await pipeline.admin('POST', `/admin/v1/destinations/${pipeline.destinationId}/pause`)).status).toBe(200);
      const listed = await pushrail(['destinations', 'list']);
      expect(listed.code).toBe(0);
      expect(listed.stdout).toMatch(/state\s*│\s*depth\s*│\s*last delivery/);
      const row = listed.stdout.split('\n').find((line) => line.includes(pipeline.destinationId))!;
      expect(row).toMatch(/paused \(operator\)\s*│\s*0\s*│\s*\d+s ago/);
      expect((await pipeline.admin('POST', `/admin/v1/destinations/${pipeline.destinationId}/resume`)).status).toBe(200);
    });

    it('an unknown destination is one error line and exit 1', async () => {
      const result = await pushrail(['destinations', 'status', '00000000-0000-4000-8000-000000000000']);
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(/^pushrail: [^\n]*no such destination[^\n]*\n$/);
    });
  });

  describe('everyday operator commands', () => {
    it('prints its version', async () => {
      const version = JSON.parse(readFileSync(path.resolve(__dirname, '../../../apps/cli/package.json'), 'utf8')).version as string;
      expect(await pushrail(['--version'])).toEqual({ code: 0, stdout: `${version}\n`, stderr: '' });
    });

    it('lists the control database migrations with migrate --status', async () => {
      const status = await pushrail(['migrate', '--status'], undefined, { DATABASE_URL: pipeline.controlDatabase.url });
      expect(status.code).toBe(0);
      expect(status.stdout).toMatch(/^000001  applied /m);
      expect(status.stdout).toMatch(/^\d+ applied, 0 pending$/m);
    });

    it('updates a destination with --set, validated like a create', async () => {
      const updated = await pushrailJson(['destinations', 'update', pipeline.destinationId, '--set', 'batchSize=250', '--set', 'name=Orders DB']);
      expect(updated).toMatchObject({ id: pipeline.destinationId, name: 'Orders DB', config: { batchSize: 250 } });
      // null removes a field: the default comes back.
      const reset = await pushrailJson(['destinations', 'update', pipeline.destinationId, '--set', 'batchSize=null']);
      expect(reset.config.batchSize).toBe(1000);
      const refused = await pushrail(['destinations', 'update', pipeline.destinationId, '--set', 'batchSize=500000']);
      expect(refused.code).toBe(1);
      expect(refused.stderr).toMatch(/^pushrail: [^\n]*batchSize[^\n]*\n$/);
      const empty = await pushrail(['destinations', 'update', pipeline.destinationId]);
      expect(empty.code).toBe(2);
    });

    it('lists tenants a page at a time, and a tenant\'s write keys under write-keys and keys', async () => {
      const page = await pushrailJson(['tenants', 'list', '--limit', '1']);
      expect(page.items).toHaveLength(1);
      const all = await pushrailJson(['tenants', 'list', '--limit', '1', '--all']);
      expect(all.items.map((t: { id: string }) => t.id)).toContain(pipeline.tenantId);
      expect(all.nextCursor).toBeNull();
      const table = await pushrail(['tenants', 'list']);
      expect(table.stdout).toMatch(/│ id\s+│ name\s+│ rate limit\s+│ created\s+│/);

      for (const group of ['write-keys', 'keys']) {
        const keys = await pushrail([group, 'list', pipeline.tenantId]);
        expect(keys.code).toBe(0);
        expect(keys.stdout).toMatch(/│ id\s+│ prefix\s+│ created\s+│ last used\s+│ state\s+│/);
        expect(keys.stdout).toContain('active');
        expect(keys.stdout).not.toContain(pipeline.writeKey);
      }
      const unknown = await pushrail(['keys', 'list', randomUUID()]);
      expect(unknown.code).toBe(1);
      expect(unknown.stderr).toMatch(/no such tenant/);
    });

    it('deletes a tenant only with --yes, and drops queued events only with --force, naming them first', async () => {
      const tenant = await pipeline.admin('POST', '/admin/v1/tenants', { name: 'Churned' });
      const tenantId: string = tenant.body.id;
      const key = (await pipeline.admin('POST', `/admin/v1/tenants/${tenantId}/write-keys`)).body.key as string;
      const destination = await pipeline.admin('POST', '/admin/v1/destinations', { tenantId, ...pipeline.destinationConfig({ name: 'Churned DB' }) });
      expect((await pipeline.admin('POST', `/admin/v1/destinations/${destination.body.id}/pause`)).status).toBe(200);
      expect((await pipeline.postEvent(seedEvent({ idempotencyKey: 'churned' }), key)).status).toBe(202);

      const unconfirmed = await pushrail(['tenants', 'delete', tenantId]);
      expect(unconfirmed.code).toBe(2);
      expect(unconfirmed.stderr).toMatch(/pass --yes/);
      const queued = await pushrail(['tenants', 'delete', tenantId, '--yes']);
      expect(queued.code).toBe(1);
      expect(queued.stderr).toMatch(new RegExp(`^pushrail: [^\\n]*${destination.body.id} \\(Churned DB\\): 1 queued job[^\\n]*\\n$`));
      expect((await pipeline.admin('GET', `/admin/v1/tenants/${tenantId}`)).status).toBe(200);

      expect(await pushrail(['tenants', 'delete', tenantId, '--yes', '--force'])).toEqual({ code: 0, stdout: `deleted tenant ${tenantId}\n`, stderr: '' });
      expect((await pipeline.postEvent(seedEvent(), key)).status).toBe(401);
      expect(await queueJobTotal(pipeline, destination.body.id)).toBe(0);
    });

    it('discards dead letters only with --yes, by ids and by filter', async () => {
      const now = new Date();
      const queued = Array.from({ length: 3 }, (_, i) => ({ id: randomUUID(), receivedAt: Date.now(), event: seedEvent({ idempotencyKey: `cli-discard-${i}` }) }));
      await pipeline.db.insertDeadLetters(
        queued.map((q, i) => ({
          destinationId: pipeline.destinationId,
          eventId: q.id,
          jobId: 'cli-discard-job',
          eventJson: JSON.stringify(q),
          errorKind: i === 0 ? ('permanent' as const) : ('bad_row' as const),
          errorCode: null,
          errorMessage: 'refused',
          attempts: 1,
          firstFailedAt: now,
          lastFailedAt: now,
        })),
      );
      const listed = await pushrailJson(['dead-letters', 'list', '--destination', pipeline.destinationId, '--status', 'pending', '--all']);
      const ids = (listed.items as Array<{ id: string; eventId: string; errorKind: string }>).filter((d) => queued.some((q) => q.id === d.eventId));
      const permanent = ids.find((d) => d.errorKind === 'permanent')!.id;

      const unconfirmed = await pushrail(['dead-letters', 'discard', '--ids', permanent]);
      expect(unconfirmed.code).toBe(2);
      expect(unconfirmed.stderr).toMatch(/pass --yes/);
      expect(await pushrail(['dead-letters', 'discard', '--ids', `${permanent},999999999`, '--yes'])).toEqual({
        code: 0,
        stdout: 'discarded 1 dead letter; 1 not found\n',
        stderr: '',
      });
      const byFilter = await pushrail(['dead-letters', 'discard', '--destination', pipeline.destinationId, '--error-kind', 'bad_row', '--yes']);
      expect(byFilter).toEqual({ code: 0, stdout: 'discarded 2 dead letters\n', stderr: '' });
      const discarded = await pushrailJson(['dead-letters', 'list', '--destination', pipeline.destinationId, '--status', 'discarded', '--all']);
      expect(discarded.items.filter((d: { eventId: string }) => queued.some((q) => q.id === d.eventId))).toHaveLength(3);
    });

    it('redrives by filter in chunks of at most 1,000 ids, every pending dead letter once', async () => {
      const now = new Date();
      const events = Array.from({ length: 1_200 }, (_, i) => ({ id: randomUUID(), receivedAt: Date.now(), event: seedEvent({ idempotencyKey: `cli-filter-${i}` }) }));
      await pipeline.db.insertDeadLetters(
        events.map((queued) => ({
          destinationId: pipeline.destinationId,
          eventId: queued.id,
          jobId: 'cli-filter-job',
          eventJson: JSON.stringify(queued),
          errorKind: 'permanent' as const,
          errorCode: '42P01',
          errorMessage: 'relation does not exist',
          attempts: 1,
          firstFailedAt: now,
          lastFailedAt: now,
        })),
      );
      const result = await pushrail(['dead-letters', 'redrive', '--destination', pipeline.destinationId, '--error-kind', 'permanent']);
      expect(result).toEqual({ code: 0, stdout: `redriven 1200 dead letters of destination ${pipeline.destinationId}\n`, stderr: '' });
      const again = await pushrailJson(['dead-letters', 'redrive', '--destination', pipeline.destinationId]);
      expect(again).toMatchObject({ requested: 0, redriven: 0 });
      await waitFor(async () => (await pipeline.rowCount()) >= 1_202, { description: 'the 1,200 redriven events delivered', timeoutMs: 30_000 });
    });
  });
});
