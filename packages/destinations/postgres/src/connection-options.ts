import type { Signer } from '@aws-sdk/rds-signer';
import { rdsIamPassword, resolveDestinationHost, tlsOptionsFor } from '@pushrail/destination-core';
import type { PoolConfig } from 'pg';
import type { PostgresDestinationConfig } from './postgres-destination-config';

/** Longest wait for a new connection, in milliseconds. */
const CONNECT_TIMEOUT_MS = 10_000;
/** A pooled connection unused this long is closed, in milliseconds. */
const IDLE_TIMEOUT_MS = 10_000;
/** Longest a single statement may run before the client gives up, in milliseconds. */
const QUERY_TIMEOUT_MS = 60_000;

export interface ConnectionContext {
  allowPrivateHosts: boolean;
}

/**
 * The pool configuration for one destination: resolves and checks the host
 * (SSRF guard) and connects to that checked address, with TLS and the right
 * credentials. No session state and no named prepared statements, so it
 * works through PgBouncer in transaction mode.
 */
export async function poolConfigFor(
  config: PostgresDestinationConfig,
  context: ConnectionContext,
  options: { max: number; signer?: Signer },
): Promise<PoolConfig> {
  const { address } = await resolveDestinationHost(config.host, { allowPrivateHosts: context.allowPrivateHosts });
  const password = config.auth.mode === 'PASSWORD' ? config.auth.password : rdsIamPassword(config, options.signer);
  return {
    host: address,
    port: config.port,
    database: config.database,
    user: config.auth.username,
    password,
    ssl: tlsOptionsFor(config),
    max: options.max,
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    idleTimeoutMillis: IDLE_TIMEOUT_MS,
    query_timeout: QUERY_TIMEOUT_MS,
    application_name: 'pushrail',
    keepAlive: true,
  };
}
