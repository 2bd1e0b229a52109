import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Redis from 'ioredis';
import { getFreePort } from './free-port';
import { isPidAlive, killWithThisProcess, signalPid, workingDirectoryOf } from './processes';
import { registerServer } from './server-registry';
import { waitFor } from './wait-for';

/** How many fresh ports to try when another process takes ours before we bind it. */
const PORT_ATTEMPTS = 3;

/** How long a start (including an AOF replay) or a stop may take, in milliseconds. */
const READY_TIMEOUT_MS = 20_000;
const EXIT_TIMEOUT_MS = 10_000;

/** Options for {@link startRedisServer}. */
export interface RedisServerOptions {
  /** Turns on the append-only file in the server's directory; `always` survives a SIGKILL write by write. */
  appendOnly?: { fsync: 'always' | 'everysec' };
  /** More `redis-server` arguments, after ours so they win (`['--maxmemory', '50mb']`). */
  extraArgs?: string[];
  /** Parent of the server's directory. Default `os.tmpdir()`. */
  baseDir?: string;
  /** Record the server so the next test run kills it if we crash. Default true. */
  registerForCleanup?: boolean;
  /**
   * Keep the server in this directory instead of a fresh one under
   * `baseDir` (for `pnpm start`, whose AOF must outlive a run): created when
   * missing and left in place by `destroy()`. A server that a previous
   * process left running on it is shut down first (the directory is the
   * caller's alone). Never registered for cleanup.
   */
  dir?: string;
  /** Port to try first; a free one when it is taken. Default: a free port. */
  port?: number;
  /**
   * Run the server in a session of its own, so a terminal's Ctrl-C reaches
   * only this process, which can then stop its clients before the server.
   * It still dies with this process. Default false.
   */
  ownSession?: boolean;
  /**
   * Run as a Sentinel (`redis-server sentinel.conf --sentinel`) with these
   * lines as its config file, written into its directory (a Sentinel
   * rewrites that file with what it learns). Default: a data server.
   */
  sentinelConfig?: string;
}

/** A `redis-server` of our own: its own port and directory. */
export interface RedisServer {
  /** Always '127.0.0.1'. */
  readonly host: string;
  readonly port: number;
  /** `redis://127.0.0.1:PORT`. */
  readonly url: string;
  /** The server's directory (AOF, log, pid file). */
  readonly dir: string;
  /** Pid of the current process; undefined while stopped. */
  readonly pid: number | undefined;
  /** `SHUTDOWN NOSAVE` (SIGTERM if that fails) and waits for the process to exit. */
  stop(): Promise<void>;
  /** SIGKILL, like a crash; waits for the process to exit. */
  kill(): Promise<void>;
  /** Starts again with the same port, directory and arguments (so an AOF is replayed); resolves on PONG. */
  start(): Promise<void>;
  /** `stop()` then `start()`. */
  restart(): Promise<void>;
  isRunning(): boolean;
  /** Stops the server if it runs and removes its directory (a kept `dir` is only stopped). Safe to call twice. */
  destroy(): Promise<void>;
}

/**
 * Starts a fresh `redis-server` (from PATH) on a free port. Nothing is
 * saved to RDB, eviction is off (a queue must never lose keys to memory
 * pressure), and AOF is off unless `appendOnly` asks for it.
 */
export async function startRedisServer(options: RedisServerOptions = {}): Promise<RedisServer> {
  const persistent = options.dir !== undefined;
  const dir = persistent
    ? path.resolve(options.dir as string)
    : fs.mkdtempSync(path.join(options.baseDir ?? os.tmpdir(), 'pushrail-redis-'));
  const pidFile = path.join(dir, 'redis.pid');
  if (persistent) {
    fs.mkdirSync(dir, { recursive: true });
    await stopLeftoverServer(dir, pidFile);
  }
  // A kept directory is never registered: the sweep of leftovers removes what it finds.
  const unregister =
    options.registerForCleanup === false || persistent ? () => undefined : registerServer({ kind: 'redis', rootDir: dir, pidFile });
  const settings = { persistent, ownSession: options.ownSession ?? false };
  for (let attempt = 1; ; attempt++) {
    const port = attempt === 1 && options.port !== undefined ? options.port : await getFreePort();
    const server = new LocalRedisServer(port, dir, redisArgs(port, dir, pidFile, options), unregister, settings);
    // Only this attempt's lines count: a kept log holds earlier runs' too.
    const logOffset = server.logSize();
    try {
      await server.start();
      return server;
    } catch (err) {
      await server.kill().catch(() => undefined);
      const portTaken = /Address already in use/i.test(server.logSince(logOffset));
      if (attempt < PORT_ATTEMPTS && portTaken) continue;
      await server.destroy();
      throw err;
    }
  }
}

/**
 * Shuts down a `redis-server` that an earlier process left running on a
 * kept directory (SIGTERM: it writes its AOF and exits), so this one starts
 * with our port and arguments. A recycled pid of an unrelated process is
 * left alone: redis-server runs in its `--dir`.
 */
async function stopLeftoverServer(dir: string, pidFile: string): Promise<void> {
  let pid: number;
  try {
    pid = Number(fs.readFileSync(pidFile, 'utf8').split('\n')[0]);
  } catch {
    return;
  }
  // The kernel reports the working directory with symlinks resolved.
  if (!Number.isInteger(pid) || pid <= 0 || !isPidAlive(pid) || workingDirectoryOf(pid) !== fs.realpathSync(dir)) return;
  signalPid(pid, 'SIGTERM');
  try {
    await waitFor(() => !isPidAlive(pid), { timeoutMs: EXIT_TIMEOUT_MS, description: `leftover redis-server (pid ${pid}) to exit` });
  } catch {
    signalPid(pid, 'SIGKILL');
    await waitFor(() => !isPidAlive(pid), { timeoutMs: EXIT_TIMEOUT_MS, description: `leftover redis-server (pid ${pid}) to die` });
  }
}

function redisArgs(port: number, dir: string, pidFile: string, options: RedisServerOptions): string[] {
  // Where it listens and keeps its files, a Sentinel or a server alike.
  const own = [
    '--port', String(port),
    '--bind', '127.0.0.1',
    '--dir', dir,
    '--pidfile', pidFile,
    '--logfile', path.join(dir, 'redis.log'),
    '--daemonize', 'no',
  ];
  if (options.sentinelConfig !== undefined) {
    const configFile = path.join(dir, 'sentinel.conf');
    if (!fs.existsSync(configFile)) fs.writeFileSync(configFile, options.sentinelConfig);
    return [configFile, '--sentinel', ...own, ...(options.extraArgs ?? [])];
  }
  const args = [
    ...own,
    '--save', '',
    '--maxmemory-policy', 'noeviction',
  ];
  if (options.appendOnly) {
    args.push('--appendonly', 'yes', '--appendfsync', options.appendOnly.fsync);
  } else {
    args.push('--appendonly', 'no');
  }
  return [...args, ...(options.extraArgs ?? [])];
}

/** Sends one command on a short-lived connection that never retries. */
export async function redisCommand(host: string, port: number, command: string, ...args: string[]): Promise<unknown> {
  const client = new Redis({
    host,
    port,
    lazyConnect: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    connectTimeout: 2_000,
  });
  client.on('error', () => undefined);
  try {
    await client.connect();
    return await client.call(command, ...args);
  } finally {
    client.disconnect();
  }
}

class LocalRedisServer implements RedisServer {
  readonly host = '127.0.0.1';
  readonly url: string;
  private child: ChildProcess | undefined;
  private exited: Promise<void> = Promise.resolve();
  private destroyed = false;

  constructor(
    readonly port: number,
    readonly dir: string,
    private readonly args: string[],
    private readonly unregister: () => void,
    /** `persistent`: destroy() stops and removes nothing ({@link RedisServerOptions.dir}). */
    private readonly settings: { persistent: boolean; ownSession: boolean } = { persistent: false, ownSession: false },
  ) {
    this.url = `redis://${this.host}:${port}`;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  isRunning(): boolean {
    return this.child !== undefined;
  }

  async start(): Promise<void> {
    if (this.destroyed) throw new Error('this RedisServer was destroyed');
    if (this.child) return;
    const child = spawn('redis-server', this.args, { stdio: 'ignore', detached: this.settings.ownSession });
    // Neither the process nor its handle may keep jest alive; destroy() and
    // the exit hook make sure it still dies with us.
    child.unref();
    this.child = child;
    killWithThisProcess(child);
    // Aborted when the process dies during start: no point polling for 20 s.
    const died = new AbortController();
    this.exited = new Promise<void>((resolve) => {
      child.once('error', (err) => {
        died.abort(new Error(`could not run redis-server: ${err.message}`));
      });
      child.once('close', (code, signal) => {
        if (this.child === child) this.child = undefined;
        died.abort(new Error(`redis-server exited during start (code ${code}, signal ${signal})\n${this.logTail()}`));
        resolve();
      });
    });
    await waitFor(async () => (await redisCommand(this.host, this.port, 'PING')) === 'PONG', {
      timeoutMs: READY_TIMEOUT_MS,
      intervalMs: 50,
      description: `redis-server on port ${this.port} to answer PING`,
      signal: died.signal,
    });
  }

  async stop(): Promise<void> {
    const child = this.child;
    if (!child) return;
    try {
      await redisCommand(this.host, this.port, 'SHUTDOWN', 'NOSAVE');
    } catch {
      // SHUTDOWN answers by closing the connection; an error here is the normal case.
    }
    if (!(await this.waitExit(EXIT_TIMEOUT_MS))) {
      child.kill('SIGTERM');
      await this.waitExit(EXIT_TIMEOUT_MS);
    }
  }

  async kill(): Promise<void> {
    const child = this.child;
    if (!child) return;
    child.kill('SIGKILL');
    if (!(await this.waitExit(EXIT_TIMEOUT_MS))) throw new Error(`redis-server pid ${child.pid} did not exit after SIGKILL`);
  }

  async restart(): Promise<void> {
    await this.stop();
    await this.start();
  }

  async destroy(): Promise<void> {
    if (this.destroyed) return;
    this.destroyed = true;
    if (this.settings.persistent) {
      await this.stop();
      this.unregister();
      return;
    }
    try {
      await this.kill();
    } finally {
      fs.rmSync(this.dir, { recursive: true, force: true });
      this.unregister();
    }
  }

  /** Size of the server log, in bytes (0 when there is none yet). */
  logSize(): number {
    try {
      return fs.statSync(this.logFile()).size;
    } catch {
      return 0;
    }
  }

  /** What the server log gained after byte `offset`. */
  logSince(offset: number): string {
    try {
      return fs.readFileSync(this.logFile()).subarray(offset).toString('utf8');
    } catch {
      return '';
    }
  }

  private logFile(): string {
    return path.join(this.dir, 'redis.log');
  }

  /** Last lines of the server log, for error messages. */
  logTail(lines = 20): string {
    try {
      return fs.readFileSync(path.join(this.dir, 'redis.log'), 'utf8').split('\n').slice(-lines).join('\n');
    } catch {
      return '';
    }
  }

  /** Resolves true once the current process has exited, false after `timeoutMs`. */
  private async waitExit(timeoutMs: number): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(false), timeoutMs);
    });
    try {
      return await Promise.race([this.exited.then(() => true), timedOut]);
    } finally {
      clearTimeout(timer);
    }
  }
}
