import IORedis, { type ClusterOptions, type Redis, type RedisOptions } from 'ioredis';

/**
 * Who a connection is for:
 * - `producer` (ingest): commands fail fast while Redis is away, so a request
 *   gets a 503 instead of waiting in an offline queue;
 * - `consumer` (worker, BullMQ Workers): commands wait for the reconnect
 *   (BullMQ requires `maxRetriesPerRequest: null` for workers).
 */
export type ConnectionRole = 'producer' | 'consumer';

/** Longest the producer waits for Redis to answer one command, in milliseconds. */
const PRODUCER_COMMAND_TIMEOUT_MS = 5_000;

/** Longest pause between reconnect attempts, in milliseconds. */
const MAX_RECONNECT_DELAY_MS = 2_000;

/** Where `REDIS_URL` points: one Redis server, the seed nodes of a Redis Cluster, or the Sentinels of a primary. */
export type RedisTarget =
  | { mode: 'single'; url: string }
  | {
      mode: 'sentinel';
      /** The Sentinels asked where the primary is, in order. */
      sentinels: { host: string; port: number }[];
      /** The master name the Sentinels know the primary by. */
      name: string;
      /** Credentials of the primary and replicas (the Sentinels are reached without them). */
      username?: string;
      password?: string;
      /** `rediss`: TLS to the primary. */
      tls: boolean;
    }
  | {
      mode: 'cluster';
      /** Seed nodes; the client learns the rest of the cluster from them. */
      nodes: { host: string; port: number }[];
      username?: string;
      password?: string;
      /** `rediss`: TLS to every node. */
      tls: boolean;
    };

/** Port of a seed that names none. */
const DEFAULT_REDIS_PORT = 6379;

/** Port of a Sentinel that names none. */
const DEFAULT_SENTINEL_PORT = 26379;

const CLUSTER_SCHEME = /^(rediss?)\+cluster:\/\//i;
const SENTINEL_SCHEME = /^(rediss?)\+sentinel:\/\//i;

/** Why a REDIS_URL was refused; the message never repeats the URL (it may hold a password). */
export class RedisUrlError extends Error {
  override readonly name = 'RedisUrlError';
}

/** One `host[:port]` seed (IPv6 in brackets), read through WHATWG URL so hosts are checked the same way everywhere. */
function parseSeed(hostPort: string, index: number, what = 'cluster seed', defaultPort = DEFAULT_REDIS_PORT): { host: string; port: number } {
  let url: URL;
  try {
    url = new URL(`redis://${hostPort}`);
  } catch {
    throw new RedisUrlError(`${what} ${index + 1} is not a host:port`);
  }
  if (!url.hostname || url.username || url.password || (url.pathname !== '' && url.pathname !== '/')) {
    throw new RedisUrlError(`${what} ${index + 1} is not a host:port`);
  }
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  return { host, port: url.port ? Number(url.port) : defaultPort };
}

/** `[user:password@]host:port,host:port…[/path]` after a `+cluster` or `+sentinel` scheme, split into its parts. */
function splitHostList(rest: string, scheme: string): { credentials: { username?: string; password?: string }; hosts: string[]; path: string } {
  const at = rest.lastIndexOf('@');
  const userInfo = at >= 0 ? rest.slice(0, at) : '';
  const afterAt = at >= 0 ? rest.slice(at + 1) : rest;
  const slash = afterAt.indexOf('/');
  const hostList = slash >= 0 ? afterAt.slice(0, slash) : afterAt;
  const path = slash >= 0 ? afterAt.slice(slash + 1) : '';
  const hosts = hostList.split(',').map((s) => s.trim());
  let credentials: { username?: string; password?: string } = {};
  if (userInfo) {
    try {
      credentials = credentialsOf(new URL(`redis://${userInfo}@seed`));
    } catch {
      throw new RedisUrlError(`the user:password part of the ${scheme} URL is not valid`);
    }
  }
  return { credentials, hosts, path };
}

/** The user and password of a URL, as ioredis reads them from a single-node URL (empty parts left out). */
function credentialsOf(url: URL): { username?: string; password?: string } {
  const decode = (value: string) => {
    try {
      return decodeURIComponent(value);
    } catch {
      throw new RedisUrlError('the user:password part of the URL has a bad %-escape');
    }
  };
  return {
    ...(url.username ? { username: decode(url.username) } : {}),
    ...(url.password ? { password: decode(url.password) } : {}),
  };
}

/**
 * Reads `REDIS_URL`. Four forms:
 * - `redis://[user:password@]host[:port][/db]` (or `rediss://` for TLS): one server;
 * - `redis+cluster://[user:password@]host:port[,host:port…]` (or
 *   `rediss+cluster://`): a Redis Cluster, given by one or more seed nodes;
 * - `redis://host1:port1,redis://host2:port2,…`: a Redis Cluster too (two or
 *   more single-node URLs, comma-separated; credentials and TLS are taken
 *   from the first, every seed must use the same scheme);
 * - `redis+sentinel://[user:password@]host:port[,host:port…]/<master name>`
 *   (or `rediss+sentinel://`): the primary that these Sentinels name, followed
 *   through failovers; the credentials are the primary's.
 *
 * A cluster is always addressed as a whole: Pushrail's keys carry a `{…}`
 * hash tag per destination, so every multi-key command stays in one slot.
 */
export function parseRedisUrl(raw: string): RedisTarget {
  const text = raw.trim();
  const sentinelScheme = SENTINEL_SCHEME.exec(text);
  if (sentinelScheme) {
    const { credentials, hosts, path } = splitHostList(text.slice(sentinelScheme[0].length), 'redis+sentinel://');
    if (hosts.some((s) => s === '')) throw new RedisUrlError('a redis+sentinel:// URL needs host:port Sentinels separated by commas');
    const name = decodeURIComponent(path.replace(/\/+$/, ''));
    if (!name || name.includes('/')) throw new RedisUrlError('a redis+sentinel:// URL ends with /<master name>, the name the Sentinels monitor');
    return {
      mode: 'sentinel',
      sentinels: hosts.map((h, i) => parseSeed(h, i, 'sentinel', DEFAULT_SENTINEL_PORT)),
      name,
      ...credentials,
      tls: sentinelScheme[1]!.toLowerCase() === 'rediss',
    };
  }
  const clusterScheme = CLUSTER_SCHEME.exec(text);
  if (clusterScheme) {
    const { credentials, hosts, path } = splitHostList(text.slice(clusterScheme[0].length), 'redis+cluster://');
    if (hosts.some((s) => s === '') || path.replace(/\/+$/, '') !== '') {
      throw new RedisUrlError('a redis+cluster:// URL needs host:port seeds separated by commas');
    }
    return {
      mode: 'cluster',
      nodes: hosts.map((h, i) => parseSeed(h, i)),
      ...credentials,
      tls: clusterScheme[1]!.toLowerCase() === 'rediss',
    };
  }
  const parts = text.split(',').map((s) => s.trim());
  if (parts.length === 1) {
    if (!/^rediss?:\/\//i.test(text)) throw new RedisUrlError('must be a redis://, rediss://, redis+cluster:// or redis+sentinel:// URL');
    return { mode: 'single', url: text };
  }
  const urls = parts.map((part, index) => {
    if (!/^rediss?:\/\//i.test(part)) throw new RedisUrlError(`cluster seed ${index + 1} must be a redis:// or rediss:// URL`);
    let url: URL;
    try {
      url = new URL(part);
    } catch {
      throw new RedisUrlError(`cluster seed ${index + 1} is not a valid URL`);
    }
    // A cluster has only database 0.
    if (url.pathname !== '' && url.pathname !== '/') throw new RedisUrlError(`cluster seed ${index + 1} names a database; a Redis Cluster has only one`);
    return url;
  });
  const scheme = urls[0]!.protocol;
  if (urls.some((u) => u.protocol !== scheme)) throw new RedisUrlError('cluster seeds must all be redis:// or all rediss://');
  return {
    mode: 'cluster',
    nodes: urls.map((u, index) => parseSeed(u.host, index)),
    ...credentialsOf(urls[0]!),
    tls: scheme === 'rediss:',
  };
}

/**
 * A Redis connection for `role`, to one server or to a Redis Cluster (see
 * {@link parseRedisUrl} for the URL forms).
 *
 * In cluster mode the object is an ioredis `Cluster`. It is typed as `Redis`
 * because it answers the same commands (which is all Pushrail and BullMQ
 * use; BullMQ takes a Cluster as `connection` and duplicates it for its
 * blocking reads); code that needs a node of its own checks `isCluster`.
 * Keyless commands (PING, CONFIG GET) go to one node of the cluster.
 */
export function createRedisConnection(url: string, role: ConnectionRole, extra: RedisOptions = {}): Redis {
  const target = parseRedisUrl(url);
  const retry = (times: number) => Math.min(times * 100, MAX_RECONNECT_DELAY_MS);
  const byRole: RedisOptions =
    role === 'producer'
      ? { enableOfflineQueue: false, maxRetriesPerRequest: 1, commandTimeout: PRODUCER_COMMAND_TIMEOUT_MS }
      : { maxRetriesPerRequest: null, enableOfflineQueue: true };
  const common: RedisOptions = {
    connectionName: `pushrail-${role}`,
    // No auto-pipelining: ioredis builds a pipeline object per tick for it, copying every BullMQ
    // script defined on the connection; in ingest those objects were most of what reached the
    // old generation, whose collections showed as p99 ack latency (bench/RESULTS.md).
    enableAutoPipelining: false,
  };
  if (target.mode === 'single') {
    // Reconnect forever, backing off to 2 s: Redis restarts are survived, not fatal.
    return new IORedis(target.url, { retryStrategy: retry, ...common, ...byRole, ...extra });
  }
  if (target.mode === 'sentinel') {
    return new IORedis({
      sentinels: target.sentinels,
      name: target.name,
      // Every reconnect asks the Sentinels again, so a promoted replica is found without a restart.
      retryStrategy: retry,
      sentinelRetryStrategy: retry,
      // A demoted primary that still answers refuses writes with READONLY: reconnect (asking the
      // Sentinels again) and resend the command. Not ioredis' failoverDetector: its subscriber
      // connections to the Sentinels outlive quit() and keep a stopping process alive.
      reconnectOnError: (error: Error) => (error.message.startsWith('READONLY') ? 2 : false),
      ...(target.username !== undefined ? { username: target.username } : {}),
      ...(target.password !== undefined ? { password: target.password } : {}),
      ...(target.tls ? { tls: {}, enableTLSForSentinelMode: true } : {}),
      ...common,
      ...byRole,
      ...extra,
    });
  }
  const clusterOptions: ClusterOptions = {
    // The cluster reconnects as a whole (its nodes' own retryStrategy is not used).
    clusterRetryStrategy: retry,
    enableOfflineQueue: byRole.enableOfflineQueue ?? true,
    enableAutoPipelining: false,
    redisOptions: {
      connectionName: `pushrail-${role}`,
      ...byRole,
      ...(target.username !== undefined ? { username: target.username } : {}),
      ...(target.password !== undefined ? { password: target.password } : {}),
      ...(target.tls ? { tls: {} } : {}),
      ...extra,
    },
    // Managed TLS clusters announce node addresses that must be used as given for SNI.
    ...(target.tls ? { dnsLookup: (address: string, callback: (error: null, address: string) => void) => callback(null, address) } : {}),
  };
  // The Cluster answers Redis's commands; see the TSDoc above for why the type says Redis.
  return new IORedis.Cluster(target.nodes, clusterOptions) as unknown as Redis;
}
