import fs from 'node:fs';
import Redis from 'ioredis';
import { startRedisServer, redisCommand, type RedisServer } from './redis-server';

/** One command on a fresh connection, closed afterwards. */
const call = (server: RedisServer, command: string, ...args: string[]): Promise<unknown> =>
  redisCommand(server.host, server.port, command, ...args);

describe('startRedisServer', () => {
  const started: RedisServer[] = [];
  afterAll(async () => {
    await Promise.all(started.map((s) => s.destroy()));
  });

  it('runs with its own port, no RDB saves and no eviction', async () => {
    const server = await startRedisServer();
    started.push(server);
    expect(server.url).toBe(`redis://127.0.0.1:${server.port}`);
    expect(server.port).not.toBe(6379);
    expect(await call(server, 'CONFIG', 'GET', 'maxmemory-policy')).toEqual(['maxmemory-policy', 'noeviction']);
    expect(await call(server, 'CONFIG', 'GET', 'save')).toEqual(['save', '']);
    expect(await call(server, 'CONFIG', 'GET', 'appendonly')).toEqual(['appendonly', 'no']);
  });

  it('with AOF fsync always, a key written just before kill survives the restart', async () => {
    const server = await startRedisServer({ appendOnly: { fsync: 'always' } });
    started.push(server);
    const client = new Redis(server.url, { retryStrategy: () => null, maxRetriesPerRequest: 0 });
    client.on('error', () => undefined);
    try {
      await client.set('before-kill', 'v1');
      const pid = server.pid;
      await server.kill();
      expect(server.isRunning()).toBe(false);
      expect(server.pid).toBeUndefined();
      // The connection died with the server.
      await expect(client.get('before-kill')).rejects.toThrow();
      await expect(call(server, 'PING')).rejects.toThrow();
      await server.start();
      expect(server.pid).not.toBe(pid);
      expect(await call(server, 'GET', 'before-kill')).toBe('v1');
    } finally {
      client.disconnect();
    }
  });

  it('stop and start keep an AOF key; restart does too', async () => {
    const server = await startRedisServer({ appendOnly: { fsync: 'everysec' } });
    started.push(server);
    await call(server, 'SET', 'k', 'v');
    await server.stop();
    expect(server.isRunning()).toBe(false);
    await server.start();
    expect(await call(server, 'GET', 'k')).toBe('v');
    await server.restart();
    expect(await call(server, 'GET', 'k')).toBe('v');
  });

  it('without AOF a kill loses the data, as it would in production', async () => {
    const server = await startRedisServer();
    started.push(server);
    await call(server, 'SET', 'k', 'v');
    await server.kill();
    await server.start();
    expect(await call(server, 'GET', 'k')).toBeNull();
  });

  it('destroy kills the process and removes its directory', async () => {
    const server = await startRedisServer();
    const pid = server.pid;
    await server.destroy();
    expect(server.isRunning()).toBe(false);
    expect(fs.existsSync(server.dir)).toBe(false);
    expect(fs.existsSync(`/proc/${pid}`)).toBe(false);
    await server.destroy();
  });
});
