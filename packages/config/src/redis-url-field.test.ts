import { loadWorkerConfig } from './index';

const env = { DATABASE_URL: 'postgres://u@127.0.0.1:5432/c', PUSHRAIL_ENCRYPTION_KEY: Buffer.alloc(32, 7).toString('base64') };

describe('REDIS_URL', () => {
  it.each([
    'redis://127.0.0.1:6379',
    'rediss://:pw@cache.example.com:6380/2',
    'redis+cluster://10.0.0.1:7000,10.0.0.2:7001,10.0.0.3:7002',
    'rediss+cluster://user:pw@redis-0.internal:6379',
    'redis://127.0.0.1:7000,redis://127.0.0.1:7001',
  ])('accepts %s', (url) => {
    expect(loadWorkerConfig({ ...env, REDIS_URL: url }).redisUrl).toBe(url);
  });

  it.each(['http://127.0.0.1:6379', '127.0.0.1:6379', 'redis+cluster://', 'redis+cluster://a:1,,b:2', 'redis://a:1,b:2'])(
    'refuses %s, naming the variable',
    (url) => {
      expect(() => loadWorkerConfig({ ...env, REDIS_URL: url })).toThrow(/REDIS_URL/);
    },
  );
});
