import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { childPidsOf, waitFor } from '@pushrail/testing';

/** Longest a Pushrail process may take to boot or to stop, in milliseconds. */
const BOOT_TIMEOUT_MS = 30_000;
const STOP_TIMEOUT_MS = 50_000;

/** Children still running, SIGKILLed if the bench exits without stopping them (a crash, Ctrl-C). */
const liveChildren = new Set<ChildProcess>();
let exitHookInstalled = false;

/** Makes sure `child` dies with the bench, whatever way the bench ends. */
export function killOnExit(child: ChildProcess): void {
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.once('exit', () => {
      for (const c of liveChildren) c.kill('SIGKILL');
    });
  }
  liveChildren.add(child);
  child.once('exit', () => liveChildren.delete(child));
}

export interface NodeProcessOptions {
  /** Short name for logs and reports (`ingest`, `worker-2`). */
  name: string;
  script: string;
  env: NodeJS.ProcessEnv;
  /** Directory for stdout/stderr logs. */
  logDir: string;
  /** When set, runs under `node --cpu-prof` with profiles written here. */
  cpuProfDir?: string;
  /** Node flags the process runs with in production (the worker's WORKER_NODE_FLAGS). */
  nodeFlags?: readonly string[];
}

/** A Pushrail process (ingest or worker) run from its built `dist`, as in production. */
export class NodeProcess {
  readonly name: string;
  readonly startedAt = Date.now();
  private readonly child: ChildProcess;
  private readonly exited: Promise<number | null>;
  private readonly logFile: string;

  constructor(options: NodeProcessOptions) {
    this.name = options.name;
    this.logFile = path.join(options.logDir, `${options.name}.log`);
    const log = fs.openSync(this.logFile, 'a');
    const execArgv: string[] = [...(options.nodeFlags ?? [])];
    if (options.cpuProfDir) {
      fs.mkdirSync(options.cpuProfDir, { recursive: true });
      execArgv.push('--cpu-prof', `--cpu-prof-dir=${options.cpuProfDir}`, `--cpu-prof-name=${options.name}.${Date.now()}.cpuprofile`);
    }
    this.child = spawn(process.execPath, [...execArgv, options.script], { env: options.env, stdio: ['ignore', log, log] });
    fs.closeSync(log);
    killOnExit(this.child);
    this.exited = new Promise((resolve) => this.child.once('exit', (code) => resolve(code)));
  }

  get pid(): number {
    return this.child.pid!;
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Waits until `GET url` answers 200; fails at once with the log's tail if the process dies first. */
  async waitHealthy(url: string): Promise<number> {
    await waitFor(
      async () => {
        if (!this.running) throw new Error(`${this.name} exited during boot:\n${this.logTail()}`);
        try {
          return (await fetch(url)).status === 200;
        } catch {
          return false;
        }
      },
      { timeoutMs: BOOT_TIMEOUT_MS, intervalMs: 20, description: `${this.name} to answer ${url}` },
    );
    return Date.now();
  }

  /**
   * Peak resident set size so far, in MB of 10^6 bytes (`VmHWM` in /proc/<pid>/status):
   * read it before stop(), /proc forgets a process when it exits.
   */
  peakRssMB(): number | undefined {
    // An ingest cluster's primary serves nothing: the figure is its busiest process's.
    const peaks = processTree(this.pid).map(readPeakRssMB).filter((mb): mb is number => mb !== undefined);
    return peaks.length === 0 ? undefined : Math.max(...peaks);
  }

  /** CPU time the process and its live descendants (an ingest cluster's processes) have used so far, in seconds; undefined once it has exited. */
  cpuSeconds(): number | undefined {
    return treeCpuSeconds(this.pid);
  }

  /** SIGTERM (graceful: workers finish batches and give leases back) and waits for the exit. */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), STOP_TIMEOUT_MS);
    await this.exited;
    clearTimeout(timer);
  }

  logTail(lines = 20): string {
    try {
      return fs.readFileSync(this.logFile, 'utf8').split('\n').slice(-lines).join('\n');
    } catch {
      return '';
    }
  }
}

/** Peak resident set size of a live process, in MB of 10^6 bytes (`VmHWM` in /proc/<pid>/status); undefined once it has exited. */
export function readPeakRssMB(pid: number): number | undefined {
  try {
    const kib = /^VmHWM:\s+(\d+) kB/m.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return kib === undefined ? undefined : Math.round((Number(kib) * 1024) / 1e6);
  } catch {
    return undefined;
  }
}

/** A process and its live descendants. */
export function processTree(pid: number): number[] {
  return [pid, ...childPidsOf(pid).flatMap(processTree)];
}

/**
 * CPU time of a process tree, in seconds: each live process's own and that of
 * the children it reaped (readCpuSeconds); undefined when the root is gone.
 */
export function treeCpuSeconds(pid: number): number | undefined {
  const root = readCpuSeconds(pid);
  if (root === undefined) return undefined;
  return childPidsOf(pid).reduce((sum, child) => sum + (treeCpuSeconds(child) ?? 0), root);
}

/** Clock ticks per second of /proc/<pid>/stat times (USER_HZ, 100 on Linux). */
const USER_HZ = 100;

/**
 * CPU time (user + system) of a live process and of the children it has
 * reaped, in seconds, from /proc/<pid>/stat: Redis rewrites its AOF in a
 * forked child, whose time would otherwise be counted as nobody's.
 */
export function readCpuSeconds(pid: number): number | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces) start at state, field 3; utime, stime, cutime and cstime are 14 to 17.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14])) / USER_HZ;
  } catch {
    return undefined;
  }
}
