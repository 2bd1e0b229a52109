import fs from 'node:fs';
import path from 'node:path';
import { commandLineOf, isPidAlive, signalPid, waitFor } from '@pushrail/testing';
import { say } from './terminal';

/** What the lock file says: who runs the stack on this home, and its child processes. */
interface LockRecord {
  pid: number;
  children: number[];
}

/** What a stack's own process runs as (`node apps/local-stack/dist/main.js`). */
const STACK_COMMAND_MARK = path.join('local-stack', 'dist', 'main.js');

/** How long an orphaned ingest or worker may take to stop after SIGTERM, in milliseconds. */
const ORPHAN_STOP_TIMEOUT_MS = 10_000;

/** Another `pnpm start` is running on the same home. */
export class HomeInUseError extends Error {
  override readonly name = 'HomeInUseError';
}

/**
 * One running stack per home: its servers' directories, ports and demo ids
 * are not to be shared. The lock file also lists the stack's child
 * processes, so that after a stack was killed outright (SIGKILL, a closed
 * laptop), the next run stops the ingest and worker it left behind.
 */
export class HomeLock {
  private constructor(private readonly file: string) {}

  /**
   * Takes the home, or throws {@link HomeInUseError} when a live stack holds
   * it. `isOurChild` tells a leftover child by its command line, so a
   * recycled pid of an unrelated process is never signalled.
   */
  static async acquire(home: string, isOurChild: (commandLine: string) => boolean): Promise<HomeLock> {
    const file = path.join(home, 'local-stack.lock.json');
    const previous = readLock(file);
    if (previous && previous.pid !== process.pid && isPidAlive(previous.pid) && commandLineOf(previous.pid).includes(STACK_COMMAND_MARK)) {
      throw new HomeInUseError(
        `another pnpm start (pid ${previous.pid}) is running on ${home}; stop it first (Ctrl-C in its terminal) or set PUSHRAIL_HOME to another directory`,
      );
    }
    if (previous) await stopOrphans(previous.children, isOurChild);
    const lock = new HomeLock(file);
    lock.write({ pid: process.pid, children: [] });
    return lock;
  }

  /** Records the stack's child processes (see the class comment). */
  recordChildren(pids: number[]): void {
    this.write({ pid: process.pid, children: pids });
  }

  release(): void {
    const current = readLock(this.file);
    if (current?.pid === process.pid) fs.rmSync(this.file, { force: true });
  }

  private write(record: LockRecord): void {
    fs.writeFileSync(this.file, `${JSON.stringify(record)}\n`);
  }
}

function readLock(file: string): LockRecord | undefined {
  try {
    const parsed = JSON.parse(fs.readFileSync(file, 'utf8')) as Partial<LockRecord>;
    if (typeof parsed.pid !== 'number') return undefined;
    return { pid: parsed.pid, children: Array.isArray(parsed.children) ? parsed.children.filter((p) => typeof p === 'number') : [] };
  } catch {
    // Missing or unreadable: nobody holds it that we could know of.
    return undefined;
  }
}

async function stopOrphans(pids: number[], isOurChild: (commandLine: string) => boolean): Promise<void> {
  const orphans = pids.filter((pid) => isPidAlive(pid) && isOurChild(commandLineOf(pid)));
  if (orphans.length === 0) return;
  say(`stopping processes a previous run left behind (pids ${orphans.join(', ')})`);
  for (const pid of orphans) signalPid(pid, 'SIGTERM');
  try {
    await waitFor(() => orphans.every((pid) => !isPidAlive(pid)), {
      timeoutMs: ORPHAN_STOP_TIMEOUT_MS,
      description: 'leftover ingest and worker processes to exit',
    });
  } catch {
    for (const pid of orphans) signalPid(pid, 'SIGKILL');
  }
}
