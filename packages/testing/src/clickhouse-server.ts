import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { getFreePort, isPortOpen } from './free-port';
import { isPidAlive, killWithThisProcess } from './processes';
import { registerServer } from './server-registry';
import { waitFor } from './wait-for';

/** Debian's server binary (the `clickhouse-server` package, 18.16 on these machines). */
const CLICKHOUSE_SERVER_BIN = '/usr/sbin/clickhouse-server';

/** How long a start or a stop may take, in milliseconds (18.16 loads its tables before it listens). */
const READY_TIMEOUT_MS = 60_000;
const EXIT_TIMEOUT_MS = 30_000;

/** How long a rewritten users.xml may take to be picked up, in milliseconds (the server rereads it about every 2 s). */
const USERS_RELOAD_TIMEOUT_MS = 20_000;

/** How many fresh ports to try when another process takes ours before we bind it. */
const PORT_ATTEMPTS = 3;

/** The administrator: `default`, no password, loopback only (as Debian installs it). */
export const CLICKHOUSE_ADMIN_USER = 'default';

/**
 * A user of the test server, written into its users.xml.
 *
 * ClickHouse 18.16 has no SQL users and no GRANT: users live in users.xml,
 * and all it can restrict is which databases a user sees (`allow_databases`)
 * and what kind of query it runs (profile settings). `insert_only` is the
 * closest 18.16 comes to an INSERT-only user: it may INSERT and SELECT in its
 * databases, sees no other database, and its profile sets `allow_ddl = 0`, so
 * a CREATE, ALTER or DROP is refused ("DDL queries are prohibited for the
 * user") and `SET allow_ddl = 1` is refused too. It is not a security
 * boundary: 18.16 still takes `allow_ddl=1` as a URL parameter of an HTTP
 * query (checked on 18.16.1), and `readonly`, which cannot be overridden,
 * forbids INSERT as well. `admin` may do everything in its databases.
 */
export interface ClickHouseUser {
  name: string;
  password: string;
  /** Databases the user may use; absent: all. */
  databases?: string[];
  profile: 'admin' | 'insert_only';
}

/** TLS material for the HTTPS port. */
export interface ClickHouseTlsOptions {
  certFile: string;
  keyFile: string;
}

/** Options for {@link startClickHouseServer}. */
export interface ClickHouseServerOptions {
  /** Also serve HTTPS on a free port with this certificate. */
  tls?: ClickHouseTlsOptions;
  /** Parent of the server's directory. Default `os.tmpdir()`. */
  baseDir?: string;
  /** Record the server so the next test run kills it if we crash. Default true. */
  registerForCleanup?: boolean;
}

/** A `clickhouse-server` of our own: its own directory and ports, HTTP (and HTTPS) on loopback. */
export interface ClickHouseServer {
  /** Always '127.0.0.1'. */
  readonly host: string;
  readonly httpPort: number;
  /** Set when started with `tls`. */
  readonly httpsPort: number | undefined;
  readonly dir: string;
  /** The server's version, `18.16.1`. */
  readonly version: string;
  /** Runs one statement as the administrator over HTTP and returns the response body (TSV unless the SQL says FORMAT). */
  query(sql: string, options?: { database?: string }): Promise<string>;
  /** Runs one statement as `user`, returning the body; a refused query rejects with the server's text. */
  queryAs(user: { name: string; password: string }, sql: string, options?: { database?: string; settings?: Record<string, string> }): Promise<string>;
  /** Rewrites users.xml with the administrator plus these users; resolves once the server accepts each. */
  setUsers(users: readonly ClickHouseUser[]): Promise<void>;
  /** SIGTERM; waits for the process to exit and the ports to close (its clients then see connections refused). */
  stop(): Promise<void>;
  /** Starts again on the same ports and data; resolves once it answers. */
  start(): Promise<void>;
  isRunning(): boolean;
  /** Stops the server and removes its directory. Safe to call twice. */
  destroy(): Promise<void>;
}

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function configXml(dir: string, ports: { http: number; tcp: number; https?: number | undefined }, tls?: ClickHouseTlsOptions): string {
  const https =
    tls && ports.https !== undefined
      ? `
  <https_port>${ports.https}</https_port>
  <openSSL>
    <server>
      <certificateFile>${escapeXml(tls.certFile)}</certificateFile>
      <privateKeyFile>${escapeXml(tls.keyFile)}</privateKeyFile>
      <verificationMode>none</verificationMode>
      <loadDefaultCAFile>false</loadDefaultCAFile>
      <cacheSessions>true</cacheSessions>
      <disableProtocols>sslv2,sslv3</disableProtocols>
      <preferServerCiphers>true</preferServerCiphers>
    </server>
  </openSSL>`
      : '';
  return `<?xml version="1.0"?>
<yandex>
  <logger>
    <level>warning</level>
    <log>${escapeXml(path.join(dir, 'server.log'))}</log>
    <errorlog>${escapeXml(path.join(dir, 'error.log'))}</errorlog>
    <console>0</console>
  </logger>
  <listen_host>127.0.0.1</listen_host>
  <http_port>${ports.http}</http_port>
  <tcp_port>${ports.tcp}</tcp_port>${https}
  <path>${escapeXml(path.join(dir, 'data'))}/</path>
  <tmp_path>${escapeXml(path.join(dir, 'tmp'))}/</tmp_path>
  <format_schema_path>${escapeXml(path.join(dir, 'format_schemas'))}/</format_schema_path>
  <users_config>${escapeXml(path.join(dir, 'users.xml'))}</users_config>
  <default_profile>default</default_profile>
  <default_database>default</default_database>
  <mark_cache_size>5368709</mark_cache_size>
  <uncompressed_cache_size>8589934</uncompressed_cache_size>
  <max_concurrent_queries>200</max_concurrent_queries>
  <keep_alive_timeout>3</keep_alive_timeout>
</yandex>
`;
}

function usersXml(users: readonly ClickHouseUser[]): string {
  const user = (u: ClickHouseUser): string => {
    const databases = u.databases
      ? `<allow_databases>${u.databases.map((d) => `<database>${escapeXml(d)}</database>`).join('')}</allow_databases>`
      : '';
    return `    <${u.name}>
      <password>${escapeXml(u.password)}</password>
      <networks><ip>127.0.0.1</ip><ip>::1</ip></networks>
      <profile>${u.profile}</profile>
      <quota>default</quota>
      ${databases}
    </${u.name}>`;
  };
  return `<?xml version="1.0"?>
<yandex>
  <profiles>
    <default></default>
    <admin></admin>
    <insert_only><allow_ddl>0</allow_ddl></insert_only>
  </profiles>
  <users>
    <${CLICKHOUSE_ADMIN_USER}>
      <password></password>
      <networks><ip>127.0.0.1</ip><ip>::1</ip></networks>
      <profile>default</profile>
      <quota>default</quota>
    </${CLICKHOUSE_ADMIN_USER}>
${users.map(user).join('\n')}
  </users>
  <quotas><default></default></quotas>
</yandex>
`;
}

/**
 * One HTTP request on a connection of its own that is closed afterwards
 * (`agent: false`), so the administrator never holds idle connections that a
 * test counting the server's connections would see.
 */
function httpQuery(
  port: number,
  sql: string,
  auth: { name: string; password: string },
  params: Record<string, string> = {},
): Promise<string> {
  const search = new URLSearchParams(params).toString();
  return new Promise((resolve, reject) => {
    const request = http.request(
      {
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: `/${search ? `?${search}` : ''}`,
        agent: false,
        headers: { 'X-ClickHouse-User': auth.name, 'X-ClickHouse-Key': auth.password, Connection: 'close' },
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => {
          const body = Buffer.concat(chunks).toString('utf8');
          if (response.statusCode === 200) resolve(body);
          else reject(new Error(`ClickHouse answered ${response.statusCode}: ${body.trim()}`));
        });
        response.on('error', reject);
      },
    );
    request.on('error', reject);
    request.end(sql);
  });
}

/**
 * Starts a fresh `clickhouse-server` (Debian's 18.16) in a directory of its
 * own, with config.xml and users.xml written here: HTTP on a free port (and
 * HTTPS with `tls`), an administrator `default` without password, and the
 * users {@link ClickHouseServer.setUsers} adds.
 */
export async function startClickHouseServer(options: ClickHouseServerOptions = {}): Promise<ClickHouseServer> {
  if (!fs.existsSync(CLICKHOUSE_SERVER_BIN)) {
    throw new Error(`${CLICKHOUSE_SERVER_BIN} is missing: apt-get install clickhouse-server`);
  }
  const dir = fs.mkdtempSync(path.join(options.baseDir ?? os.tmpdir(), 'pushrail-clickhouse-'));
  for (const sub of ['data', 'tmp', 'format_schemas']) fs.mkdirSync(path.join(dir, sub));
  const pidFile = path.join(dir, 'clickhouse.pid');
  const unregister = options.registerForCleanup === false ? () => undefined : registerServer({ kind: 'clickhouse', rootDir: dir, pidFile });
  for (let attempt = 1; ; attempt++) {
    const ports = { http: await getFreePort(), tcp: await getFreePort(), https: options.tls ? await getFreePort() : undefined };
    fs.writeFileSync(path.join(dir, 'config.xml'), configXml(dir, ports, options.tls));
    fs.writeFileSync(path.join(dir, 'users.xml'), usersXml([]));
    const server = new LocalClickHouseServer(dir, pidFile, ports, unregister);
    try {
      await server.start();
      await server.readVersion();
      return server;
    } catch (err) {
      await server.stop().catch(() => undefined);
      const portTaken = /Address already in use/i.test(server.errorLog());
      if (attempt < PORT_ATTEMPTS && portTaken) continue;
      await server.destroy();
      throw err;
    }
  }
}

class LocalClickHouseServer implements ClickHouseServer {
  readonly host = '127.0.0.1';
  readonly httpPort: number;
  readonly httpsPort: number | undefined;
  version = '';
  private child: ChildProcess | undefined;
  private exited: Promise<void> = Promise.resolve();
  private destroyed = false;
  /** Modification time last given to users.xml, in seconds since the epoch. */
  private usersMtimeSec = 0;

  constructor(
    readonly dir: string,
    private readonly pidFile: string,
    ports: { http: number; https?: number | undefined },
    private readonly unregister: () => void,
  ) {
    this.httpPort = ports.http;
    this.httpsPort = ports.https;
  }

  errorLog(): string {
    try {
      return fs.readFileSync(path.join(this.dir, 'error.log'), 'utf8');
    } catch {
      return '';
    }
  }

  async readVersion(): Promise<void> {
    this.version = (await this.query('SELECT version()')).trim();
  }

  query(sql: string, options: { database?: string } = {}): Promise<string> {
    return httpQuery(this.httpPort, sql, { name: CLICKHOUSE_ADMIN_USER, password: '' }, options.database ? { database: options.database } : {});
  }

  queryAs(user: { name: string; password: string }, sql: string, options: { database?: string; settings?: Record<string, string> } = {}): Promise<string> {
    return httpQuery(this.httpPort, sql, user, { ...(options.database ? { database: options.database } : {}), ...options.settings });
  }

  async setUsers(users: readonly ClickHouseUser[]): Promise<void> {
    for (const u of users) {
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(u.name)) throw new Error(`ClickHouse user name "${u.name}" must be a plain XML element name`);
    }
    // Written whole, then renamed: the server never reads half a file.
    const file = path.join(this.dir, 'users.xml');
    const previousSec = Math.max(this.usersMtimeSec, Math.floor(fs.statSync(file).mtimeMs / 1000));
    fs.writeFileSync(`${file}.tmp`, usersXml(users));
    fs.renameSync(`${file}.tmp`, file);
    // The server notices a change by the file's modification time in whole
    // seconds: two writes within one second would look like one, so each
    // write moves it at least a second past the last.
    this.usersMtimeSec = Math.max(Math.floor(Date.now() / 1000), previousSec + 1);
    fs.utimesSync(file, this.usersMtimeSec, this.usersMtimeSec);
    for (const u of users) {
      await waitFor(
        async () => {
          try {
            await this.queryAs(u, 'SELECT 1');
            return true;
          } catch {
            return false;
          }
        },
        { timeoutMs: USERS_RELOAD_TIMEOUT_MS, description: `ClickHouse to load user ${u.name} from users.xml` },
      );
    }
  }

  isRunning(): boolean {
    return this.child !== undefined && this.child.exitCode === null && this.child.pid !== undefined && isPidAlive(this.child.pid);
  }

  async start(): Promise<void> {
    if (this.destroyed) throw new Error('this ClickHouseServer was destroyed');
    if (this.isRunning()) return;
    const child = spawn(CLICKHOUSE_SERVER_BIN, [`--config-file=${path.join(this.dir, 'config.xml')}`], {
      cwd: this.dir,
      stdio: 'ignore',
    });
    this.child = child;
    killWithThisProcess(child);
    this.exited = new Promise((resolve) => child.once('exit', () => resolve()));
    if (child.pid !== undefined) fs.writeFileSync(this.pidFile, `${child.pid}\n`);
    // A server that exits while starting (a bad config, a taken port) will never answer: stop waiting at once.
    const died = new AbortController();
    child.once('exit', (code) => died.abort(new Error(`clickhouse-server exited with ${code}:\n${this.errorLog().split('\n').slice(-20).join('\n')}`)));
    await waitFor(
      async () => {
        try {
          await this.query('SELECT 1');
          return true;
        } catch {
          return false;
        }
      },
      { timeoutMs: READY_TIMEOUT_MS, intervalMs: 100, description: `clickhouse-server on port ${this.httpPort} to answer`, signal: died.signal },
    );
    if (this.httpsPort !== undefined) {
      const port = this.httpsPort;
      await waitFor(() => isPortOpen(this.host, port), { timeoutMs: READY_TIMEOUT_MS, description: `clickhouse-server HTTPS on port ${port}` });
    }
  }

  async stop(): Promise<void> {
    const child = this.child;
    if (child === undefined || child.exitCode !== null) return;
    child.kill('SIGTERM');
    const timedOut = await Promise.race([
      this.exited.then(() => false),
      new Promise<boolean>((resolve) => setTimeout(() => resolve(true), EXIT_TIMEOUT_MS).unref()),
    ]);
    if (timedOut) {
      child.kill('SIGKILL');
      await this.exited;
    }
    await waitFor(async () => !(await isPortOpen(this.host, this.httpPort)), {
      timeoutMs: EXIT_TIMEOUT_MS,
      description: `clickhouse-server port ${this.httpPort} to close`,
    });
  }

  async destroy(): Promise<void> {
    if (this.destroyed) return;
    this.destroyed = true;
    try {
      await this.stop();
    } finally {
      fs.rmSync(this.dir, { recursive: true, force: true });
      this.unregister();
    }
  }

}
