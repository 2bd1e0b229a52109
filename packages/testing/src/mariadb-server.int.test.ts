import fs from 'node:fs';
import type { RowDataPacket } from 'mysql2/promise';
import { isPortOpen } from './free-port';
import { startMariadbServer, withMariadbConnection, type MariadbServer } from './mariadb-server';
import { registryDir } from './server-registry';

describe('startMariadbServer', () => {
  let server: MariadbServer;

  beforeAll(async () => {
    server = await startMariadbServer({ extraArgs: ['--default-time-zone=+05:00'] });
  }, 120_000);

  afterAll(async () => {
    await server?.destroy();
  });

  const query = async (sql: string) => withMariadbConnection(server.rootOptions(), async (c) => (await c.query<RowDataPacket[]>(sql))[0]);

  it('runs on a port and data directory of its own, never 3306, with our options', async () => {
    expect(server.port).not.toBe(3306);
    const [row] = await query('SELECT @@port AS port, @@datadir AS datadir, @@time_zone AS tz');
    expect(row).toMatchObject({ port: server.port, tz: '+05:00' });
    expect(fs.realpathSync(String(row!.datadir))).toBe(fs.realpathSync(server.dataDir));
    // Registered, so a crashed run's server is swept by the next.
    expect(fs.readdirSync(registryDir()).some((f) => fs.readFileSync(`${registryDir()}/${f}`, 'utf8').includes(server.dataDir.replace(/\/data$/, '')))).toBe(true);
  });

  it('keeps committed rows across a stop, and across a kill (InnoDB recovery)', async () => {
    await query('CREATE DATABASE kept; CREATE TABLE kept.t (n INT PRIMARY KEY) ENGINE=InnoDB; INSERT INTO kept.t VALUES (1)');
    await server.stop();
    expect(server.isRunning()).toBe(false);
    expect(await isPortOpen(server.host, server.port)).toBe(false);
    await server.start();
    await query('INSERT INTO kept.t VALUES (2)');
    await server.kill();
    expect(await isPortOpen(server.host, server.port)).toBe(false);
    await server.start();
    expect((await query('SELECT n FROM kept.t ORDER BY n')).map((r) => r.n)).toEqual([1, 2]);
  }, 120_000);

  it('removes its directory on destroy, and a second destroy is harmless', async () => {
    const other = await startMariadbServer();
    const root = other.dataDir.replace(/\/data$/, '');
    await other.destroy();
    await other.destroy();
    expect(fs.existsSync(root)).toBe(false);
    expect(await isPortOpen(other.host, other.port)).toBe(false);
  }, 120_000);
});
