import type { ConnectionOptions } from 'node:tls';
import { Signer } from '@aws-sdk/rds-signer';
import { DeliveryError } from '@pushrail/destination-core';
import type { PoolConfig } from 'pg';
import type { PostgresDestinationConfig } from './postgres-destination-config';
import { resolveDestinationHost } from './ssrf-guard';

/** Longest wait for a new connection, in milliseconds. */
const CONNECT_TIMEOUT_MS = 10_000;
/** A pooled connection unused this long is closed, in milliseconds. */
const IDLE_TIMEOUT_MS = 10_000;
/** Longest a single statement may run before the client gives up, in milliseconds. */
const QUERY_TIMEOUT_MS = 60_000;

export interface ConnectionContext {
  allowPrivateHosts: boolean;
}

/** TLS settings from the destination: verify-full unless `require` was asked for. */
export function tlsOptionsFor(config: PostgresDestinationConfig): ConnectionOptions | false {
  if (!config.tls) return false;
  const mode = config.tlsMode ?? 'verify-full';
  if (mode === 'require') return { rejectUnauthorized: false };
  return {
    rejectUnauthorized: true,
    // Node's default roots plus the customer's private CA, when given.
    ...(config.tlsCa ? { ca: [...require('node:tls').rootCertificates, config.tlsCa] } : {}),
    // We connect to the checked IP address; the certificate is verified against the configured name.
    servername: config.host,
  };
}

/** Classifies a failure to sign an IAM token: missing credentials will not fix themselves. */
function signerError(error: unknown): DeliveryError {
  const name = (error as { name?: string })?.name ?? '';
  const message = error instanceof Error ? error.message : String(error);
  const permanent = /CredentialsProviderError|InvalidSignature|UnrecognizedClient|AccessDenied/i.test(name + ' ' + message);
  return new DeliveryError(
    permanent ? 'permanent' : 'transient',
    `RDS IAM: could not sign a token: ${message}`,
    permanent ? 'IAM_CREDENTIALS' : 'IAM_SIGNER',
    { cause: error },
  );
}

/**
 * A password source for node-postgres: a fresh RDS IAM token for every new
 * connection (tokens live 15 minutes; one per connection is never stale).
 */
export function rdsIamPassword(config: PostgresDestinationConfig, signer?: Signer): () => Promise<string> {
  if (config.auth.mode !== 'RDS_IAM') throw new Error('not an RDS_IAM destination');
  const tokenSigner =
    signer ?? new Signer({ hostname: config.host, port: config.port, username: config.auth.username, region: config.auth.region });
  return async () => {
    try {
      return await tokenSigner.getAuthToken();
    } catch (error) {
      throw signerError(error);
    }
  };
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
