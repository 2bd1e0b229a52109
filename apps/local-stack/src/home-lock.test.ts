import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { isPidAlive, waitFor } from '@pushrail/testing';
import { HomeInUseError, HomeLock } from './home-lock';

/** A real idle node process whose command line ends with `marker`, as the lock tells processes apart. */
function idleProcess(marker: string): ChildProcess {
  const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)', marker], { stdio: 'ignore' });
  started.push(child);
  return child;
}

/** The pid of a process that has exited. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', ''], { stdio: 'ignore' });
  await new Promise((resolve) => child.once('exit', resolve));
  return child.pid as number;
}

const started: ChildProcess[] = [];
let home: string;
const lockFile = () => path.join(home, 'local-stack.lock.json');
const isIngest = (commandLine: string) => commandLine.includes('/apps/ingest/dist/main.js');

beforeEach(() => {
  home = fs.mkdtempSync(path.join(os.tmpdir(), 'pushrail-lock-'));
});
afterEach(() => {
  for (const child of started.splice(0)) child.kill('SIGKILL');
  fs.rmSync(home, { recursive: true, force: true });
});

describe('HomeLock', () => {
  it('takes a home whose last holder is gone, and gives it back', async () => {
    fs.writeFileSync(lockFile(), JSON.stringify({ pid: await deadPid(), children: [] }));
    const lock = await HomeLock.acquire(home, isIngest);
    expect(JSON.parse(fs.readFileSync(lockFile(), 'utf8'))).toEqual({ pid: process.pid, children: [] });
    lock.recordChildren([123]);
    expect(JSON.parse(fs.readFileSync(lockFile(), 'utf8'))).toEqual({ pid: process.pid, children: [123] });
    lock.release();
    expect(fs.existsSync(lockFile())).toBe(false);
  });

  it('refuses a home another running stack holds, naming its pid', async () => {
    const other = idleProcess('/repo/apps/local-stack/dist/main.js');
    fs.writeFileSync(lockFile(), JSON.stringify({ pid: other.pid, children: [] }));
    await expect(HomeLock.acquire(home, isIngest)).rejects.toThrow(HomeInUseError);
    await expect(HomeLock.acquire(home, isIngest)).rejects.toThrow(`another pnpm start (pid ${other.pid}) is running on ${home}`);
  });

  it('stops the children a killed stack left behind, and nothing else', async () => {
    const orphan = idleProcess('/repo/apps/ingest/dist/main.js');
    const bystander = idleProcess('/somewhere/else.js');
    fs.writeFileSync(lockFile(), JSON.stringify({ pid: await deadPid(), children: [orphan.pid, bystander.pid] }));
    const say = jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
    try {
      await HomeLock.acquire(home, isIngest);
    } finally {
      say.mockRestore();
    }
    await waitFor(() => !isPidAlive(orphan.pid as number), { description: 'the orphaned ingest to be stopped' });
    expect(isPidAlive(bystander.pid as number)).toBe(true);
  });
});
