import fs from 'node:fs';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { startRedisServer } from './redis-server';
import { registryDir, sweepLeftoverServers } from './server-registry';
import { isPidAlive } from './processes';
import { waitFor } from './wait-for';

describe('sweepLeftoverServers', () => {
  it('kills and removes a server whose owner process is gone, and nothing else', async () => {
    const server = await startRedisServer({ registerForCleanup: false });
    const serverPid = server.pid;
    if (serverPid === undefined) throw new Error('no pid');
    // An owner that has exited: a short-lived child of ours, reaped by us.
    const owner = spawn(process.execPath, ['-e', '0']);
    await new Promise((resolve) => owner.once('close', resolve));
    const record = path.join(registryDir(), `test-${owner.pid}.json`);
    fs.mkdirSync(registryDir(), { recursive: true });
    fs.writeFileSync(
      record,
      JSON.stringify({ ownerPid: owner.pid, kind: 'redis', rootDir: server.dir, pidFile: path.join(server.dir, 'redis.pid') }),
    );
    try {
      sweepLeftoverServers();
      await waitFor(() => !server.isRunning() && !isPidAlive(serverPid), { description: 'the leftover redis to die' });
      expect(fs.existsSync(server.dir)).toBe(false);
      expect(fs.existsSync(record)).toBe(false);
    } finally {
      fs.rmSync(record, { force: true });
      await server.destroy();
    }
  });
});
