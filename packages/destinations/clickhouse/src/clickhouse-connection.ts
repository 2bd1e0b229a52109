import http from 'node:http';
import https from 'node:https';
import { createClient, ClickHouseLogLevel, type ClickHouseClient } from '@clickhouse/client';
import { resolveDestinationHost, tlsOptionsFor, type WriterOptions } from '@pushrail/destination-core';
import { clickhousePortOf, type ClickHouseDestinationConfig } from './clickhouse-destination-config';

/** Longest one request may take, in milliseconds: a 1000-row insert takes well under a second; a stuck server is transient. */
const REQUEST_TIMEOUT_MS = 30_000;

/**
 * How long an idle connection is kept, in milliseconds: below the server's
 * keep_alive_timeout (3 s before 23.11, 10 s since), so we never reuse a
 * socket the server is closing.
 */
const IDLE_SOCKET_TTL_MS = 2_000;

/** A client and the agent whose sockets it uses (closed together). */
export interface ClickHouseConnection {
  client: ClickHouseClient;
  agent: http.Agent;
}

/**
 * A client for the destination that connects to the address the SSRF guard
 * checked, never to the name (the SSRF guard, destination-core ssrf-guard.ts): the URL holds the
 * address, and TLS verifies the configured host name (tlsOptionsFor gives
 * SNI and the name check). The agent holds at most the connection budget.
 */
export async function connectClickHouse(config: ClickHouseDestinationConfig, options: WriterOptions): Promise<ClickHouseConnection> {
  const { address, family } = await resolveDestinationHost(config.host, { allowPrivateHosts: options.allowPrivateHosts });
  const tls = tlsOptionsFor(config);
  const maxSockets = options.maxConnections ?? config.maxConnections;
  const agentOptions = { keepAlive: true, maxSockets, maxTotalSockets: maxSockets, maxFreeSockets: maxSockets, timeout: REQUEST_TIMEOUT_MS };
  const agent = tls === false ? new http.Agent(agentOptions) : new https.Agent({ ...agentOptions, ...tls });
  const host = family === 6 ? `[${address}]` : address;
  const client = createClient({
    url: `${tls === false ? 'http' : 'https'}://${host}:${clickhousePortOf(config)}`,
    username: config.auth.username,
    password: config.auth.password,
    database: config.database,
    http_agent: agent,
    keep_alive: { enabled: true, idle_socket_ttl: IDLE_SOCKET_TTL_MS },
    request_timeout: REQUEST_TIMEOUT_MS,
    // The server's text goes into our DeliveryError; the client's own log lines would repeat it unscrubbed.
    log: { level: ClickHouseLogLevel.OFF },
    application: 'pushrail',
  });
  return { client, agent };
}
