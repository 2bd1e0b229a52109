import net from 'node:net';
import type { Signer } from '@aws-sdk/rds-signer';
import { rdsIamPassword, resolveDestinationHost, tlsOptionsFor } from '@pushrail/destination-core';
import type { PoolOptions, SslOptions } from 'mysql2';
import type { MysqlDestinationConfig } from './mysql-destination-config';

/** Longest wait for a new connection (TCP, TLS and login), in milliseconds. */
const CONNECT_TIMEOUT_MS = 10_000;
/** A pooled connection unused this long is closed, in milliseconds. */
const IDLE_TIMEOUT_MS = 10_000;
/** TCP keepalive's first probe on an idle connection, in milliseconds. */
const KEEPALIVE_DELAY_MS = 10_000;

export interface ConnectionContext {
  allowPrivateHosts: boolean;
}

/** The destination host without IPv6 brackets: `[::1]` → `::1`. */
function bareHost(host: string): string {
  return /^\[.*\]$/.test(host) ? host.slice(1, -1) : host;
}

/**
 * mysql2's TLS options from core's: the same roots and CA. mysql2 builds the
 * TLS socket itself and takes neither `servername` nor `checkServerIdentity`;
 * it checks the certificate against its `host` option when `verifyIdentity`
 * is set, so `host` stays the configured name (the socket goes to the checked
 * address, see poolOptionsFor).
 */
function sslOptionsFor(config: MysqlDestinationConfig): SslOptions | undefined {
  const tls = tlsOptionsFor(config);
  if (tls === false) return undefined;
  if (!tls.rejectUnauthorized) return { rejectUnauthorized: false };
  return { rejectUnauthorized: true, verifyIdentity: true, ...(tls.ca ? { ca: tls.ca as string[] } : {}) };
}

/**
 * RDS IAM: the token goes as the password of the clear-text plugin, which
 * RDS asks for (an auth switch to `mysql_clear_password`); a fresh token for
 * each connection's login (rdsIamPassword). The config schema refuses IAM
 * without TLS, and rdsIamPassword checks again.
 */
export function iamAuthPlugins(config: MysqlDestinationConfig, signer?: Signer): PoolOptions['authPlugins'] {
  const token = rdsIamPassword(config, signer);
  return {
    mysql_clear_password: () => async () => Buffer.from(`${await token()}\0`, 'utf8'),
  };
}

/**
 * The pool options for one destination: resolves and checks the host (SSRF
 * guard) and connects every socket to that checked address, never to the
 * name again, while TLS verifies the configured name.
 */
export async function poolOptionsFor(
  config: MysqlDestinationConfig,
  context: ConnectionContext,
  options: { max: number; signer?: Signer },
): Promise<PoolOptions> {
  const { address } = await resolveDestinationHost(config.host, { allowPrivateHosts: context.allowPrivateHosts });
  const auth =
    config.auth.mode === 'PASSWORD'
      ? { password: config.auth.password }
      : { password: '', authPlugins: iamAuthPlugins(config, options.signer) };
  const ssl = sslOptionsFor(config);
  return {
    host: bareHost(config.host),
    port: config.port,
    // Every connection's socket goes to the address the guard checked.
    stream: () => {
      const socket = net.connect({ host: address, port: config.port });
      // mysql2 gives Node no `servername` for an IP-literal host, and Node then checks the certificate
      // against the socket's `_host`, which it leaves null for an IP, falling back to "localhost": any
      // certificate for localhost would pass. Naming the configured host here makes Node check it
      // before the password is sent (the conformance suite's wrong-host-name test covers it).
      Object.assign(socket, { _host: bareHost(config.host) });
      socket.setNoDelay(true);
      socket.setKeepAlive(true, KEEPALIVE_DELAY_MS);
      return socket;
    },
    user: config.auth.username,
    ...auth,
    // No default database: every statement names `database`.`table`, and a user whose only grant is
    // INSERT on a table that is missing still connects, so the failure names the table (1142, 1146).
    ...(ssl ? { ssl } : {}),
    charset: 'UTF8MB4_BIN',
    // DATETIME values read back (tests, probes) are UTC, as the session's time_zone.
    timezone: 'Z',
    connectionLimit: options.max,
    maxIdle: options.max,
    idleTimeout: IDLE_TIMEOUT_MS,
    queueLimit: 0,
    waitForConnections: true,
    connectTimeout: CONNECT_TIMEOUT_MS,
    // One statement per query: a value can never end a statement and start another.
    multipleStatements: false,
  };
}
