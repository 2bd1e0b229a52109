import { loadIngestConfig, loadWorkerConfig } from './index';

const env = { DATABASE_URL: 'postgres://u@127.0.0.1:5432/c', PUSHRAIL_ENCRYPTION_KEY: Buffer.alloc(32, 7).toString('base64') };

describe('REDIS_URL', () => {
  it.each([
    'redis://127.0.0.1:6379',
    'rediss://:pw@cache.example.com:6380/2',
    'redis+cluster://10.0.0.1:7000,10.0.0.2:7001,10.0.0.3:7002',
    'rediss+cluster://user:pw@redis-0.internal:6379',
    'redis://127.0.0.1:7000,redis://127.0.0.1:7001',
    'redis+sentinel://10.0.0.1:26379,10.0.0.2:26379,10.0.0.3:26379/pushrail',
    'rediss+sentinel://user:pw@sentinel-0:26379/mymaster',
  ])('accepts %s', (url) => {
    expect(loadWorkerConfig({ ...env, REDIS_URL: url }).redisUrl).toBe(url);
  });

  it.each(['http://127.0.0.1:6379', '127.0.0.1:6379', 'redis+cluster://', 'redis+cluster://a:1,,b:2', 'redis://a:1,b:2', 'redis+sentinel://a:1,b:2', 'redis+sentinel://a:1/'])(
    'refuses %s, naming the variable',
    (url) => {
      expect(() => loadWorkerConfig({ ...env, REDIS_URL: url })).toThrow(/REDIS_URL/);
    },
  );
});

describe('PUSHRAIL_REDIS_MIN_REPLICAS', () => {
  const ingestEnv = { ...env, PUSHRAIL_ADMIN_TOKEN: 'a-long-admin-token-0123' };

  it('defaults to 0 replicas and a 1 s wait', () => {
    expect(loadIngestConfig(ingestEnv)).toMatchObject({ redisMinReplicas: 0, redisReplicaTimeoutMs: 1_000 });
  });

  it('reads a count and a timeout', () => {
    const config = loadIngestConfig({ ...ingestEnv, PUSHRAIL_REDIS_MIN_REPLICAS: '2', PUSHRAIL_REDIS_REPLICA_TIMEOUT_MS: '250' });
    expect(config).toMatchObject({ redisMinReplicas: 2, redisReplicaTimeoutMs: 250 });
  });

  it.each(['-1', 'one', '1.5'])('refuses %s, naming the variable', (value) => {
    expect(() => loadIngestConfig({ ...ingestEnv, PUSHRAIL_REDIS_MIN_REPLICAS: value })).toThrow(/PUSHRAIL_REDIS_MIN_REPLICAS/);
  });
});
