import { redisCommand, startRedisServer, type RedisServer } from './redis-server';
import { waitFor } from './wait-for';

/** Options for {@link startRedisSentinelGroup}. */
export interface RedisSentinelGroupOptions {
  /** The name the Sentinels know the primary by. Default `pushrail`. */
  masterName?: string;
  /** Sentinels, 3 by default (a quorum of 2 survives losing one). */
  sentinels?: number;
  /** Parent of the servers' directories. Default `os.tmpdir()`. */
  baseDir?: string;
}

/** A primary, a replica and the Sentinels that watch them, each its own process, port and directory. */
export interface RedisSentinelGroup {
  readonly masterName: string;
  /** `redis+sentinel://127.0.0.1:P1,127.0.0.1:P2,…/<masterName>`, the form REDIS_URL takes. */
  readonly url: string;
  /** The data servers: [0] starts as the primary, [1] as its replica. */
  readonly servers: [RedisServer, RedisServer];
  readonly sentinels: RedisServer[];
  /** The data server the Sentinels name as primary now. */
  primary(): Promise<RedisServer>;
  /** The data server that is not {@link primary}. */
  replica(): Promise<RedisServer>;
  /** Resolves once the Sentinels name `server` as primary and it answers as one (ROLE master). */
  waitForPrimary(server: RedisServer, timeoutMs?: number): Promise<void>;
  /** Resolves once `server` replicates from the current primary with its link up. */
  waitForReplica(server: RedisServer, timeoutMs?: number): Promise<void>;
  /** Destroys every server and Sentinel. */
  destroy(): Promise<void>;
}

/** Sentinel timings, in milliseconds: short, so a killed primary is replaced within a test. */
const DOWN_AFTER_MS = 1_000;
const FAILOVER_TIMEOUT_MS = 5_000;

/**
 * Starts a primary and one replica (both with AOF, `appendfsync always`, so
 * a server that is restarted comes back with what it had) and `sentinels`
 * Sentinels monitoring them with a quorum of 2, and waits until every
 * Sentinel knows the replica and the other Sentinels, so a failover can
 * happen as soon as the primary dies.
 */
export async function startRedisSentinelGroup(options: RedisSentinelGroupOptions = {}): Promise<RedisSentinelGroup> {
  const masterName = options.masterName ?? 'pushrail';
  const sentinelCount = options.sentinels ?? 3;
  const base = options.baseDir === undefined ? {} : { baseDir: options.baseDir };
  const started: RedisServer[] = [];
  const destroy = async (): Promise<void> => {
    await Promise.allSettled(started.map((s) => s.destroy()));
  };
  try {
    const first = await startRedisServer({ ...base, appendOnly: { fsync: 'always' } });
    started.push(first);
    const second = await startRedisServer({
      ...base,
      appendOnly: { fsync: 'always' },
      extraArgs: ['--replicaof', first.host, String(first.port)],
    });
    started.push(second);
    const quorum = Math.floor(sentinelCount / 2) + 1;
    const sentinels: RedisServer[] = [];
    for (let i = 0; i < sentinelCount; i++) {
      const sentinel = await startRedisServer({
        ...base,
        sentinelConfig: [
          `sentinel monitor ${masterName} ${first.host} ${first.port} ${quorum}`,
          `sentinel down-after-milliseconds ${masterName} ${DOWN_AFTER_MS}`,
          `sentinel failover-timeout ${masterName} ${FAILOVER_TIMEOUT_MS}`,
          `sentinel parallel-syncs ${masterName} 1`,
          '',
        ].join('\n'),
      });
      started.push(sentinel);
      sentinels.push(sentinel);
    }
    const servers: [RedisServer, RedisServer] = [first, second];
    const group = sentinelGroup(masterName, servers, sentinels, destroy);
    await group.waitForReplica(second);
    for (const sentinel of sentinels) {
      await waitFor(
        async () => {
          const master = await sentinelMaster(sentinel, masterName);
          return master['num-slaves'] === '1' && Number(master['num-other-sentinels']) === sentinelCount - 1;
        },
        { timeoutMs: 30_000, intervalMs: 100, description: `Sentinel ${sentinel.port} to know the replica and the other Sentinels` },
      );
    }
    return group;
  } catch (err) {
    await destroy();
    throw err;
  }
}

function sentinelGroup(
  masterName: string,
  servers: [RedisServer, RedisServer],
  sentinels: RedisServer[],
  destroy: () => Promise<void>,
): RedisSentinelGroup {
  const primaryPort = async (): Promise<number | undefined> => {
    for (const sentinel of sentinels) {
      if (!sentinel.isRunning()) continue;
      try {
        const reply = (await redisCommand(sentinel.host, sentinel.port, 'SENTINEL', 'GET-MASTER-ADDR-BY-NAME', masterName)) as [string, string] | null;
        if (reply) return Number(reply[1]);
      } catch {
        // The next Sentinel may answer.
      }
    }
    return undefined;
  };
  const byPort = (port: number | undefined) => servers.find((s) => s.port === port);
  const group: RedisSentinelGroup = {
    masterName,
    url: `redis+sentinel://${sentinels.map((s) => `${s.host}:${s.port}`).join(',')}/${masterName}`,
    servers,
    sentinels,
    async primary() {
      const server = byPort(await primaryPort());
      if (!server) throw new Error('no Sentinel names a primary of this group');
      return server;
    },
    async replica() {
      const primary = await group.primary();
      return servers.find((s) => s !== primary)!;
    },
    async waitForPrimary(server, timeoutMs = 30_000) {
      await waitFor(
        async () => {
          if ((await primaryPort()) !== server.port) return false;
          const role = (await redisCommand(server.host, server.port, 'ROLE').catch(() => [])) as unknown[];
          return role[0] === 'master';
        },
        { timeoutMs, intervalMs: 100, description: `Sentinel to name port ${server.port} primary` },
      );
    },
    async waitForReplica(server, timeoutMs = 30_000) {
      await waitFor(
        async () => {
          const port = await primaryPort();
          const info = String(await redisCommand(server.host, server.port, 'INFO', 'replication').catch(() => ''));
          return info.includes(`master_port:${port}`) && info.includes('master_link_status:up');
        },
        { timeoutMs, intervalMs: 100, description: `port ${server.port} to replicate from the primary` },
      );
    },
    destroy,
  };
  return group;
}

/** `SENTINEL MASTER <name>` as an object (the reply is a flat field/value list). */
async function sentinelMaster(sentinel: RedisServer, masterName: string): Promise<Record<string, string>> {
  const flat = (await redisCommand(sentinel.host, sentinel.port, 'SENTINEL', 'MASTER', masterName)) as string[];
  const fields: Record<string, string> = {};
  for (let i = 0; i + 1 < flat.length; i += 2) fields[flat[i]!] = flat[i + 1]!;
  return fields;
}
