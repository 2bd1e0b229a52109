import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createConnection, type Connection, type ConnectionOptions } from 'mysql2/promise';
import { getFreePort } from './free-port';
import { killWithThisProcess, runCommand, runningAsRoot } from './processes';
import { registerServer } from './server-registry';
import type { TestCertificates } from './test-certificates';
import { waitFor } from './wait-for';

/** How many fresh ports to try when another process takes ours before we bind it. */
const PORT_ATTEMPTS = 3;
/** How long `mariadb-install-db`, a start (with crash recovery) or a stop may take, in milliseconds. */
const INSTALL_TIMEOUT_MS = 60_000;
const READY_TIMEOUT_MS = 60_000;
const EXIT_TIMEOUT_MS = 30_000;
/** InnoDB's buffer pool and redo log: small, so several test servers fit on one machine. */
const SMALL_INNODB = ['--innodb-buffer-pool-size=64M', '--innodb-log-file-size=16M'];

/** Options for {@link startMariadbServer}. */
export interface MariadbServerOptions {
  /** Serve TLS with this certificate (clients may still connect without TLS unless an account requires it). */
  ssl?: TestCertificates;
  /** More `mariadbd` options, after ours so they win (`['--default-time-zone=+05:00']`). */
  extraArgs?: string[];
  /** Parent of the server's directory. Default `os.tmpdir()`. */
  baseDir?: string;
  /** Record the server so the next test run kills it if we crash. Default true. */
  registerForCleanup?: boolean;
}

/**
 * A `mariadbd` of our own: its own data directory, port and socket, never
 * the machine's MariaDB on 3306. Its `root` has no password and connects
 * from 127.0.0.1 only.
 */
export interface MariadbServer {
  /** Always '127.0.0.1'. */
  readonly host: string;
  readonly port: number;
  readonly dataDir: string;
  readonly socketPath: string;
  readonly logFile: string;
  /** Pid of the current process; undefined while stopped. */
  readonly pid: number | undefined;
  /** mysql2 options for `root` over TCP (no TLS), multiple statements allowed: for set-up SQL and reading rows. */
  rootOptions(database?: string): ConnectionOptions;
  /** SIGTERM, a clean shutdown; waits for the process to exit. Clients see connections refused. */
  stop(): Promise<void>;
  /** SIGKILL, like a crash; waits for the process to exit. */
  kill(): Promise<void>;
  /** Starts again on the same port and data directory (InnoDB recovers after a kill); resolves once root can connect. */
  start(): Promise<void>;
  restart(): Promise<void>;
  isRunning(): boolean;
  /** Kills the server if it runs and removes its directory. Safe to call twice. */
  destroy(): Promise<void>;
}

/**
 * Initialises a fresh data directory with `mariadb-install-db` and starts
 * `mariadbd` on a free port. `--no-defaults` everywhere: the machine's
 * /etc/mysql settings (its datadir, its socket, its port) must not leak in.
 * As root, mariadbd runs with `--user=root` on a directory of its own.
 */
export async function startMariadbServer(options: MariadbServerOptions = {}): Promise<MariadbServer> {
  const rootDir = fs.mkdtempSync(path.join(options.baseDir ?? os.tmpdir(), 'pushrail-mariadb-'));
  const dataDir = path.join(rootDir, 'data');
  const pidFile = path.join(rootDir, 'mariadb.pid');
  const unregister = options.registerForCleanup === false ? () => undefined : registerServer({ kind: 'mariadb', rootDir, pidFile });
  const userArgs = runningAsRoot() ? ['--user=root'] : [];
  try {
    await runCommand(
      'mariadb-install-db',
      ['--no-defaults', ...userArgs, `--datadir=${dataDir}`, '--auth-root-authentication-method=normal', '--skip-test-db', ...SMALL_INNODB],
      { timeoutMs: INSTALL_TIMEOUT_MS },
    );
  } catch (error) {
    fs.rmSync(rootDir, { recursive: true, force: true });
    unregister();
    throw error;
  }
  for (let attempt = 1; ; attempt++) {
    const port = await getFreePort();
    const server = new LocalMariadbServer(rootDir, dataDir, pidFile, port, [...userArgs, ...serverArgs(options.ssl), ...(options.extraArgs ?? [])], unregister);
    const logOffset = server.logSize();
    try {
      await server.start();
      return server;
    } catch (error) {
      await server.kill().catch(() => undefined);
      if (attempt < PORT_ATTEMPTS && /Address already in use|Can't start server: Bind/i.test(server.logSince(logOffset))) continue;
      await server.destroy();
      throw error;
    }
  }
}

function serverArgs(ssl: TestCertificates | undefined): string[] {
  return [
    ...SMALL_INNODB,
    '--bind-address=127.0.0.1',
    '--skip-name-resolve',
    '--max-connections=200',
    ...(ssl ? [`--ssl-ca=${ssl.caFile}`, `--ssl-cert=${ssl.certFile}`, `--ssl-key=${ssl.keyFile}`] : []),
  ];
}

/** Runs `fn` with a connection made from `options`, closed afterwards. */
export async function withMariadbConnection<T>(options: ConnectionOptions, fn: (connection: Connection) => Promise<T>): Promise<T> {
  const connection = await createConnection(options);
  try {
    return await fn(connection);
  } finally {
    await connection.end().catch(() => connection.destroy());
  }
}

class LocalMariadbServer implements MariadbServer {
  readonly host = '127.0.0.1';
  readonly socketPath: string;
  readonly logFile: string;
  private child: ChildProcess | undefined;
  private exited: Promise<void> = Promise.resolve();
  private destroyed = false;

  constructor(
    private readonly rootDir: string,
    readonly dataDir: string,
    private readonly pidFile: string,
    readonly port: number,
    private readonly extraArgs: string[],
    private readonly unregister: () => void,
  ) {
    this.socketPath = path.join(rootDir, 'mariadb.sock');
    this.logFile = path.join(rootDir, 'mariadb.err');
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  isRunning(): boolean {
    return this.child !== undefined;
  }

  rootOptions(database?: string): ConnectionOptions {
    return { host: this.host, port: this.port, user: 'root', password: '', multipleStatements: true, ...(database ? { database } : {}) };
  }

  async start(): Promise<void> {
    if (this.destroyed) throw new Error('this MariadbServer was destroyed');
    if (this.child) return;
    const args = [
      '--no-defaults',
      `--datadir=${this.dataDir}`,
      `--port=${this.port}`,
      `--socket=${this.socketPath}`,
      `--pid-file=${this.pidFile}`,
      `--log-error=${this.logFile}`,
      ...this.extraArgs,
    ];
    const child = spawn('mariadbd', args, { stdio: 'ignore' });
    child.unref();
    this.child = child;
    killWithThisProcess(child);
    const died = new AbortController();
    this.exited = new Promise<void>((resolve) => {
      child.once('error', (err) => died.abort(new Error(`could not run mariadbd: ${err.message}`)));
      child.once('close', (code, signal) => {
        if (this.child === child) this.child = undefined;
        died.abort(new Error(`mariadbd exited during start (code ${code}, signal ${signal})\n${this.logTail()}`));
        resolve();
      });
    });
    await waitFor(
      async () => {
        try {
          await withMariadbConnection({ ...this.rootOptions(), connectTimeout: 2_000 }, (c) => c.query('SELECT 1'));
          return true;
        } catch {
          return false;
        }
      },
      { timeoutMs: READY_TIMEOUT_MS, intervalMs: 100, description: `mariadbd on port ${this.port} to accept root`, signal: died.signal },
    );
  }

  async stop(): Promise<void> {
    const child = this.child;
    if (!child) return;
    child.kill('SIGTERM');
    if (!(await this.waitExit(EXIT_TIMEOUT_MS))) await this.kill();
  }

  async kill(): Promise<void> {
    const child = this.child;
    if (!child) return;
    child.kill('SIGKILL');
    if (!(await this.waitExit(EXIT_TIMEOUT_MS))) throw new Error(`mariadbd pid ${child.pid} did not exit after SIGKILL`);
  }

  async restart(): Promise<void> {
    await this.stop();
    await this.start();
  }

  async destroy(): Promise<void> {
    if (this.destroyed) return;
    this.destroyed = true;
    try {
      await this.kill();
    } finally {
      fs.rmSync(this.rootDir, { recursive: true, force: true });
      this.unregister();
    }
  }

  logSize(): number {
    try {
      return fs.statSync(this.logFile).size;
    } catch {
      return 0;
    }
  }

  logSince(offset: number): string {
    try {
      return fs.readFileSync(this.logFile).subarray(offset).toString('utf8');
    } catch {
      return '';
    }
  }

  private logTail(lines = 20): string {
    try {
      return fs.readFileSync(this.logFile, 'utf8').split('\n').slice(-lines).join('\n');
    } catch {
      return '';
    }
  }

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
