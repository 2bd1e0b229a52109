/**
 * The operator's CLI commands (docs/operations.md), run as the built
 * `pushrail` (apps/cli/dist/main.js) against a running stack: destination
 * status and the list's state columns.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { waitFor } from '@pushrail/testing';
import { ADMIN_TOKEN, Pipeline, seedEvent } from './pipeline';

const CLI = path.resolve(__dirname, '../../../apps/cli/dist/main.js');

interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

describe('pushrail CLI: operating commands', () => {
  let pipeline: Pipeline;

  function pushrail(args: string[], input?: string): Promise<CliResult> {
    const env = { PATH: process.env.PATH, HOME: process.env.HOME, PUSHRAIL_URL: pipeline.baseUrl, PUSHRAIL_ADMIN_TOKEN: ADMIN_TOKEN };
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
});
