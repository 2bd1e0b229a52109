import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { findPostgresBinDir } from './postgres-binaries';
import { getFreePort, isPortOpen } from './free-port';
import { waitForPostgres } from './pg-client';
import { childPidsOf, commandLineOf, isPidAlive, runCommand, runningAsRoot, signalPid, workingDirectoryOf } from './processes';
import { registerServer } from './server-registry';
import { toError } from '@pushrail/observability';
import { waitFor } from './wait-for';

/** PostgreSQL refuses to run as root; as root we run it as this Debian user. */
const POSTGRES_OS_USER = 'postgres';

/** How long pg_ctl may take to start or stop the server, in seconds. */
const PG_CTL_TIMEOUT_S = 30;

/** How many fresh ports to try when another process takes ours before we bind it. */
const PORT_ATTEMPTS = 3;

/** TLS material for the server; the files are copied into the data directory. */
export interface PostgresSslOptions {
  certFile: string;
  keyFile: string;
  /** CA for client certificates; only needed to test client-certificate auth. */
  caFile?: string;
}

/** Options for {@link startPostgresServer}. */
export interface PostgresServerOptions {
  /** Turns on `ssl` with this certificate and key. */
  ssl?: PostgresSslOptions;
  /** More server settings, written after ours so they win (`{ log_statement: 'all' }`). */
  extraConfig?: Record<string, string>;
  /** Parent of the server's directory. Default `os.tmpdir()`. As root it must be traversable by `postgres`. */
  baseDir?: string;
  /**
   * When true, every role except `postgres` must log in over TCP with its
   * password (scram-sha-256), as on a customer's server; `postgres` stays
   * trusted. Default false: everyone is trusted.
   */
  passwordAuth?: boolean;
  /** Record the server so the next test run kills it if we crash. Default true. */
  registerForCleanup?: boolean;
  /**
   * Keep the server in this directory instead of a fresh one under
   * `baseDir` (for `pnpm start`, whose data must outlive a run): created when
   * missing, `initdb` only when it holds no cluster yet, and left in place by
   * `destroy()`. A server that a previous process left running on it is
   * stopped first (the directory is the caller's alone). Never registered
   * for cleanup. As root, it and its parents must be traversable by `postgres`.
   */
  dir?: string;
  /** Port to try first; a free one when it is taken. Default: a free port. */
  port?: number;
}

/** A PostgreSQL cluster of our own: its own data directory, port and socket. */
export interface PostgresServer {
  /** Always '127.0.0.1': the server listens on loopback only. */
  readonly host: string;
  readonly port: number;
  readonly dataDir: string;
  /** Directory of the Unix socket (`-k`). */
  readonly socketDir: string;
  /** Server log (pg_ctl `-l`); read it when a start fails. */
  readonly logFile: string;
  /** `postgresql://postgres@127.0.0.1:PORT/<database>`. */
  superuserUrl(database?: string): string;
  /** Stops cleanly (`fast`: roll back sessions, checkpoint) or abruptly (`immediate`: crash recovery on next start). */
  stop(mode?: 'fast' | 'immediate'): Promise<void>;
  /** SIGKILLs the postmaster and its backends, like a crash, and waits until the port is closed. */
  kill(): Promise<void>;
  /** Starts again on the same data and port; resolves once it accepts connections. */
  start(): Promise<void>;
  /** `stop('fast')` then `start()`. */
  restart(): Promise<void>;
  /** Whether the postmaster process is alive. */
  isRunning(): boolean;
  /**
   * Stops the server if it runs and removes its directories (a kept `dir`
   * is only stopped, with a checkpoint). Safe to call twice.
   */
  destroy(): Promise<void>;
}

/**
 * Creates and starts a fresh PostgreSQL cluster on a free port.
 *
 * Durability against machine crashes is traded for speed (`fsync=off`,
 * `full_page_writes=off`), but not against a killed server: every commit's
 * WAL is handed to the OS before the client hears "committed", so a row
 * committed before {@link PostgresServer.kill} is there after `start()`.
 */
export async function startPostgresServer(options: PostgresServerOptions = {}): Promise<PostgresServer> {
  const binDir = findPostgresBinDir();
  const persistent = options.dir !== undefined;
  const rootDir = persistent
    ? path.resolve(options.dir as string)
    : fs.mkdtempSync(path.join(options.baseDir ?? os.tmpdir(), 'pushrail-pg-'));
  const dataDir = path.join(rootDir, 'data');
  const socketDir = persistent ? persistentSocketDir(rootDir) : path.join(rootDir, 'socket');
  const logFile = path.join(rootDir, 'postgres.log');
  // A kept directory is never registered: the sweep of leftovers removes what it finds.
  const unregister =
    options.registerForCleanup === false || persistent
      ? () => undefined
      : registerServer({ kind: 'postgres', rootDir, pidFile: path.join(dataDir, 'postmaster.pid') });
  try {
    fs.mkdirSync(rootDir, { recursive: true });
    fs.mkdirSync(socketDir, { recursive: true });
    if (runningAsRoot()) chownToPostgres(rootDir);
    if (runningAsRoot() && socketDir !== path.join(rootDir, 'socket')) chownToPostgres(socketDir);
    if (persistent && hasCluster(dataDir)) {
      await stopLeftoverServer(binDir, dataDir, socketDir);
    } else {
      await pgCommand(binDir, 'initdb', [
        '-D', dataDir, '-A', 'trust', '-U', POSTGRES_OS_USER, '--no-sync', '-E', 'UTF8', '--locale=C', '--no-instructions',
      ]);
      // Settings live in an included file rather than pg_ctl -o: no shell quoting
      // of paths, and start() after a stop or kill reuses them as they are.
      fs.appendFileSync(path.join(dataDir, 'postgresql.conf'), "\ninclude 'pushrail-test.conf'\n");
    }
    if (options.passwordAuth) fs.writeFileSync(path.join(dataDir, 'pg_hba.conf'), PASSWORD_HBA);
    const ssl = options.ssl ? copySslFiles(options.ssl, dataDir) : {};

    let port = 0;
    for (let attempt = 1; ; attempt++) {
      port = attempt === 1 && options.port !== undefined ? options.port : await getFreePort();
      writeSettings(dataDir, { ...baseSettings(port, socketDir), ...ssl, ...options.extraConfig });
      if (runningAsRoot()) chownToPostgres(rootDir);
      // Only this attempt's lines count: a kept log holds earlier runs' too.
      const logOffset = fileSize(logFile);
      try {
        await pgCtlStart(binDir, dataDir, logFile);
        break;
      } catch (err) {
        if (attempt >= PORT_ATTEMPTS || !logSince(logFile, logOffset).includes('could not bind')) throw err;
      }
    }
    const server = new LocalPostgresServer(binDir, rootDir, dataDir, socketDir, logFile, port, unregister, persistent);
    await waitForPostgres(server.superuserUrl());
    return server;
  } catch (err) {
    await forceStop(binDir, dataDir);
    if (!persistent) fs.rmSync(rootDir, { recursive: true, force: true });
    unregister();
    throw err;
  }
}

/** Longest Unix socket path the kernel takes (`sun_path`, 108 bytes with its NUL). */
const MAX_SOCKET_PATH_BYTES = 107;

/**
 * `<dir>/socket`, unless the socket's path would be too long for the kernel
 * (a deep checkout): then a directory in tmp named after `dir`, the same on
 * every run.
 */
function persistentSocketDir(rootDir: string): string {
  const inside = path.join(rootDir, 'socket');
  // `.s.PGSQL.<port>.lock` is the longest name the server puts there.
  if (Buffer.byteLength(path.join(inside, '.s.PGSQL.65535.lock')) <= MAX_SOCKET_PATH_BYTES) return inside;
  const hash = crypto.createHash('sha256').update(rootDir).digest('hex').slice(0, 12);
  return path.join(os.tmpdir(), `pushrail-pg-socket-${hash}`);
}

/** Whether `dataDir` holds an initialised cluster (initdb removes it again when it fails). */
function hasCluster(dataDir: string): boolean {
  return fs.existsSync(path.join(dataDir, 'PG_VERSION'));
}

/**
 * Stops a server an earlier process left running on a kept directory (it
 * crashed or was killed before stopping it), so this one starts with our
 * settings and port; clears the lock files of one that died.
 */
async function stopLeftoverServer(binDir: string, dataDir: string, socketDir: string): Promise<void> {
  const pid = readPostmasterPid(dataDir);
  // A recycled pid of an unrelated process is left alone: a postmaster runs
  // in its data directory (which the kernel reports with symlinks resolved)
  // and names it on its command line.
  const ours = pid !== undefined && (workingDirectoryOf(pid) === fs.realpathSync(dataDir) || commandLineOf(pid).includes(dataDir));
  if (pid !== undefined && isPidAlive(pid) && ours) {
    try {
      await pgCommand(binDir, 'pg_ctl', ['-D', dataDir, '-m', 'fast', '-w', '-t', String(PG_CTL_TIMEOUT_S), 'stop']);
    } catch {
      await forceStop(binDir, dataDir);
    }
  }
  removeStaleLockFiles(dataDir, socketDir);
}

function fileSize(file: string): number {
  try {
    return fs.statSync(file).size;
  } catch {
    return 0;
  }
}

/** What the log gained after byte `offset`. */
function logSince(logFile: string, offset: number): string {
  try {
    return fs.readFileSync(logFile).subarray(offset).toString('utf8');
  } catch {
    return '';
  }
}

/** Superuser trusted (local socket and loopback); every other role needs its password over TCP. */
const PASSWORD_HBA = [
  'local all all trust',
  `host all ${POSTGRES_OS_USER} 127.0.0.1/32 trust`,
  'host all all 127.0.0.1/32 scram-sha-256',
  '',
].join('\n');

function baseSettings(port: number, socketDir: string): Record<string, string> {
  return {
    port: String(port),
    listen_addresses: '127.0.0.1',
    unix_socket_directories: socketDir,
    fsync: 'off',
    full_page_writes: 'off',
    // synchronous_commit stays on: off, a commit is acknowledged before its
    // WAL reaches even the OS, and a row committed just before kill() is lost
    // (measured: the kill test fails). With fsync off, "on" costs one write()
    // per commit and no disk flush.
    synchronous_commit: 'on',
    // Two jest workers, each with pools against many databases.
    max_connections: '300',
  };
}

function writeSettings(dataDir: string, settings: Record<string, string>): void {
  const lines = Object.entries(settings).map(([key, value]) => `${key} = '${value.replace(/'/g, "''")}'`);
  fs.writeFileSync(path.join(dataDir, 'pushrail-test.conf'), `${lines.join('\n')}\n`);
}

/**
 * Copies certificate and key into the data directory: PostgreSQL reads them
 * as its own user and refuses a key readable by others (mode 0600 needed).
 */
function copySslFiles(ssl: PostgresSslOptions, dataDir: string): Record<string, string> {
  const certFile = path.join(dataDir, 'server.crt');
  const keyFile = path.join(dataDir, 'server.key');
  fs.copyFileSync(ssl.certFile, certFile);
  fs.copyFileSync(ssl.keyFile, keyFile);
  fs.chmodSync(keyFile, 0o600);
  const settings: Record<string, string> = { ssl: 'on', ssl_cert_file: certFile, ssl_key_file: keyFile };
  if (ssl.caFile) {
    const caFile = path.join(dataDir, 'root.crt');
    fs.copyFileSync(ssl.caFile, caFile);
    settings['ssl_ca_file'] = caFile;
  }
  return settings;
}

let postgresIds: { uid: number; gid: number } | undefined;

/** Hands `dir` and everything in it to the `postgres` user (we are root). */
function chownToPostgres(dir: string): void {
  postgresIds ??= readPostgresIds();
  const { uid, gid } = postgresIds;
  fs.chownSync(dir, uid, gid);
  for (const entry of fs.readdirSync(dir, { recursive: true, encoding: 'utf8' })) {
    fs.lchownSync(path.join(dir, entry), uid, gid);
  }
}

function readPostgresIds(): { uid: number; gid: number } {
  const line = fs
    .readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .find((l) => l.startsWith(`${POSTGRES_OS_USER}:`));
  const fields = line?.split(':');
  if (!fields || fields.length < 4) {
    throw new Error(`running as root but there is no '${POSTGRES_OS_USER}' user to run PostgreSQL as (apt-get install postgresql creates it)`);
  }
  return { uid: Number(fields[2]), gid: Number(fields[3]) };
}

function pgCommand(binDir: string, tool: string, args: string[]): Promise<unknown> {
  return runCommand(path.join(binDir, tool), args, { asUser: POSTGRES_OS_USER, timeoutMs: (PG_CTL_TIMEOUT_S + 10) * 1000 });
}

async function pgCtlStart(binDir: string, dataDir: string, logFile: string): Promise<void> {
  try {
    // -l matters beyond logging: without it the postmaster inherits pg_ctl's
    // stdout and our execFile would wait for the server to exit.
    await pgCommand(binDir, 'pg_ctl', ['-D', dataDir, '-l', logFile, '-w', '-t', String(PG_CTL_TIMEOUT_S), 'start']);
  } catch (err) {
    throw new Error(`${toError(err).message}\n--- ${logFile} ---\n${logTail(logFile)}`);
  }
}

/** Last lines of the server log, for error messages. */
function logTail(logFile: string, lines = 30): string {
  try {
    return fs.readFileSync(logFile, 'utf8').split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}

/** The postmaster's pid from postmaster.pid, or undefined when there is none. */
function readPostmasterPid(dataDir: string): number | undefined {
  try {
    const pid = Number(fs.readFileSync(path.join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

/**
 * After a kill, postmaster.pid and the socket's `.lock` file stay behind.
 * PostgreSQL clears stale ones itself, unless the dead postmaster lingers as
 * an unreaped zombie (an init that does not reap, as in some containers),
 * whose pid still answers signal 0. We know it is dead and both directories
 * are ours alone, so remove them.
 */
function removeStaleLockFiles(dataDir: string, socketDir: string): void {
  fs.rmSync(path.join(dataDir, 'postmaster.pid'), { force: true });
  for (const entry of fs.readdirSync(socketDir)) {
    if (entry.startsWith('.s.PGSQL.')) fs.rmSync(path.join(socketDir, entry), { force: true });
  }
}

/** SIGKILLs the postmaster of `dataDir` and its children; used when cleaning up a failed start. */
async function forceStop(_binDir: string, dataDir: string): Promise<void> {
  const pid = readPostmasterPid(dataDir);
  if (pid === undefined || !isPidAlive(pid)) return;
  const children = childPidsOf(pid);
  signalPid(pid, 'SIGKILL');
  for (const child of children) signalPid(child, 'SIGKILL');
  await waitFor(() => !isPidAlive(pid) && children.every((c) => !isPidAlive(c)), {
    timeoutMs: 10_000,
    description: `killed PostgreSQL (pid ${pid}) to exit`,
  });
}

class LocalPostgresServer implements PostgresServer {
  readonly host = '127.0.0.1';
  private destroyed = false;

  constructor(
    private readonly binDir: string,
    private readonly rootDir: string,
    readonly dataDir: string,
    readonly socketDir: string,
    readonly logFile: string,
    readonly port: number,
    private readonly unregister: () => void,
    /** A kept directory ({@link PostgresServerOptions.dir}): destroy() stops cleanly and removes nothing. */
    private readonly persistent = false,
  ) {}

  superuserUrl(database = 'postgres'): string {
    return `postgresql://${POSTGRES_OS_USER}@${this.host}:${this.port}/${encodeURIComponent(database)}`;
  }

  isRunning(): boolean {
    const pid = readPostmasterPid(this.dataDir);
    return pid !== undefined && isPidAlive(pid);
  }

  async stop(mode: 'fast' | 'immediate' = 'fast'): Promise<void> {
    if (!this.isRunning()) return;
    await pgCommand(this.binDir, 'pg_ctl', ['-D', this.dataDir, '-m', mode, '-w', '-t', String(PG_CTL_TIMEOUT_S), 'stop']);
    await this.waitPortClosed();
  }

  async kill(): Promise<void> {
    const pid = readPostmasterPid(this.dataDir);
    if (pid === undefined || !isPidAlive(pid)) return;
    // Backends too: killed alone, the postmaster leaves idle sessions serving
    // their clients for a while, which is not what "the server died" means.
    await forceStop(this.binDir, this.dataDir);
    await this.waitPortClosed();
  }

  async start(): Promise<void> {
    if (this.destroyed) throw new Error('this PostgresServer was destroyed');
    if (this.isRunning()) return;
    removeStaleLockFiles(this.dataDir, this.socketDir);
    await pgCtlStart(this.binDir, this.dataDir, this.logFile);
    await waitForPostgres(this.superuserUrl());
  }

  async restart(): Promise<void> {
    await this.stop('fast');
    await this.start();
  }

  async destroy(): Promise<void> {
    if (this.destroyed) return;
    this.destroyed = true;
    if (this.persistent) {
      // A checkpoint now spares the next start a crash recovery.
      await this.stop('fast');
      this.unregister();
      return;
    }
    try {
      if (this.isRunning()) {
        // Immediate: nothing here needs a shutdown checkpoint, and it is quicker.
        await this.stop('immediate').catch(() => forceStop(this.binDir, this.dataDir));
      }
    } finally {
      fs.rmSync(this.rootDir, { recursive: true, force: true });
      this.unregister();
    }
  }

  private async waitPortClosed(): Promise<void> {
    await waitFor(async () => !(await isPortOpen(this.host, this.port)), {
      timeoutMs: 10_000,
      description: `PostgreSQL port ${this.port} to close`,
    });
  }
}
