import fs from 'node:fs';
import { startPostgresServer, type PostgresServer } from './postgres-server';
import { withPgClient } from './pg-client';

describe('startPostgresServer', () => {
  let server: PostgresServer;

  beforeAll(async () => {
    server = await startPostgresServer();
  });

  afterAll(async () => {
    await server.destroy();
  });

  const countRows = (): Promise<number> =>
    withPgClient(server.superuserUrl(), async (c) => Number((await c.query('SELECT count(*) AS n FROM kept')).rows[0].n));

  it('runs its own cluster on loopback, off the machine ports', async () => {
    expect(server.host).toBe('127.0.0.1');
    expect(server.port).not.toBe(5432);
    expect(server.isRunning()).toBe(true);
    const settings = await withPgClient(server.superuserUrl(), async (c) =>
      (await c.query("SELECT current_setting('fsync') AS fsync, current_setting('max_connections') AS max")).rows[0],
    );
    expect(settings).toEqual({ fsync: 'off', max: '300' });
  });

  it('keeps rows across stop and start on the same data and port', async () => {
    await withPgClient(server.superuserUrl(), async (c) => {
      await c.query('CREATE TABLE kept (id int PRIMARY KEY)');
      await c.query('INSERT INTO kept VALUES (1)');
    });
    await server.stop();
    expect(server.isRunning()).toBe(false);
    await expect(withPgClient(server.superuserUrl(), (c) => c.query('SELECT 1'))).rejects.toThrow(/ECONNREFUSED/);
    await server.start();
    expect(await countRows()).toBe(1);
  });

  it('kill drops live sessions, and start recovers the committed rows', async () => {
    await withPgClient(server.superuserUrl(), async (c) => {
      await c.query('INSERT INTO kept VALUES (2)');
      await server.kill();
      // The session's backend died with the postmaster.
      await expect(c.query('SELECT 1')).rejects.toThrow();
    });
    expect(server.isRunning()).toBe(false);
    await expect(withPgClient(server.superuserUrl(), (c) => c.query('SELECT 1'))).rejects.toThrow(/ECONNREFUSED/);
    await server.start();
    expect(await countRows()).toBe(2);
  });

  it('restart comes back on the same port', async () => {
    await server.restart();
    expect(await countRows()).toBe(2);
  });

  it('destroy stops the server and removes its data directory', async () => {
    const other = await startPostgresServer();
    await other.destroy();
    expect(other.isRunning()).toBe(false);
    expect(fs.existsSync(other.dataDir)).toBe(false);
    await other.destroy();
  });
});
