import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { getFreePort, isPortOpen } from './free-port';
import { runningAsRoot } from './processes';
import { registerServer } from './server-registry';
import { waitFor } from './wait-for';

/** PgBouncer refuses to run as root; as root we run it as this Debian user (the PostgreSQL one). */
const PGBOUNCER_OS_USER = 'postgres';

/** How long a start or a stop may take, in milliseconds. */
const READY_TIMEOUT_MS = 15_000;
const EXIT_TIMEOUT_MS = 10_000;

/** Options for {@link startPgBouncer}. */
export interface PgBouncerOptions {
  /** The PostgreSQL server every database is pooled to. */
  upstream: { host: string; port: number };
  /**
   * Users and their passwords: written in clear to the userlist, so
   * PgBouncer can log in to the server with them (SCRAM or md5 upstream)
   * and check clients with md5.
   */
  users: Record<string, string>;
  /** Default `transaction`: a server connection is the client's only for one transaction. */
  poolMode?: 'session' | 'transaction' | 'statement';
  /** Server connections per database and user. Default 4. */
  defaultPoolSize?: number;
  /** Parent of PgBouncer's directory. Default `os.tmpdir()`. */
  baseDir?: string;
}

/** A running `pgbouncer` of our own: its own port, ini, userlist and log. */
export interface PgBouncer {
  /** Always '127.0.0.1'. */
  readonly host: string;
  readonly port: number;
  readonly dir: string;
  readonly logFile: string;
  readonly pid: number | undefined;
  /** Kills it (SIGKILL), removes its directory. Safe to call twice. */
  destroy(): Promise<void>;
}

/** `"user" "password"` lines; a `"` inside is doubled, as PgBouncer's auth_file format says. */
function userlist(users: Record<string, string>): string {
  const quote = (s: string) => `"${s.replace(/"/g, '""')}"`;
  return Object.entries(users).map(([user, password]) => `${quote(user)} ${quote(password)}`).join('\n') + '\n';
}

function ini(options: PgBouncerOptions, dir: string, port: number): string {
  return [
    '[databases]',
    // Any database name the client asks for, on the upstream server.
    `* = host=${options.upstream.host} port=${options.upstream.port}`,
    '',
    '[pgbouncer]',
    'listen_addr = 127.0.0.1',
    `listen_port = ${port}`,
    // No Unix socket: it would need a directory PgBouncer's user can write, and tests use TCP.
    'unix_socket_dir =',
    'auth_type = md5',
    `auth_file = ${path.join(dir, 'userlist.txt')}`,
    `pool_mode = ${options.poolMode ?? 'transaction'}`,
    `default_pool_size = ${options.defaultPoolSize ?? 4}`,
    'max_client_conn = 500',
    // Startup parameters some drivers send that PgBouncer would otherwise refuse.
    'ignore_startup_parameters = extra_float_digits,options',
    `logfile = ${path.join(dir, 'pgbouncer.log')}`,
    `pidfile = ${path.join(dir, 'pgbouncer.pid')}`,
    '',
  ].join('\n');
}

/** uid and gid of the `postgres` user, from /etc/passwd. */
function postgresIds(): { uid: number; gid: number } {
  const fields = fs
    .readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .find((l) => l.startsWith(`${PGBOUNCER_OS_USER}:`))
    ?.split(':');
  if (!fields || fields.length < 4) {
    throw new Error(`running as root but there is no '${PGBOUNCER_OS_USER}' user to run pgbouncer as (apt-get install postgresql creates it)`);
  }
  return { uid: Number(fields[2]), gid: Number(fields[3]) };
}

/** The pgbouncer binary: on PATH, or Debian's /usr/sbin (not on every user's PATH). */
function pgbouncerBinary(): string {
  for (const dir of [...(process.env.PATH ?? '').split(path.delimiter), '/usr/sbin', '/usr/local/sbin']) {
    const candidate = path.join(dir, 'pgbouncer');
    if (dir && fs.existsSync(candidate)) return candidate;
  }
  throw new Error('pgbouncer is not installed (apt-get install -y pgbouncer; .ci/run installs it)');
}

/**
 * Starts Debian's `pgbouncer` in front of `upstream` on a free port, in
 * transaction pooling mode unless told otherwise, and waits until it
 * accepts connections. As root it runs as `postgres` (PgBouncer refuses root).
 */
export async function startPgBouncer(options: PgBouncerOptions): Promise<PgBouncer> {
  const binary = pgbouncerBinary();
  const dir = fs.mkdtempSync(path.join(options.baseDir ?? os.tmpdir(), 'pushrail-pgbouncer-'));
  const port = await getFreePort();
  fs.writeFileSync(path.join(dir, 'userlist.txt'), userlist(options.users), { mode: 0o600 });
  const iniFile = path.join(dir, 'pgbouncer.ini');
  fs.writeFileSync(iniFile, ini(options, dir, port));
  const ids = runningAsRoot() ? postgresIds() : undefined;
  if (ids) {
    fs.chownSync(dir, ids.uid, ids.gid);
    for (const file of fs.readdirSync(dir)) fs.chownSync(path.join(dir, file), ids.uid, ids.gid);
  }
  // The registry's kinds are PostgreSQL and Redis; PgBouncer speaks PostgreSQL's protocol, and the
  // sweep of a crashed run's leftovers only needs the pid file and the directory on its command line.
  const unregister = registerServer({ kind: 'postgres', rootDir: dir, pidFile: path.join(dir, 'pgbouncer.pid') });
  const logFile = path.join(dir, 'pgbouncer.log');
  const child: ChildProcess = spawn(binary, [iniFile], { stdio: 'ignore', ...(ids ?? {}) });
  child.unref();
  const exited = new Promise<void>((resolve) => child.once('close', () => resolve()));
  const died = new AbortController();
  child.once('error', (err) => died.abort(new Error(`could not run pgbouncer: ${err.message}`)));
  void exited.then(() => died.abort(new Error(`pgbouncer exited during start:\n${tail(logFile)}`)));
  const onExit = () => child.kill('SIGKILL');
  process.once('exit', onExit);

  let destroyed = false;
  const destroy = async (): Promise<void> => {
    if (destroyed) return;
    destroyed = true;
    process.removeListener('exit', onExit);
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL');
      await waitFor(() => child.exitCode !== null || child.signalCode !== null, {
        timeoutMs: EXIT_TIMEOUT_MS,
        description: 'pgbouncer to exit',
      });
    }
    unregister();
    fs.rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitFor(() => isPortOpen('127.0.0.1', port), {
      timeoutMs: READY_TIMEOUT_MS,
      intervalMs: 50,
      description: `pgbouncer to listen on port ${port}`,
      signal: died.signal,
    });
  } catch (err) {
    await destroy();
    throw err;
  }
  return {
    host: '127.0.0.1',
    port,
    dir,
    logFile,
    get pid() {
      return child.pid;
    },
    destroy,
  };
}

function tail(file: string, lines = 20): string {
  try {
    return fs.readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}
