/**
 * `pnpm start`, as a newcomer runs it: the BUILT stack (`pnpm test` builds
 * first; locally, run `pnpm build`) in a subprocess, on a home of its own
 * and free ports, so it never meets a developer's running stack. The
 * printed curl is run as printed, and the row looked for in the demo
 * database the stack made.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { getFreePort, isPidAlive, isPortOpen, redisCommand, signalPid, waitFor, withPgClient } from '@pushrail/testing';

const run = promisify(execFile);

const STACK_MAIN = path.resolve(__dirname, '..', '..', '..', 'apps', 'local-stack', 'dist', 'main.js');

/** Longest the stack may take to print its ready line, in milliseconds (initdb on a busy machine). */
const READY_TIMEOUT_MS = 40_000;

/** Longest a stop may take, in milliseconds. */
const STOP_TIMEOUT_MS = 20_000;

/** What the stack printed that a test needs. */
interface Printed {
  curl: string;
  writeKey: string;
  redisPort: number;
  postgresPort: number;
  demoDatabaseUrl: string;
}

/** One run of `node apps/local-stack/dist/main.js`. */
class StackRun {
  output = '';
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  private readonly child: ChildProcess;

  constructor(env: NodeJS.ProcessEnv) {
    this.child = spawn(process.execPath, [STACK_MAIN], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    this.child.stdout?.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
    this.child.stderr?.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
    this.exited = new Promise((resolve) => this.child.once('exit', (code, signal) => resolve({ code, signal })));
  }

  get pid(): number {
    return this.child.pid as number;
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  async ready(): Promise<Printed> {
    const gaveUp = new AbortController();
    void this.exited.then(({ code, signal }) => gaveUp.abort(new Error(`the stack exited (code ${code}, signal ${signal}):\n${this.output}`)));
    await waitFor(() => this.output.includes('Pushrail is ready'), {
      timeoutMs: READY_TIMEOUT_MS,
      intervalMs: 100,
      description: `"Pushrail is ready" in the output:\n${this.output}`,
      signal: gaveUp.signal,
    });
    return parsePrinted(this.output);
  }

  signal(signal: NodeJS.Signals): void {
    this.child.kill(signal);
  }

  async stop(signal: NodeJS.Signals = 'SIGINT'): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    this.signal(signal);
    return waitFor(() => (this.running ? undefined : this.exited), {
      timeoutMs: STOP_TIMEOUT_MS,
      description: `the stack to exit after ${signal}`,
    });
  }
}

function parsePrinted(output: string): Printed {
  const lines = output.split('\n');
  const start = lines.findIndex((line) => line.startsWith('curl ') && line.includes('/v1/events'));
  expect(start).toBeGreaterThanOrEqual(0);
  let end = start;
  while ((lines[end] ?? '').endsWith('\\')) end += 1;
  const curl = lines.slice(start, end + 1).join('\n');
  const match = (pattern: RegExp): string => {
    const found = pattern.exec(output);
    if (!found?.[1]) throw new Error(`${pattern} is not in the output:\n${output}`);
    return found[1];
  };
  return {
    curl,
    writeKey: match(/Authorization: Bearer (pr_wk_[A-Za-z0-9_-]+)/),
    redisPort: Number(match(/^Redis +redis:\/\/127\.0\.0\.1:(\d+)/m)),
    postgresPort: Number(match(/^PostgreSQL +postgresql:\/\/postgres@127\.0\.0\.1:(\d+)\/pushrail/m)),
    demoDatabaseUrl: match(/'(postgresql:\/\/[^']+\/acme_app)' -c/),
  };
}

/** The stack's ingest and worker pids, from its lock file. */
function childPids(home: string): number[] {
  return (JSON.parse(fs.readFileSync(path.join(home, 'local-stack.lock.json'), 'utf8')) as { children: number[] }).children;
}

/** The pid on the first line of a server's pid file, when there is one. */
function pidFromFile(file: string): number | undefined {
  try {
    return Number(fs.readFileSync(file, 'utf8').split('\n')[0]) || undefined;
  } catch {
    return undefined;
  }
}

async function allClosed(ports: number[]): Promise<boolean> {
  const open = await Promise.all(ports.map((port) => isPortOpen('127.0.0.1', port)));
  return open.every((isOpen) => !isOpen);
}

describe('pnpm start (the built local stack)', () => {
  let home: string;
  let ingestPort: number;
  let metricsPort: number;
  const runs: StackRun[] = [];

  const startStack = (extraEnv: NodeJS.ProcessEnv = {}): StackRun => {
    const env: NodeJS.ProcessEnv = { ...process.env, PUSHRAIL_HOME: home, PORT: String(ingestPort), WORKER_METRICS_PORT: String(metricsPort), ...extraEnv };
    // A developer's own settings must not steer the stack under test.
    for (const name of ['REDIS_URL', 'DATABASE_URL', 'PUSHRAIL_ENCRYPTION_KEY', 'PUSHRAIL_ADMIN_TOKEN', 'LOG_LEVEL']) {
      if (!(name in extraEnv)) delete env[name];
    }
    const stackRun = new StackRun(env);
    runs.push(stackRun);
    return stackRun;
  };

  beforeAll(async () => {
    if (!fs.existsSync(STACK_MAIN)) throw new Error(`${STACK_MAIN} is missing: run pnpm build first (pnpm test does)`);
    home = fs.mkdtempSync(path.join(os.tmpdir(), 'pushrail-home-'));
    // As root, PostgreSQL runs as `postgres`, which must get into the home.
    fs.chmodSync(home, 0o755);
    ingestPort = await getFreePort();
    metricsPort = await getFreePort();
  });

  afterAll(async () => {
    // Whatever a failed test left running: the stack, then what it started.
    for (const stackRun of runs) if (stackRun.running) await stackRun.stop('SIGKILL').catch(() => undefined);
    const leftovers = [
      ...(fs.existsSync(path.join(home, 'local-stack.lock.json')) ? childPids(home) : []),
      pidFromFile(path.join(home, 'redis', 'redis.pid')),
      pidFromFile(path.join(home, 'postgres', 'data', 'postmaster.pid')),
    ].filter((pid): pid is number => pid !== undefined && isPidAlive(pid));
    for (const pid of leftovers) signalPid(pid, 'SIGKILL');
    await waitFor(() => leftovers.every((pid) => !isPidAlive(pid)), { description: 'leftover processes to die' });
    fs.rmSync(home, { recursive: true, force: true });
  });

  it('comes up on a fresh home, lands the printed curl as a row in the demo database, and stops on SIGINT with exit 0', async () => {
    const stack = startStack();
    const printed = await stack.ready();

    const { stdout } = await run('bash', ['-c', printed.curl], { timeout: 10_000 });
    expect(stdout).toMatch(/^HTTP\/1\.1 202 /);
    const eventId = (JSON.parse(stdout.trim().split('\n').pop() as string) as { eventId: string }).eventId;

    const row = await waitFor(
      () =>
        withPgClient(printed.demoDatabaseUrl, async (client) => {
          const result = await client.query('SELECT event_type, source, payload FROM pushrail.events WHERE event_id = $1', [eventId]);
          return result.rows[0] as { event_type: string; source: string; payload: { orderId: string } } | undefined;
        }),
      { timeoutMs: 15_000, description: `the row of event ${eventId} in acme_app` },
    );
    expect(row).toEqual({ event_type: 'order.completed', source: 'billing-service', payload: expect.objectContaining({ orderId: 'ord_38a91f' }) });

    // The printed portal link opens a session once: its page, then the page's POST, which uses it up.
    const portalLink = /^ {2}(http:\/\/127\.0\.0\.1:\d+\/portal\/open\/\S+)$/m.exec(stack.output)![1]!;
    expect((await fetch(portalLink)).status).toBe(200);
    const opened = await fetch(portalLink, { method: 'POST' });
    expect({ status: opened.status, cookie: opened.headers.get('set-cookie')?.startsWith('pushrail_portal=') }).toEqual({ status: 200, cookie: true });
    expect((await fetch(portalLink, { method: 'POST' })).status).toBe(410);

    // The demo's writer holds INSERT and nothing more, as at a customer.
    const privileges = await withPgClient(printed.demoDatabaseUrl, async (client) =>
      (
        await client.query(
          `SELECT has_table_privilege('pushrail_writer', 'pushrail.events', 'INSERT') AS can_insert,
                  has_table_privilege('pushrail_writer', 'pushrail.events', 'SELECT') AS can_select,
                  has_database_privilege('pushrail_writer', current_database(), 'TEMP') AS can_temp,
                  has_schema_privilege('pushrail_writer', 'pushrail', 'CREATE') AS can_create`,
        )
      ).rows[0],
    );
    expect(privileges).toEqual({ can_insert: true, can_select: false, can_temp: false, can_create: false });
    for (const file of ['secrets.json', 'demo.json']) expect(fs.statSync(path.join(home, file)).mode & 0o777).toBe(0o600);
    // Something in Redis to look for on the next run.
    await redisCommand('127.0.0.1', printed.redisPort, 'SET', 'local-stack-test-marker', 'kept');

    const ports = [printed.redisPort, printed.postgresPort, ingestPort, metricsPort];
    expect(await stack.stop('SIGINT')).toEqual({ code: 0, signal: null });
    expect(stack.output).toContain('[stack] stopped');
    expect(await allClosed(ports)).toBe(true);
  });

  it('on a second run keeps the row, the Redis data and the demo write key', async () => {
    const firstKey = (JSON.parse(fs.readFileSync(path.join(home, 'demo.json'), 'utf8')) as { writeKey: string }).writeKey;
    const stack = startStack();
    const printed = await stack.ready();
    expect(stack.output).not.toContain('applied migrations');
    expect(stack.output).toContain('tenant, write key and destination from the last run');
    expect(printed.writeKey).toBe(firstKey);
    expect(await redisCommand('127.0.0.1', printed.redisPort, 'GET', 'local-stack-test-marker')).toBe('kept');
    const rows = await withPgClient(printed.demoDatabaseUrl, async (client) => (await client.query('SELECT event_type FROM pushrail.events')).rows);
    expect(rows).toEqual([{ event_type: 'order.completed' }]);
    expect(await stack.stop('SIGTERM')).toEqual({ code: 0, signal: null });
  });

  it('after the stack is SIGKILLed, the next run stops the servers and processes it left behind and comes up', async () => {
    const killed = startStack();
    const before = await killed.ready();
    expect(await killed.stop('SIGKILL')).toEqual({ code: null, signal: 'SIGKILL' });
    const orphans = [
      ...childPids(home),
      pidFromFile(path.join(home, 'redis', 'redis.pid')) as number,
      pidFromFile(path.join(home, 'postgres', 'data', 'postmaster.pid')) as number,
    ];
    expect(orphans.every((pid) => isPidAlive(pid))).toBe(true);

    const next = startStack();
    const after = await next.ready();
    expect(orphans.filter((pid) => isPidAlive(pid))).toEqual([]);
    expect(after.writeKey).toBe(before.writeKey);
    const { stdout } = await run('bash', ['-c', after.curl], { timeout: 10_000 });
    expect(stdout).toMatch(/^HTTP\/1\.1 202 /);

    expect(await next.stop('SIGINT')).toEqual({ code: 0, signal: null });
    expect(await allClosed([after.redisPort, after.postgresPort, ingestPort, metricsPort])).toBe(true);
  });

  it('exits 2 with one line naming PORT when PORT is not a port', async () => {
    const stack = startStack({ PORT: 'abc' });
    expect(await stack.exited).toEqual({ code: 2, signal: null });
    expect(stack.output.trimEnd().split('\n')).toEqual(['pnpm start: invalid configuration: PORT must be a port number from 1 to 65535']);
  });
});
