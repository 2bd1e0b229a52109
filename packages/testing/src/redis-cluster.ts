import { getFreePort } from './free-port';
import { runCommand } from './processes';
import { redisCommand, startRedisServer, type RedisServer } from './redis-server';
import { waitFor } from './wait-for';

/** Options for {@link startRedisCluster}. */
export interface RedisClusterOptions {
  /** Number of master nodes. Redis Cluster needs at least 3. */
  masters: number;
  /** Replicas of each master (Redis Cluster promotes one when its master fails). Default 0. */
  replicasPerMaster?: number;
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
 * Starts `masters` cluster-enabled `redis-server`s (and `replicasPerMaster`
 * replicas of each), joins them with
 * `redis-cli --cluster create` and waits until every node reports
 * `cluster_state:ok`, so BullMQ's cluster mode can be tested for real.
 */
export async function startRedisCluster(options: RedisClusterOptions = { masters: 3 }): Promise<RedisCluster> {
  if (options.masters < 3) throw new Error(`Redis Cluster needs at least 3 masters, asked for ${options.masters}`);
  const replicas = options.replicasPerMaster ?? 0;
  const servers: RedisServer[] = [];
  const destroy = async (): Promise<void> => {
    await Promise.allSettled(servers.map((s) => s.destroy()));
  };
  try {
    for (let i = 0; i < options.masters * (1 + replicas); i++) {
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
      '--cluster', 'create', ...servers.map((s) => `${s.host}:${s.port}`), '--cluster-replicas', String(replicas), '--cluster-yes',
    ]);
    for (const server of servers) {
      await waitFor(
        async () => String(await redisCommand(server.host, server.port, 'CLUSTER', 'INFO')).includes('cluster_state:ok'),
        { timeoutMs: 20_000, intervalMs: 100, description: `Redis Cluster node ${server.port} to report cluster_state:ok` },
      );
    }
    // Every replica has its first copy of its master's data, so a WAIT can count it.
    for (const server of servers) {
      await waitFor(
        async () => {
          const info = String(await redisCommand(server.host, server.port, 'INFO', 'replication'));
          return info.includes('role:master') || info.includes('master_link_status:up');
        },
        { timeoutMs: 20_000, intervalMs: 100, description: `Redis Cluster replica ${server.port} to sync with its master` },
      );
      // ...and every node lists each shard's replicas in CLUSTER SLOTS (learnt by gossip).
      await waitFor(
        async () => {
          const ranges = (await redisCommand(server.host, server.port, 'CLUSTER', 'SLOTS')) as unknown[][];
          return ranges.every((range) => range.length >= 3 + replicas);
        },
        { timeoutMs: 20_000, intervalMs: 100, description: `Redis Cluster node ${server.port} to list every replica` },
      );
    }
  } catch (err) {
    await destroy();
    throw err;
  }
  return { nodes: servers.map((s) => ({ host: s.host, port: s.port })), servers, destroy };
}
