/**
 * The built `pushrail` CLI (apps/cli/dist/main.js, from `pnpm build`), run as
 * a subprocess against a running stack: the Pipeline's ingest (admin API) and
 * workers, on real PostgreSQL and Redis.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { CUSTOMER_WRITER_PASSWORD, createTestDatabase, getFreePort, waitFor, withPgClient } from '@pushrail/testing';
import { ADMIN_TOKEN, envelopeSetupSql, Pipeline, seedEvent } from './pipeline';

const CLI = path.resolve(__dirname, '../../../apps/cli/dist/main.js');

interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Everything the CLI printed in this file, to check at the end that the admin token never appeared. */
const printed: string[] = [];

describe('pushrail CLI against a running stack', () => {
  let pipeline: Pipeline;
  let dir: string;

  /** Runs the CLI with the stack's URL and token in its environment (a value of undefined removes a variable). */
  function pushrail(args: string[], env: Record<string, string | undefined> = {}): Promise<CliResult> {
    const merged: Record<string, string | undefined> = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      PUSHRAIL_URL: pipeline.baseUrl,
      PUSHRAIL_ADMIN_TOKEN: ADMIN_TOKEN,
      ...env,
    };
    const childEnv = Object.fromEntries(Object.entries(merged).filter(([, v]) => v !== undefined)) as NodeJS.ProcessEnv;
    return new Promise((resolve) => {
      execFile(process.execPath, [CLI, ...args], { env: childEnv, timeout: 30_000 }, (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === 'number' ? error.code : -1;
        printed.push(stdout, stderr);
        resolve({ code, stdout, stderr });
      });
    });
  }

  /** Runs the CLI and parses its `--json` output; fails the test with its stderr when it did not exit 0. */
  async function pushrailJson(args: string[]): Promise<any> { // eslint-disable-line @typescript-eslint/no-explicit-any
    const result = await pushrail([...args, '--json']);
    if (result.code !== 0) throw new Error(`pushrail ${args.join(' ')} exited ${result.code}: ${result.stderr}`);
    return JSON.parse(result.stdout);
  }

  /** A failure is one `pushrail: …` line on stderr, no stack trace. */
  function expectOneErrorLine(result: CliResult, code: number, message: RegExp): void {
    expect({ code: result.code, stderr: result.stderr }).toEqual({ code, stderr: expect.stringMatching(message) });
    expect(result.stderr).toMatch(/^pushrail: [^\n]+\n$/);
    expect(result.stderr).not.toMatch(/\bat .+:\d+:\d+/);
  }

  async function seedFile(name: string, config: Record<string, unknown>): Promise<string> {
    const file = path.join(dir, name);
    await writeFile(file, JSON.stringify(config, null, 2));
    return file;
  }

  beforeAll(async () => {
    if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run pnpm build first`);
    dir = await mkdtemp(path.join(tmpdir(), 'pushrail-cli-'));
    pipeline = await Pipeline.start();
  });

  afterAll(async () => {
    await pipeline?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  describe('destinations', () => {
    let destinationId: string;

    it("creates a destination from the seed's JSON file, printing it with its secrets redacted", async () => {
      const file = await seedFile('seed.json', pipeline.destinationConfig({ name: 'CLI Postgres' }));
      const result = await pushrail(['destinations', 'create', '--tenant', pipeline.tenantId, '--file', file]);
      expect(result.code).toBe(0);
      expect(result.stdout).toMatch(/name\s+│ CLI Postgres/);
      expect(result.stdout).toMatch(/config\.auth\.mode\s+│ PASSWORD/);
      expect(result.stdout).not.toContain(CUSTOMER_WRITER_PASSWORD);
      destinationId = /│ id\s+│ ([0-9a-f-]{36})/.exec(result.stdout)![1]!;

      const stored = await pipeline.admin('GET', `/admin/v1/destinations/${destinationId}`);
      expect(stored.status).toBe(200);
      expect(stored.body).toMatchObject({ tenantId: pipeline.tenantId, name: 'CLI Postgres', config: { table: 'events', port: pipeline.customer.port } });
    });

    it('lists destinations as a table and as JSON, and by tenant', async () => {
      const table = await pushrail(['destinations', 'list']);
      expect(table.code).toBe(0);
      expect(table.stdout).toMatch(/│ id\s+│ name\s+│ tenant\s+│ type\s+│ database\s+│ table\s+│ state\s+│ depth\s+│ last delivery\s+│/);
      expect(table.stdout).toMatch(
        new RegExp(`│ ${destinationId} │ CLI Postgres\\s+│ ${pipeline.tenantId} │ POSTGRES\\s+│ [^│]+│ pushrail\\.events\\s+│ active\\s+│ \\d+\\s+│ [^│]+│`),
      );
      expect(table.stdout).toContain(pipeline.destinationId);

      const listed = await pushrailJson(['destinations', 'list', '--tenant', pipeline.tenantId]);
      expect(listed.items.map((d: { id: string }) => d.id).sort()).toEqual([destinationId, pipeline.destinationId].sort());
      const other = await pushrailJson(['destinations', 'list', '--tenant', randomUUID()]);
      expect(other).toEqual({ items: [] });

      const one = await pushrailJson(['destinations', 'get', destinationId]);
      expect(one).toMatchObject({ id: destinationId, paused: false });
    });

    it('tests a destination: each check printed, exit 0', async () => {
      const result = await pushrail(['destinations', 'test', destinationId]);
      expect(result).toMatchObject({ code: 0, stderr: '' });
      expect(result.stdout).toMatch(/^ok {4}host: /m);
      expect(result.stdout).toMatch(/^ok {4}connect: connected as pushrail_writer/m);
      expect(result.stdout).toMatch(/^ok {4}insert: INSERT into pushrail\.events works \(rolled back\)/m);
    });

    it('prints the DDL for the customer', async () => {
      const result = await pushrail(['destinations', 'ddl', destinationId]);
      expect(result.code).toBe(0);
      expect(result.stdout).toMatch(/CREATE TABLE[^;]*"?pushrail"?\."?events"?/);
      expect(result.stdout).toMatch(/GRANT INSERT ON [^;]*events[^;]* TO "?pushrail_writer"?/);
      const perType = await pushrail(['destinations', 'ddl', destinationId, '--event-type', 'order.completed']);
      expect(perType.code).toBe(0);
      expect(perType.stdout).toContain('CREATE TABLE');
    });

    it('pauses and resumes a destination', async () => {
      const paused = await pushrail(['destinations', 'pause', destinationId]);
      expect(paused.code).toBe(0);
      expect(paused.stdout).toBe(`paused destination ${destinationId} (CLI Postgres): paused (operator)\n`);
      expect((await pipeline.admin('GET', `/admin/v1/destinations/${destinationId}`)).body).toMatchObject({ paused: true, pausedReason: 'operator' });
      const listed = await pushrail(['destinations', 'list']);
      expect(listed.stdout).toMatch(new RegExp(`│ ${destinationId} │[^\\n]*│ paused \\(operator\\)\\s+│`));

      const resumed = await pushrailJson(['destinations', 'resume', destinationId]);
      expect(resumed).toMatchObject({ id: destinationId, paused: false, pausedReason: null });
    });

    it('deletes a destination', async () => {
      // It drops data: without --yes and without a terminal to ask at, nothing happens.
      const unconfirmed = await pushrail(['destinations', 'delete', destinationId]);
      expect(unconfirmed.code).toBe(2);
      expect(unconfirmed.stderr).toMatch(/^pushrail: [^\n]*pass --yes to confirm\n$/);
      expect((await pipeline.admin('GET', `/admin/v1/destinations/${destinationId}`)).status).toBe(200);
      const result = await pushrail(['destinations', 'delete', destinationId, '--yes']);
      expect(result).toEqual({ code: 0, stdout: `deleted destination ${destinationId}\n`, stderr: '' });
      expect((await pipeline.admin('GET', `/admin/v1/destinations/${destinationId}`)).status).toBe(404);
    });
  });

  describe('tenants and write keys', () => {
    it('creates a tenant, shows it, and sets and removes its rate limit', async () => {
      const created = await pushrailJson(['tenants', 'create', 'Globex']);
      expect(created).toMatchObject({ name: 'Globex', rateLimitPerSec: null });

      const shown = await pushrail(['tenants', 'get', created.id]);
      expect(shown.code).toBe(0);
      expect(shown.stdout).toMatch(/name\s+│ Globex/);
      expect(shown.stdout).toMatch(/rateLimitPerSec\s+│ none/);

      expect(await pushrailJson(['tenants', 'set-rate-limit', created.id, '50'])).toMatchObject({ rateLimitPerSec: 50 });
      expect((await pipeline.admin('GET', `/admin/v1/tenants/${created.id}`)).body.rateLimitPerSec).toBe(50);
      expect(await pushrailJson(['tenants', 'set-rate-limit', created.id, 'none'])).toMatchObject({ rateLimitPerSec: null });
    });

    it('creates a write key that works, printed once on a line of its own, and revokes it', async () => {
      const result = await pushrail(['write-keys', 'create', pipeline.tenantId]);
      expect(result.code).toBe(0);
      const key = /^(pr_wk_\S+)$/m.exec(result.stdout)![1]!;
      expect(result.stderr).toMatch(/shown once/);
      const keyId = /│ id\s+│ ([0-9a-f-]{36})/.exec(result.stdout)![1]!;

      expect((await pipeline.postEvent(seedEvent({ idempotencyKey: 'cli-key' }), key)).status).toBe(202);
      const revoked = await pushrail(['write-keys', 'revoke', keyId]);
      expect(revoked).toEqual({ code: 0, stdout: `revoked write key ${keyId}\n`, stderr: '' });
      expect((await pipeline.postEvent(seedEvent({ idempotencyKey: 'cli-key-after' }), key)).status).toBe(401);
    });
  });

  describe('bad input fails cleanly', () => {
    it('a seed file that is missing, not JSON (without quoting its password), or an invalid config', async () => {
      const missing = path.join(dir, 'nope.json');
      expectOneErrorLine(
        await pushrail(['destinations', 'create', '--tenant', pipeline.tenantId, '--file', missing]),
        1,
        new RegExp(`^pushrail: cannot read ${missing.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: no such file\n$`),
      );

      const broken = path.join(dir, 'broken.json');
      await writeFile(broken, JSON.stringify(pipeline.destinationConfig()).replace('"port":', '"port" '));
      const notJson = await pushrail(['destinations', 'create', '--tenant', pipeline.tenantId, '--file', broken]);
      expectOneErrorLine(notJson, 1, /is not valid JSON \(line 1, column \d+\)/);
      expect(notJson.stderr).not.toContain(CUSTOMER_WRITER_PASSWORD);

      const invalid = await seedFile('invalid.json', pipeline.destinationConfig({ port: 'five', auth: { mode: 'PASSWORD', username: 'pushrail_writer' } }));
      const refused = await pushrail(['destinations', 'create', '--tenant', pipeline.tenantId, '--file', invalid]);
      expectOneErrorLine(refused, 1, /^pushrail: the destination config is invalid: .*port: .*\(HTTP 400\)\n$/);
      expect(refused.stderr).toMatch(/auth\.password/);
    });

    it('an unknown id', async () => {
      const [destination, test, tenant, writeKey, deadLetter] = await Promise.all([
        pushrail(['destinations', 'get', randomUUID()]),
        pushrail(['destinations', 'test', randomUUID()]),
        pushrail(['tenants', 'get', 'not-a-tenant']),
        pushrail(['write-keys', 'revoke', randomUUID()]),
        pushrail(['dead-letters', 'show', '987654321']),
      ]);
      expectOneErrorLine(destination!, 1, /^pushrail: no such destination \(HTTP 404\)\n$/);
      expectOneErrorLine(test!, 1, /^pushrail: no such destination \(HTTP 404\)\n$/);
      expectOneErrorLine(tenant!, 1, /^pushrail: no such tenant \(HTTP 404\)\n$/);
      expectOneErrorLine(writeKey!, 1, /^pushrail: no such write key \(HTTP 404\)\n$/);
      expectOneErrorLine(deadLetter!, 1, /^pushrail: no such dead letter \(HTTP 404\)\n$/);
    });

    it('no token (exit 2), a wrong token (401, never echoed) and an API that is not there', async () => {
      expectOneErrorLine(
        await pushrail(['destinations', 'list'], { PUSHRAIL_ADMIN_TOKEN: undefined }),
        2,
        /^pushrail: the admin token is required: set PUSHRAIL_ADMIN_TOKEN \(or pass --token\)\n$/,
      );
      const wrong = await pushrail(['destinations', 'list', '--token', 'wrong-token-4242'], { PUSHRAIL_ADMIN_TOKEN: undefined });
      expectOneErrorLine(wrong, 1, /^pushrail: admin token required: .*\(HTTP 401\)\n$/);
      expect(wrong.stdout + wrong.stderr).not.toContain('wrong-token-4242');

      const port = await getFreePort();
      expectOneErrorLine(
        await pushrail(['tenants', 'get', randomUUID(), '--url', `http://127.0.0.1:${port}`]),
        1,
        new RegExp(`^pushrail: cannot reach the admin API at http://127\\.0\\.0\\.1:${port}: ECONNREFUSED\n$`),
      );
    });

    it('usage errors exit 2', async () => {
      const cases: Array<[string[], RegExp]> = [
        [['dead-letters', 'list', '--limit', 'lots'], /--limit <n>.*must be a positive whole number/],
        [['destinations', 'create', '--tenant', pipeline.tenantId], /required option '--file <path>'/],
        [['dead-letters', 'redrive', '--ids', '1', '--destination', pipeline.destinationId], /either --ids or --destination/],
        [['destinations', 'frobnicate'], /unknown command 'frobnicate'/],
      ];
      const results = await Promise.all(cases.map(([args]) => pushrail(args)));
      results.forEach((result, i) => expectOneErrorLine(result, 2, cases[i]![1]));
    });
  });

  describe('dead letters', () => {
    let tenantId: string;
    let destinationId: string;
    let eventIds: string[];
    let deadLetterIds: string[];

    it('a destination whose table is missing fails its test (exit 1) and dead-letters its events', async () => {
      tenantId = (await pushrailJson(['tenants', 'create', 'Initech'])).id;
      const key = (await pushrailJson(['write-keys', 'create', tenantId])).key as string;
      const file = await seedFile('missing-table.json', pipeline.destinationConfig({ name: 'Missing table', table: 'missing_events' }));
      destinationId = (await pushrailJson(['destinations', 'create', '--tenant', tenantId, '--file', file])).id;

      const tested = await pushrail(['destinations', 'test', destinationId]);
      expect(tested.code).toBe(1);
      expect(tested.stdout).toMatch(/^ok {4}connect: /m);
      expect(tested.stdout).toMatch(/^FAIL {2}insert: .*missing_events/m);
      expectOneErrorLine(tested, 1, new RegExp(`^pushrail: destination ${destinationId} failed its test at insert: `));
      const testedJson = await pushrail(['destinations', 'test', destinationId, '--json']);
      expect(testedJson.code).toBe(1);
      expect(JSON.parse(testedJson.stdout)).toMatchObject({ ok: false });

      eventIds = [];
      for (let i = 0; i < 3; i++) {
        const answer = await pipeline.postEvent(seedEvent({ idempotencyKey: `cli-dead-${i}` }), key);
        expect(answer.status).toBe(202);
        eventIds.push(answer.body.eventId);
      }
      const page = await waitFor(
        async () => {
          const listed = await pushrailJson(['dead-letters', 'list', '--destination', destinationId]);
          return listed.items.length === 3 ? listed : undefined;
        },
        { description: 'three dead letters listed by the CLI', timeoutMs: 20_000, intervalMs: 250 },
      );
      expect(page.nextCursor).toBeNull();
      expect(page.items.map((d: { eventId: string }) => d.eventId).sort()).toEqual([...eventIds].sort());
      expect(page.items.every((d: { errorKind: string }) => d.errorKind === 'permanent')).toBe(true);
      deadLetterIds = page.items.map((d: { id: string }) => d.id);
    });

    it('lists them as a table, filters and pages them, and shows one with its event', async () => {
      const table = await pushrail(['dead-letters', 'list', '--destination', destinationId]);
      expect(table.code).toBe(0);
      expect(table.stdout).toMatch(/│ id\s+│ event\s+│ kind\s+│ code\s+│ attempts\s+│ dead-lettered\s+│ redriven\s+│ error\s+│/);
      for (const id of deadLetterIds) expect(table.stdout).toMatch(new RegExp(`│ ${id}\\s+│ [0-9a-f-]{36} │ permanent │ 42P01 │`));
      const everyDestination = await pushrail(['dead-letters', 'list']);
      expect(everyDestination.stdout).toMatch(/│ id\s+│ destination\s+│ event\s+│/);
      expect(everyDestination.stdout).toContain(destinationId);

      const first = await pushrailJson(['dead-letters', 'list', '--destination', destinationId, '--limit', '2']);
      expect(first.items).toHaveLength(2);
      expect(typeof first.nextCursor).toBe('string');
      const [paged, all, transient, recent, old] = await Promise.all([
        pushrail(['dead-letters', 'list', '--destination', destinationId, '--limit', '2']),
        pushrailJson(['dead-letters', 'list', '--destination', destinationId, '--limit', '2', '--all']),
        pushrailJson(['dead-letters', 'list', '--destination', destinationId, '--error-kind', 'transient']),
        pushrailJson(['dead-letters', 'list', '--destination', destinationId, '--since', '1h']),
        pushrailJson(['dead-letters', 'list', '--destination', destinationId, '--until', '1h']),
      ]);
      expect(paged.stderr).toBe(`more: --cursor ${first.nextCursor} for the next page, or --all\n`);
      expect(all.items.map((d: { id: string }) => d.id)).toEqual(deadLetterIds);
      expect(all.nextCursor).toBeNull();
      expect(transient.items).toEqual([]);
      expect(recent.items).toHaveLength(3);
      expect(old.items).toHaveLength(0);

      const shown = await pushrail(['dead-letters', 'show', deadLetterIds[0]!]);
      expect(shown.code).toBe(0);
      expect(shown.stdout).toMatch(/errorKind\s+│ permanent/);
      expect(shown.stdout).toMatch(/^event:$/m);
      expect(shown.stdout).toContain('"eventType": "order.completed"');
      const shownJson = await pushrailJson(['dead-letters', 'show', deadLetterIds[0]!]);
      expect(shownJson).toMatchObject({ id: deadLetterIds[0], destinationId, errorKind: 'permanent' });
    });

    it('redrives by ids and then by destination once the table exists, each event landing once', async () => {
      await withPgClient(pipeline.customer.adminUrl, (client) => client.query(envelopeSetupSql('pushrail', ['missing_events'])));
      const byId = new Map<string, string>();
      for (const d of (await pushrailJson(['dead-letters', 'list', '--destination', destinationId])).items) byId.set(d.id, d.eventId);

      const twoIds = deadLetterIds.slice(0, 2);
      const first = await pushrail(['dead-letters', 'redrive', '--ids', twoIds.join(',')]);
      expect(first).toEqual({ code: 0, stdout: 'redriven 2 of 2 dead letters\n', stderr: '' });
      await waitFor(async () => {
        const landed = new Set((await pipeline.rows('missing_events')).map((r) => r.event_id));
        return twoIds.every((id) => landed.has(byId.get(id)));
      }, { description: 'the two redriven events in the customer table', timeoutMs: 15_000 });

      const again = await pushrail(['dead-letters', 'redrive', '--ids', twoIds.join(',')]);
      expect(again.stdout).toBe('redriven 0 of 2 dead letters; 2 already redriven\n');

      const rest = await pushrail(['dead-letters', 'redrive', '--destination', destinationId, '--error-kind', 'permanent', '--since', '1h']);
      expect(rest).toEqual({ code: 0, stdout: `redriven 1 dead letter of destination ${destinationId}\n`, stderr: '' });
      await waitFor(async () => (await pipeline.rowCount('missing_events')) === 3, { description: 'all three events landed' });
      expect((await pipeline.rows('missing_events')).map((r) => r.event_id).sort()).toEqual([...eventIds].sort());

      expect((await pushrailJson(['dead-letters', 'list', '--destination', destinationId, '--status', 'pending'])).items).toEqual([]);
      const none = await pushrailJson(['dead-letters', 'redrive', '--destination', destinationId]);
      expect(none).toMatchObject({ redriven: 0 });
    });

    it('redrives 1,500 dead letters by id in requests of at most 1,000 ids', async () => {
      const events = Array.from({ length: 1_500 }, (_, i) => ({ id: randomUUID(), receivedAt: Date.now(), event: seedEvent({ idempotencyKey: `bulk-${i}` }) }));
      const now = new Date();
      await pipeline.db.insertDeadLetters(
        events.map((event) => ({
          destinationId,
          eventId: event.id,
          jobId: `bulk-${event.id}`,
          eventJson: JSON.stringify(event),
          errorKind: 'permanent' as const,
          errorCode: '42P01',
          errorMessage: 'relation "pushrail.missing_events" does not exist',
          attempts: 1,
          firstFailedAt: now,
          lastFailedAt: now,
        })),
      );
      const pending = await pushrailJson(['dead-letters', 'list', '--destination', destinationId, '--status', 'pending', '--limit', '1000', '--all']);
      expect(pending.items).toHaveLength(1_500);
      const ids = pending.items.map((d: { id: string }) => d.id);

      const result = await pushrail(['dead-letters', 'redrive', '--ids', ids.join(',')]);
      // stderr is a pipe here: no progress bar, just the result.
      expect(result).toEqual({ code: 0, stdout: 'redriven 1500 of 1500 dead letters\n', stderr: '' });
      await waitFor(async () => (await pipeline.rowCount('missing_events')) === 3 + 1_500, {
        description: 'the 1,500 redriven events in the customer table',
        timeoutMs: 20_000,
      });
    });
  });

  describe('migrate', () => {
    it('migrates DATABASE_URL, then finds it up to date; without it exits 2; a bad one fails without its password', async () => {
      const database = await createTestDatabase('cli');
      try {
        const first = await pushrail(['migrate'], { DATABASE_URL: database.url });
        expect(first.code).toBe(0);
        expect(first.stdout).toMatch(/^applied migrations: 1(, \d+)*\n$/);
        const tables = await withPgClient(database.url, (c) => c.query(`SELECT to_regclass('dead_letters') AS t`));
        expect(tables.rows[0].t).toBe('dead_letters');
        expect(await pushrail(['migrate'], { DATABASE_URL: database.url })).toEqual({
          code: 0,
          stdout: 'the control database is up to date\n',
          stderr: '',
        });
      } finally {
        await database.drop();
      }
      expectOneErrorLine(await pushrail(['migrate'], { DATABASE_URL: undefined }), 2, /DATABASE_URL is required/);
      const port = await getFreePort();
      const bad = await pushrail(['migrate'], { DATABASE_URL: `postgres://someone:pw-never-shown@127.0.0.1:${port}/nowhere` });
      expectOneErrorLine(bad, 1, /ECONNREFUSED/);
      expect(bad.stderr).not.toContain('pw-never-shown');
    });
  });

  it('never printed the admin token', () => {
    expect(printed.length).toBeGreaterThan(40);
    for (const text of printed) expect(text).not.toContain(ADMIN_TOKEN);
  });
});
