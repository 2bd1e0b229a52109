import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import readline from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import { killWithThisProcess } from '@pushrail/testing';

/** Longest a child may take to stop after SIGTERM before it is killed, in milliseconds (the worker allows itself 45 s). */
const STOP_TIMEOUT_MS = 50_000;

/** Lines of a child's output kept to explain a failed start. */
const RECENT_LINES = 30;

/** How a child process ended. */
export interface ChildExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/**
 * One of the stack's Node processes (`apps/ingest/dist/main.js`), its output
 * passed through line by line with `[name]` in front.
 */
export class StackChild {
  private readonly child: ChildProcess;
  private readonly recent: string[] = [];
  /** Resolves when the process has ended, however it ended. */
  readonly exited: Promise<ChildExit>;

  constructor(
    readonly name: string,
    script: string,
    env: NodeJS.ProcessEnv,
    /** Node flags before the script (the worker's WORKER_NODE_FLAGS). */
    nodeFlags: readonly string[] = [],
  ) {
    if (!fs.existsSync(script)) {
      throw new Error(`${script} is missing: run pnpm build first (pnpm start builds before it starts)`);
    }
    // A session of its own: a terminal's Ctrl-C reaches only the stack,
    // which then stops this child before the servers it writes to.
    this.child = spawn(process.execPath, [...nodeFlags, script], { env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    killWithThisProcess(this.child);
    this.exited = new Promise<ChildExit>((resolve) => {
      this.child.once('error', (err) => {
        this.remember(`could not start: ${err.message}`);
      });
      this.child.once('close', (code, signal) => {
        resolve({ code, signal });
      });
    });
    this.pipe(this.child.stdout as Readable, process.stdout);
    this.pipe(this.child.stderr as Readable, process.stderr);
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /** Its last lines of output, for an error message. */
  recentOutput(): string {
    return this.recent.join('\n');
  }

  /** SIGTERM (it finishes what it holds), then SIGKILL if it takes too long. */
  async stop(): Promise<ChildExit> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return this.exited;
    this.child.kill('SIGTERM');
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<'late'>((resolve) => {
      timer = setTimeout(() => resolve('late'), STOP_TIMEOUT_MS);
    });
    const outcome = await Promise.race([this.exited, late]);
    clearTimeout(timer);
    if (outcome !== 'late') return outcome;
    this.child.kill('SIGKILL');
    return this.exited;
  }

  private pipe(from: Readable, to: Writable): void {
    const lines = readline.createInterface({ input: from, crlfDelay: Infinity });
    lines.on('line', (line) => {
      this.remember(line);
      to.write(`[${this.name}] ${line}\n`);
    });
  }

  private remember(line: string): void {
    this.recent.push(line);
    if (this.recent.length > RECENT_LINES) this.recent.shift();
  }
}
