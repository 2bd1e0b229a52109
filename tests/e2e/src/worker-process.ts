import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { getFreePort, waitFor } from '@pushrail/testing';

/** The built worker entry point (`pnpm test` builds before it runs jest). */
export const WORKER_MAIN = path.resolve(__dirname, '../../../apps/worker/dist/main.js');

export interface WorkerProcess {
  child: ChildProcess;
  metricsPort: number;
  output: () => string;
  /** SIGKILL, and wait for the exit. */
  kill(): Promise<void>;
  /** SIGTERM, and wait for the exit; resolves with the exit code. */
  terminate(): Promise<number | null>;
}

/** Starts `apps/worker/dist/main.js` as a real process and waits until it is ready. */
export async function startWorkerProcess(env: NodeJS.ProcessEnv): Promise<WorkerProcess> {
  const metricsPort = await getFreePort();
  const child = spawn(process.execPath, [WORKER_MAIN], {
    env: { ...env, WORKER_METRICS_PORT: String(metricsPort) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  await waitFor(
    async () => {
      if (child.exitCode !== null) throw new Error(`worker exited with ${child.exitCode}: ${output}`);
      const response = await fetch(`http://127.0.0.1:${metricsPort}/readyz`).catch(() => undefined);
      return response?.status === 200;
    },
    { description: 'the worker process to be ready', timeoutMs: 20_000, intervalMs: 100 },
  );
  return {
    child,
    metricsPort,
    output: () => output,
    kill: async () => {
      child.kill('SIGKILL');
      await exited;
    },
    terminate: async () => {
      child.kill('SIGTERM');
      return exited;
    },
  };
}
