import Redis from 'ioredis';
import { startRedisCluster, type RedisCluster } from './redis-cluster';

describe('startRedisCluster', () => {
  let cluster: RedisCluster;

  beforeAll(async () => {
    cluster = await startRedisCluster({ masters: 3 });
  });

  afterAll(async () => {
    await cluster.destroy();
  });

  it('serves keys across all slots through ioredis Cluster', async () => {
    expect(cluster.nodes).toHaveLength(3);
    const client = new Redis.Cluster(cluster.nodes);
    try {
      const keys = Array.from({ length: 20 }, (_, i) => `k${i}`);
      for (const key of keys) await client.set(key, key);
      for (const key of keys) expect(await client.get(key)).toBe(key);
    } finally {
      client.disconnect();
    }
  });
});
