import { parseRedisUrl, RedisUrlError } from './redis-connection';

describe('parseRedisUrl', () => {
  it('reads one server as a single-node URL, unchanged', () => {
    expect(parseRedisUrl('redis://127.0.0.1:6379')).toEqual({ mode: 'single', url: 'redis://127.0.0.1:6379' });
    expect(parseRedisUrl('rediss://:pw@cache.example.com:6380/2')).toEqual({ mode: 'single', url: 'rediss://:pw@cache.example.com:6380/2' });
  });

  it('reads redis+cluster:// seeds, credentials and TLS', () => {
    expect(parseRedisUrl('redis+cluster://10.0.0.1:7000,10.0.0.2:7001,node-3')).toEqual({
      mode: 'cluster',
      nodes: [
        { host: '10.0.0.1', port: 7000 },
        { host: '10.0.0.2', port: 7001 },
        { host: 'node-3', port: 6379 },
      ],
      tls: false,
    });
    expect(parseRedisUrl('rediss+cluster://pushrail:p%40ss@[::1]:7000/')).toEqual({
      mode: 'cluster',
      nodes: [{ host: '::1', port: 7000 }],
      username: 'pushrail',
      password: 'p@ss',
      tls: true,
    });
    expect(parseRedisUrl('redis+cluster://:only-password@a:1')).toMatchObject({ password: 'only-password' });
  });

  it('reads several comma-separated redis:// URLs as cluster seeds, credentials from the first', () => {
    expect(parseRedisUrl('redis://:secret@127.0.0.1:7000, redis://127.0.0.1:7001')).toEqual({
      mode: 'cluster',
      nodes: [
        { host: '127.0.0.1', port: 7000 },
        { host: '127.0.0.1', port: 7001 },
      ],
      password: 'secret',
      tls: false,
    });
  });

  it.each([
    ['http://127.0.0.1:6379', /redis:\/\//],
    ['127.0.0.1:6379', /redis:\/\//],
    ['redis+cluster://', /seeds/],
    ['redis+cluster://a:1,,b:2', /seeds/],
    ['redis+cluster://a:99999', /seed 1/],
    ['redis+cluster://a:1,b:notaport', /seed 2/],
    ['redis://a:1,rediss://b:2', /must all be/],
    ['redis://a:1,b:2', /seed 2/],
    ['redis://a:1,redis://b:2/3', /only one/],
  ])('refuses %s with a clear reason', (url, reason) => {
    expect(() => parseRedisUrl(url)).toThrow(RedisUrlError);
    expect(() => parseRedisUrl(url)).toThrow(reason);
  });

  it('never repeats the password in its error', () => {
    try {
      parseRedisUrl('redis+cluster://user:hunter2-secret@a:1,b:bad');
      throw new Error('expected a RedisUrlError');
    } catch (error) {
      expect(error).toBeInstanceOf(RedisUrlError);
      expect((error as Error).message).not.toContain('hunter2-secret');
    }
  });
});
