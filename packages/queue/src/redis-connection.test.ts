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

  it('reads redis+sentinel:// Sentinels, the master name and the primary\'s credentials', () => {
    expect(parseRedisUrl('redis+sentinel://10.0.0.1:26380,sentinel-2/pushrail')).toEqual({
      mode: 'sentinel',
      sentinels: [
        { host: '10.0.0.1', port: 26380 },
        { host: 'sentinel-2', port: 26379 },
      ],
      name: 'pushrail',
      tls: false,
    });
    expect(parseRedisUrl('rediss+sentinel://app:p%40ss@s1:26379/my%20master')).toMatchObject({
      mode: 'sentinel',
      name: 'my master',
      username: 'app',
      password: 'p@ss',
      tls: true,
    });
  });

  it.each([
    ['redis+sentinel://a:1,b:2', /master name/],
    ['redis+sentinel://a:1,,b:2/m', /Sentinels/],
    ['redis+sentinel://a:1/m/x', /master name/],
    ['redis+sentinel://a:notaport/m', /sentinel 1/],
    ['redis+cluster://a:1/db', /seeds/],
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
