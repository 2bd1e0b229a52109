import { waitFor } from '@pushrail/testing';
import { Pipeline, seedEvent } from './pipeline';
import { metricValue, parsePrometheusText } from './prometheus-text';
import { startWorkerProcess, type WorkerProcess } from './worker-process';

describe('/metrics after a delivery', () => {
  let pipeline: Pipeline;
  let worker: WorkerProcess;

  beforeAll(async () => {
    pipeline = await Pipeline.start({ startWorker: false });
    worker = await startWorkerProcess(pipeline.workerEnv());
  });

  afterAll(async () => {
    await worker.terminate();
    await pipeline.close();
  });

  it('carries the named series, and events delivered equals rows written', async () => {
    const events = Array.from({ length: 120 }, (_, i) => seedEvent({ idempotencyKey: `metrics-${i}` }));
    expect((await pipeline.postBatch(events.slice(0, 100))).status).toBe(202);
    for (const event of events.slice(100)) expect((await pipeline.postEvent(event)).status).toBe(202);
    // A replay of 10: skipped as duplicates, not delivered twice.
    expect((await pipeline.postBatch(events.slice(0, 10))).status).toBe(202);
    await waitFor(async () => (await pipeline.rowCount()) === 120, { description: '120 rows' });

    const labels = { destination_id: pipeline.destinationId };
    const samples = await waitFor(async () => {
      const text = await (await fetch(`http://127.0.0.1:${worker.metricsPort}/metrics`)).text();
      const parsed = parsePrometheusText(text);
      const done = (metricValue(parsed, 'pushrail_events_delivered_total', labels) ?? 0) + (metricValue(parsed, 'pushrail_events_duplicates_skipped_total', labels) ?? 0);
      return done === 130 ? parsed : undefined;
    }, { description: 'the worker metrics to count 130 written events' });

    expect(metricValue(samples, 'pushrail_events_delivered_total', labels)).toBe(await pipeline.rowCount());
    expect(metricValue(samples, 'pushrail_events_duplicates_skipped_total', labels)).toBe(10);
    expect(metricValue(samples, 'pushrail_batch_size_count')).toBeGreaterThanOrEqual(1);
    expect(metricValue(samples, 'pushrail_batch_size_sum')).toBe(130);
    expect(metricValue(samples, 'pushrail_delivery_latency_seconds_count', labels)).toBe(130);
    expect(metricValue(samples, 'process_resident_memory_bytes')).toBeGreaterThan(0);
    // Labels are bounded: no event id ever appears in a metric.
    const text = await (await fetch(`http://127.0.0.1:${worker.metricsPort}/metrics`)).text();
    for (const id of (await pipeline.rows()).map((r) => r.event_id)) expect(text).not.toContain(id);

    const ingest = parsePrometheusText((await pipeline.request('GET', '/metrics')).text);
    expect(metricValue(ingest, 'pushrail_events_accepted_total')).toBe(130);
    expect(metricValue(ingest, 'pushrail_queue_waiting', labels)).toBe(0);
    expect(metricValue(ingest, 'pushrail_queue_oldest_waiting_age_seconds', labels)).toBe(0);
    expect(metricValue(ingest, 'pushrail_destination_paused', { ...labels, reason: 'operator' })).toBe(0);
    expect(metricValue(ingest, 'pushrail_destination_connections_max', labels)).toBe(4);
  });

  it('shows a paused destination and its waiting events on the ingest side', async () => {
    expect((await pipeline.admin('POST', `/admin/v1/destinations/${pipeline.destinationId}/pause`)).status).toBe(200);
    expect((await pipeline.postBatch([seedEvent({ idempotencyKey: 'while-paused' })])).status).toBe(202);
    const labels = { destination_id: pipeline.destinationId };
    await waitFor(async () => {
      const ingest = parsePrometheusText((await pipeline.request('GET', '/metrics')).text);
      return metricValue(ingest, 'pushrail_destination_paused', { ...labels, reason: 'operator' }) === 1 &&
        (metricValue(ingest, 'pushrail_queue_waiting', labels) ?? 0) >= 1;
    }, { description: 'paused gauge 1 and one waiting job', timeoutMs: 15_000, intervalMs: 500 });
    expect((await pipeline.admin('POST', `/admin/v1/destinations/${pipeline.destinationId}/resume`)).status).toBe(200);
  });
});
