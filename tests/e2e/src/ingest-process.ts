import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { getFreePort, waitFor } from '@pushrail/testing';
import { ADMIN_TOKEN, type Pipeline } from './pipeline';

/** The built ingest entry point (`pnpm test` builds before it runs jest). */
export const INGEST_MAIN = path.resolve(__dirname, '../../../apps/ingest/dist/main.js');

export interface IngestProcess {
  child: ChildProcess;
  port: number;
  output: () => string;
  exited: Promise<number | null>;
}

/** The environment of an ingest process on a pipeline's control database and Redis prefix. */
export function ingestEnv(pipeline: Pipeline, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return { ...pipeline.workerEnv(), PUSHRAIL_ADMIN_TOKEN: ADMIN_TOKEN, ...extra };
}

/** Spawns `apps/ingest/dist/main.js` (on `port`, else a free one); with `waitReady`, resolves once `/readyz` answers 200. */
export async function spawnIngest(env: NodeJS.ProcessEnv, options: { waitReady: boolean; port?: number }): Promise<IngestProcess> {
  // A given port lets a test restart ingest where its clients already point.
  const port = options.port ?? (await getFreePort());
  const child = spawn(process.execPath, [INGEST_MAIN], { env: { ...env, PORT: String(port) }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  if (options.waitReady) {
    await waitFor(
      async () => {
        if (child.exitCode !== null) throw new Error(`ingest exited with ${child.exitCode}: ${output}`);
        return (await fetch(`http://127.0.0.1:${port}/readyz`).catch(() => undefined))?.status === 200;
      },
      { description: 'the ingest process to be ready', timeoutMs: 20_000, intervalMs: 100 },
    );
  }
  return { child, port, output: () => output, exited };
}
