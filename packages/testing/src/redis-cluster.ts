import { getFreePort } from './free-port';
import { runCommand } from './processes';
import { redisCommand, startRedisServer, type RedisServer } from './redis-server';
import { waitFor } from './wait-for';

/** Options for {@link startRedisCluster}. */
export interface RedisClusterOptions {
  /** Number of master nodes, no replicas. Redis Cluster needs at least 3. */
  masters: number;
  /** Parent of the nodes' directories. Default `os.tmpdir()`. */
  baseDir?: string;
}

/** A running Redis Cluster of our own. */
export interface RedisCluster {
  /** Seed nodes, as ioredis' `Redis.Cluster` takes them. */
  readonly nodes: { host: string; port: number }[];
  /** The servers, one per node, to kill or restart one in a fault test. */
  readonly servers: RedisServer[];
  /** Destroys every node. */
  destroy(): Promise<void>;
}

/**
 * Starts `masters` cluster-enabled `redis-server`s, joins them with
 * `redis-cli --cluster create` and waits until every node reports
 * `cluster_state:ok`, so BullMQ's cluster mode can be tested for real.
 */
export async function startRedisCluster(options: RedisClusterOptions = { masters: 3 }): Promise<RedisCluster> {
  if (options.masters < 3) throw new Error(`Redis Cluster needs at least 3 masters, asked for ${options.masters}`);
  const servers: RedisServer[] = [];
  const destroy = async (): Promise<void> => {
    await Promise.allSettled(servers.map((s) => s.destroy()));
  };
  try {
    for (let i = 0; i < options.masters; i++) {
      // The cluster bus gets a free port of its own rather than the default
      // port + 10000, which may be taken or past 65535.
      const busPort = await getFreePort();
      const server = await startRedisServer({
        ...(options.baseDir === undefined ? {} : { baseDir: options.baseDir }),
        extraArgs: [
          '--cluster-enabled', 'yes',
          '--cluster-config-file', 'nodes.conf',
          '--cluster-port', String(busPort),
          // Failure detection, in milliseconds: short, so a killed node is noticed within a test.
          '--cluster-node-timeout', '2000',
        ],
      });
      servers.push(server);
    }
    await runCommand('redis-cli', [
      '--cluster', 'create', ...servers.map((s) => `${s.host}:${s.port}`), '--cluster-replicas', '0', '--cluster-yes',
    ]);
    for (const server of servers) {
      await waitFor(
        async () => String(await redisCommand(server.host, server.port, 'CLUSTER', 'INFO')).includes('cluster_state:ok'),
        { timeoutMs: 20_000, intervalMs: 100, description: `Redis Cluster node ${server.port} to report cluster_state:ok` },
      );
    }
  } catch (err) {
    await destroy();
    throw err;
  }
  return { nodes: servers.map((s) => ({ host: s.host, port: s.port })), servers, destroy };
}
