import { execFile, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';

/** What a finished command printed. */
export interface CommandOutput {
  stdout: string;
  stderr: string;
}

/** Options for {@link runCommand}. */
export interface RunCommandOptions {
  /** Run as this Unix user (through `runuser`) when we are root. */
  asUser?: string;
  /** Kill the command after this long, in milliseconds. Default 60,000. */
  timeoutMs?: number;
  env?: NodeJS.ProcessEnv;
}

/** Whether this process runs as root, so servers that refuse root need `runuser`. */
export function runningAsRoot(): boolean {
  return typeof process.getuid === 'function' && process.getuid() === 0;
}

/**
 * Runs a command to completion and returns its output; a non-zero exit
 * throws an error that carries the command line and its stderr, so a failed
 * `initdb` explains itself in the test output.
 */
export function runCommand(file: string, args: readonly string[], options: RunCommandOptions = {}): Promise<CommandOutput> {
  const [cmd, argv] =
    options.asUser !== undefined && runningAsRoot()
      ? ['runuser', ['-u', options.asUser, '--', file, ...args]]
      : [file, [...args]];
  return new Promise((resolve, reject) => {
    execFile(
      cmd,
      argv,
      { timeout: options.timeoutMs ?? 60_000, maxBuffer: 16 * 1024 * 1024, env: options.env ?? process.env },
      (error, stdout, stderr) => {
        if (error) {
          reject(new Error(`${cmd} ${argv.join(' ')} failed: ${error.message}\n${stderr}${stdout}`.trim()));
          return;
        }
        resolve({ stdout, stderr });
      },
    );
  });
}

/**
 * Whether `pid` is a live process. A zombie counts as dead: in a container
 * whose init does not reap, a killed daemon can linger as one forever.
 */
export function isPidAlive(pid: number): boolean {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Field 3, after the parenthesised command name (which may hold spaces).
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    return state !== 'Z' && state !== 'X';
  } catch {
    // No /proc entry (or no /proc at all): fall back to signal 0.
    try {
      process.kill(pid, 0);
      return true;
    } catch (err) {
      return (err as NodeJS.ErrnoException).code === 'EPERM';
    }
  }
}

/** The command line of `pid`, or '' when it is gone or unreadable. */
export function commandLineOf(pid: number): string {
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ');
  } catch {
    return '';
  }
}

/** The working directory of `pid`, or '' when it is gone or unreadable. */
export function workingDirectoryOf(pid: number): string {
  try {
    return fs.readlinkSync(`/proc/${pid}/cwd`);
  } catch {
    return '';
  }
}

/** The pids whose parent is `pid`, read from /proc (empty where /proc is missing). */
export function childPidsOf(pid: number): number[] {
  let entries: string[];
  try {
    entries = fs.readdirSync('/proc');
  } catch {
    return [];
  }
  const children: number[] = [];
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === pid) children.push(Number(entry));
    } catch {
      // The process ended while we looked; it is nobody's child any more.
    }
  }
  return children;
}

/** Sends `signal` to `pid`, ignoring "no such process". */
export function signalPid(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ESRCH') throw err;
  }
}

/** Children of this process still running, killed if it exits without stopping them. */
const liveChildren = new Set<ChildProcess>();
let exitHookInstalled = false;

/**
 * Kills `child` (SIGKILL, synchronously) should this process exit while the
 * child still runs: a test run that crashes, or a jest worker torn down,
 * leaves no server behind holding a port and a data directory.
 */
export function killWithThisProcess(child: ChildProcess): void {
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.once('exit', () => {
      for (const live of liveChildren) live.kill('SIGKILL');
    });
  }
  liveChildren.add(child);
  child.once('exit', () => liveChildren.delete(child));
}
