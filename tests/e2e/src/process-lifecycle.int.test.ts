import http from 'node:http';
import { startRedisServer, waitFor, type RedisServer } from '@pushrail/testing';
import { ingestEnv, spawnIngest } from './ingest-process';
import { Pipeline, seedEvent } from './pipeline';
import { WORKER_MAIN } from './worker-process';
import { spawn } from 'node:child_process';

describe('process lifecycle: boot checks of Redis, and SIGTERM', () => {
  let pipeline: Pipeline;
  const servers: RedisServer[] = [];

  beforeAll(async () => {
    pipeline = await Pipeline.start({ startWorker: false });
  });

  afterAll(async () => {
    await Promise.all(servers.map((s) => s.destroy()));
    await pipeline.close();
  });

  it('ingest and worker refuse to start on a Redis that evicts keys, naming the setting', async () => {
    const evicting = await startRedisServer({ extraArgs: ['--maxmemory-policy', 'allkeys-lru'] });
    servers.push(evicting);
    const ingest = await spawnIngest(ingestEnv(pipeline, { REDIS_URL: evicting.url }), { waitReady: false });
    expect(await ingest.exited).toBe(1);
    expect(ingest.output()).toMatch(/maxmemory-policy.*noeviction/);

    const worker = spawn(process.execPath, [WORKER_MAIN], { env: { ...pipeline.workerEnv({ REDIS_URL: evicting.url, WORKER_METRICS_PORT: '0' }) } });
    let output = '';
    worker.stdout.on('data', (c) => (output += c));
    worker.stderr.on('data', (c) => (output += c));
    expect(await new Promise((resolve) => worker.once('exit', resolve))).toBe(1);
    expect(output).toMatch(/maxmemory-policy.*noeviction/);
  });

  it('ingest warns at boot when Redis runs without AOF (a crash would lose acknowledged events)', async () => {
    const ingest = await spawnIngest(ingestEnv(pipeline, { LOG_LEVEL: 'warn' }), { waitReady: true });
    try {
      expect(ingest.output()).toMatch(/without AOF/);
    } finally {
      ingest.child.kill('SIGTERM');
      await ingest.exited;
    }
  });

  it('SIGTERM: ingest answers the request in flight, then exits 0', async () => {
    const ingest = await spawnIngest(ingestEnv(pipeline, { LOG_LEVEL: 'info' }), { waitReady: true });
    const body = JSON.stringify(seedEvent({ idempotencyKey: 'in-flight-at-sigterm' }));
    const split = Math.floor(body.length / 2);
    let sentHalf!: () => void;
    const halfSent = new Promise<void>((resolve) => (sentHalf = resolve));
    const answer = new Promise<{ status: number; text: string }>((resolve, reject) => {
      const request = http.request(
        {
          host: '127.0.0.1',
          port: ingest.port,
          method: 'POST',
          path: '/v1/events',
          headers: { authorization: `Bearer ${pipeline.writeKey}`, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
        },
        (response) => {
          let text = '';
          response.on('data', (c) => (text += c));
          response.on('end', () => resolve({ status: response.statusCode ?? 0, text }));
        },
      );
      request.on('error', reject);
      // Headers and half the body now: the request is in flight when SIGTERM arrives; the rest after.
      request.on('socket', (socket) =>
        socket.once('connect', () => {
          request.flushHeaders();
          request.write(body.slice(0, split), () => sentHalf());
        }),
      );
      void waitFor(() => ingest.output().includes('ingest stopping'), { description: 'ingest to start stopping', timeoutMs: 10_000 }).then(
        () => request.end(body.slice(split)),
        reject,
      );
    });
    await halfSent;
    // The server reads connections in order: once it has answered a later one, it has read our headers.
    expect((await fetch(`http://127.0.0.1:${ingest.port}/healthz`, { headers: { connection: 'close' } })).status).toBe(200);
    ingest.child.kill('SIGTERM');
    const result = await answer;
    expect(result.status).toBe(202);
    expect(JSON.parse(result.text).eventId).toMatch(/^[0-9a-f-]{36}$/);
    expect(await ingest.exited).toBe(0);
    // New connections are refused once it has stopped.
    await expect(fetch(`http://127.0.0.1:${ingest.port}/healthz`)).rejects.toThrow();
  });
});
