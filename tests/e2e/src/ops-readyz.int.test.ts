import { startRedisServer, waitFor, type RedisServer } from '@pushrail/testing';
import { Pipeline } from './pipeline';
import { startWorkerProcess, type WorkerProcess } from './worker-process';

describe('/readyz when Redis is stopped', () => {
  let redis: RedisServer;
  let pipeline: Pipeline;
  let worker: WorkerProcess;

  beforeAll(async () => {
    redis = await startRedisServer();
    pipeline = await Pipeline.start({ redisUrl: redis.url, startWorker: false });
    worker = await startWorkerProcess(pipeline.workerEnv());
  });

  afterAll(async () => {
    await worker.terminate();
    await pipeline.close();
    await redis.destroy();
  });

  const ingestReady = async () => (await pipeline.request('GET', '/readyz')).status;
  const workerReady = async () => (await fetch(`http://127.0.0.1:${worker.metricsPort}/readyz`)).status;

  it('turns 503 on ingest and worker while Redis is stopped and 200 when it is back; /healthz stays 200', async () => {
    expect(await ingestReady()).toBe(200);
    expect(await workerReady()).toBe(200);
    await redis.stop();
    await waitFor(async () => (await ingestReady()) === 503 && (await workerReady()) === 503, {
      description: 'both /readyz to answer 503',
      timeoutMs: 15_000,
      intervalMs: 200,
    });
    const answer = await pipeline.request('GET', '/readyz');
    expect(answer.body.checks.redis).toBe(false);
    expect(answer.body.checks.controlDb).toBe(true);
    expect((await pipeline.request('GET', '/healthz')).status).toBe(200);
    expect((await fetch(`http://127.0.0.1:${worker.metricsPort}/healthz`)).status).toBe(200);

    await redis.start();
    await waitFor(async () => (await ingestReady()) === 200 && (await workerReady()) === 200, {
      description: 'both /readyz back to 200',
      timeoutMs: 20_000,
      intervalMs: 200,
    });
  });
});
