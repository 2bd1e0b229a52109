import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import crypto from 'node:crypto';
import { childPidsOf, commandLineOf, isPidAlive, signalPid, workingDirectoryOf } from './processes';

/**
 * What we remember about a server on disk, so that a run which crashed
 * (a killed jest worker, a Ctrl-C) can be cleaned up by the next one.
 */
export interface ServerRecord {
  /** The process that started the server; while it lives, the record is not ours to sweep. */
  ownerPid: number;
  kind: 'postgres' | 'redis' | 'mariadb' | 'clickhouse';
  /** Everything the server wrote lives under here; removed on sweep. */
  rootDir: string;
  /** First line holds the server's pid (postmaster.pid, redis.pid). */
  pidFile: string;
}

/** The directory of records: one JSON file per live server, in the machine's tmp. */
export function registryDir(): string {
  return path.join(os.tmpdir(), 'pushrail-test-servers');
}

/** Writes a record and returns the function that removes it (call it on destroy). */
export function registerServer(record: Omit<ServerRecord, 'ownerPid'>): () => void {
  const dir = registryDir();
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${process.pid}-${crypto.randomBytes(6).toString('hex')}.json`);
  const full: ServerRecord = { ownerPid: process.pid, ...record };
  fs.writeFileSync(file, JSON.stringify(full));
  return () => fs.rmSync(file, { force: true });
}

/**
 * Kills and removes the servers of owners that are gone. Best effort: a
 * record that cannot be read or acted on is skipped. A pid is only killed
 * when it runs in (or names) the recorded directory, so a recycled pid of
 * an unrelated process is never hit; the machine's own 5432/6379 services
 * never appear in a record at all.
 *
 * @returns how many leftover servers were swept.
 */
export function sweepLeftoverServers(): number {
  const dir = registryDir();
  let files: string[];
  try {
    files = fs.readdirSync(dir).filter((f) => f.endsWith('.json'));
  } catch {
    return 0;
  }
  let swept = 0;
  for (const file of files) {
    const full = path.join(dir, file);
    try {
      const record = JSON.parse(fs.readFileSync(full, 'utf8')) as ServerRecord;
      if (isPidAlive(record.ownerPid)) continue;
      killRecordedServer(record);
      fs.rmSync(record.rootDir, { recursive: true, force: true });
      fs.rmSync(full, { force: true });
      swept += 1;
    } catch {
      // Best effort: leave it for the next sweep.
    }
  }
  return swept;
}

function killRecordedServer(record: ServerRecord): void {
  let pid: number;
  try {
    pid = Number(fs.readFileSync(record.pidFile, 'utf8').split('\n')[0]);
  } catch {
    return;
  }
  if (!Number.isInteger(pid) || pid <= 0 || !isPidAlive(pid)) return;
  // Is it still our server? redis-server rewrites its command line, but both
  // servers chdir into their directory (`--dir`, the data directory).
  const ours = workingDirectoryOf(pid).startsWith(record.rootDir) || commandLineOf(pid).includes(record.rootDir);
  if (!ours) return;
  const children = childPidsOf(pid);
  signalPid(pid, 'SIGKILL');
  for (const child of children) signalPid(child, 'SIGKILL');
}
