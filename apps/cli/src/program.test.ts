import { PassThrough } from 'node:stream';
import { getFreePort } from '@pushrail/testing';
import { EXIT, run } from './program';

async function pushrail(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const code = await run(args, { stdout, stderr }, env);
  return { code, stdout: out, stderr: err };
}

/** One `pushrail: …` line, no stack frame. */
function expectOneErrorLine(stderr: string, message: RegExp): void {
  expect(stderr.endsWith('\n')).toBe(true);
  expect(stderr.trimEnd().split('\n')).toHaveLength(1);
  expect(stderr).toMatch(/^pushrail: /);
  expect(stderr).not.toMatch(/\n\s+at /);
  expect(stderr).toMatch(message);
}

describe('pushrail command line (no API needed)', () => {
  it('prints help and exits 0', async () => {
    const result = await pushrail(['--help']);
    expect(result.code).toBe(EXIT.ok);
    for (const group of ['tenants', 'write-keys', 'destinations', 'dead-letters', 'migrate']) expect(result.stdout).toContain(group);
  });

  it('exits 2 with one line for an unknown command, a missing argument, an unknown option and a bad value', async () => {
    const cases: Array<[string[], RegExp]> = [
      [['tenant', 'get', 'x'], /unknown command 'tenant'/],
      [['tenants', 'get'], /missing required argument 'id'/],
      [['destinations', 'list', '--bogus'], /unknown option '--bogus'/],
      [['destinations', 'create', '--tenant', 't'], /required option '--file <path>' not specified/],
      [['dead-letters', 'list', '--limit', '0'], /--limit <n>.*must be a positive whole number/],
      [['dead-letters', 'list', '--error-kind', 'fatal'], /must be one of transient, permanent, bad_row/],
      [['dead-letters', 'redrive', '--ids', '1,x'], /"x" is not a dead-letter id/],
      [['tenants', 'set-rate-limit', 'id', 'lots'], /or "none"/],
    ];
    for (const [args, message] of cases) {
      const result = await pushrail(args, { PUSHRAIL_ADMIN_TOKEN: 'test-token-123' });
      expect({ args, code: result.code }).toEqual({ args, code: EXIT.usage });
      expectOneErrorLine(result.stderr, message);
    }
  });

  it('exits 2 when a redrive names neither or both of --ids and --destination, or filters ids', async () => {
    const env = { PUSHRAIL_ADMIN_TOKEN: 'test-token-123' };
    for (const args of [
      ['dead-letters', 'redrive'],
      ['dead-letters', 'redrive', '--ids', '1', '--destination', 'd'],
    ]) {
      const result = await pushrail(args, env);
      expect(result.code).toBe(EXIT.usage);
      expectOneErrorLine(result.stderr, /either --ids or --destination \(not both\)/);
    }
    const filtered = await pushrail(['dead-letters', 'redrive', '--ids', '1', '--error-kind', 'permanent'], env);
    expect(filtered.code).toBe(EXIT.usage);
    expectOneErrorLine(filtered.stderr, /cannot be used with --ids/);
  });

  it('exits 2 without an admin token, and for a URL that is not http(s)', async () => {
    const noToken = await pushrail(['tenants', 'get', 'x']);
    expect(noToken.code).toBe(EXIT.usage);
    expectOneErrorLine(noToken.stderr, /admin token is required: set PUSHRAIL_ADMIN_TOKEN/);

    const badUrl = await pushrail(['tenants', 'get', 'x'], { PUSHRAIL_ADMIN_TOKEN: 'test-token-123', PUSHRAIL_URL: 'ftp://example.com' });
    expect(badUrl.code).toBe(EXIT.usage);
    expectOneErrorLine(badUrl.stderr, /--url \/ PUSHRAIL_URL must be an http\(s\) URL, got ftp: one/);
  });

  it('exits 2 for migrate without DATABASE_URL', async () => {
    const result = await pushrail(['migrate']);
    expect(result.code).toBe(EXIT.usage);
    expectOneErrorLine(result.stderr, /DATABASE_URL is required/);
  });

  it('exits 1 when the API cannot be reached, naming it, never the token from the flag or the environment', async () => {
    const port = await getFreePort();
    const viaFlag = await pushrail(['--url', `http://127.0.0.1:${port}`, '--token', 'flag-token-xyz', 'tenants', 'get', 'x']);
    expect(viaFlag.code).toBe(EXIT.failed);
    expectOneErrorLine(viaFlag.stderr, new RegExp(`cannot reach the admin API at http://127.0.0.1:${port}: ECONNREFUSED`));
    expect(viaFlag.stderr).not.toContain('flag-token-xyz');

    const viaEnv = await pushrail(['destinations', 'list'], { PUSHRAIL_URL: `http://127.0.0.1:${port}`, PUSHRAIL_ADMIN_TOKEN: 'env-token-xyz' });
    expect(viaEnv.code).toBe(EXIT.failed);
    expect(viaEnv.stderr).not.toContain('env-token-xyz');
  });
});
