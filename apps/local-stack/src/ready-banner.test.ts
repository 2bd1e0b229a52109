import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { psqlCommand, READY_LINE, renderReadyBanner, SEED_EVENT, seedCurlCommand, shellQuote, type ReadyInfo } from './ready-banner';

const run = promisify(execFile);

/**
 * Runs `command` in a real bash with `curl` and `psql` replaced by a
 * function that prints each argument on its own line: what the user's
 * shell would hand the real programs.
 */
async function argumentsBashPasses(command: string): Promise<string[]> {
  const script = `curl() { printf '%s\\n' "$@"; }\npsql() { printf '%s\\n' "$@"; }\n${command}\n`;
  const { stdout } = await run('bash', ['-c', script]);
  return stdout.replace(/\n$/, '').split('\n');
}

const info: ReadyInfo = {
  ingestUrl: 'http://127.0.0.1:8080',
  workerUrl: 'http://127.0.0.1:9091',
  adminToken: 'admin-token-0123456789abcdef',
  writeKey: 'pr_wk_abc-DEF_123',
  portalLink: { url: 'http://127.0.0.1:8080/portal/open/tok_abc', expiresAt: '2026-05-26T14:36:08.000Z', tenantId: '9b1c0d2e-0000-4000-8000-000000000001' },
  redis: { url: 'redis://127.0.0.1:6390', dataDir: '/repo/.pushrail/redis' },
  postgres: { url: 'postgresql://postgres@127.0.0.1:5442/pushrail', dataDir: '/repo/.pushrail/postgres/data' },
  demoDatabaseUrl: 'postgresql://postgres@127.0.0.1:5442/acme_app',
  psql: 'psql',
  home: '/repo/.pushrail',
  demoReused: false,
};

describe('the ready banner', () => {
  it('quotes any value for a POSIX shell, single quotes included', async () => {
    const nasty = `it's "quoted" $HOME \`id\` \\ end`;
    expect(await argumentsBashPasses(`curl ${shellQuote(nasty)}`)).toEqual([nasty]);
  });

  it("prints a curl that bash hands the seed event and the write key exactly", async () => {
    const args = await argumentsBashPasses(seedCurlCommand(info.ingestUrl, info.writeKey));
    expect(args.slice(0, 5)).toEqual(['-sS', '-i', '-X', 'POST', 'http://127.0.0.1:8080/v1/events']);
    expect(args).toContain('Authorization: Bearer pr_wk_abc-DEF_123');
    expect(args).toContain('Content-Type: application/json');
    const body = args[args.indexOf('-d') + 1] as string;
    expect(JSON.parse(body)).toEqual(SEED_EVENT);
  });

  it('prints a psql command that reads the demo table as the superuser', async () => {
    expect(await argumentsBashPasses(psqlCommand('psql', info.demoDatabaseUrl))).toEqual([
      'postgresql://postgres@127.0.0.1:5442/acme_app',
      '-c',
      'SELECT * FROM pushrail.events',
    ]);
    expect(psqlCommand('/usr/lib/postgresql/15/bin/psql', info.demoDatabaseUrl)).toMatch(/^'\/usr\/lib\/postgresql\/15\/bin\/psql' /);
  });

  it('holds every URL, the admin token and the curl, and ends with the ready line', () => {
    const banner = renderReadyBanner(info);
    for (const expected of [
      'http://127.0.0.1:8080/admin/v1',
      'Admin token     admin-token-0123456789abcdef',
      '  http://127.0.0.1:8080/portal/open/tok_abc',
      'pnpm pushrail portal-link 9b1c0d2e-0000-4000-8000-000000000001',
      'Bull Board      http://127.0.0.1:8080/admin/queues   (in a browser: any user name, the admin token as the password)',
      'http://127.0.0.1:8080/metrics',
      'http://127.0.0.1:9091/metrics',
      'redis://127.0.0.1:6390   (started by pnpm start, data in /repo/.pushrail/redis)',
      seedCurlCommand(info.ingestUrl, info.writeKey),
      psqlCommand('psql', info.demoDatabaseUrl),
    ]) {
      expect(banner).toContain(expected);
    }
    const lines = banner.trimEnd().split('\n');
    expect(lines[lines.length - 1]).toMatch(new RegExp(`^${READY_LINE}\\.`));
    expect(renderReadyBanner({ ...info, redis: { url: 'redis://cache:6379' } })).toContain('redis://cache:6379   (yours, from the environment)');
  });
});
