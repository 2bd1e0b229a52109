import { childPidsOf, signalPid, waitFor } from '@pushrail/testing';
import { ingestEnv, spawnIngest, type IngestProcess } from './ingest-process';
import { Pipeline, seedEvent } from './pipeline';
import { metricValue, parsePrometheusText } from './prometheus-text';

/** Longest the test's client waits for one answer, in milliseconds. */
const REQUEST_TIMEOUT_MS = 10_000;

/** `PUSHRAIL_INGEST_PROCESSES=2`: two ingest processes on one port under a cluster primary. */
describe('ingest as a cluster of processes', () => {
  let pipeline: Pipeline;
  let ingest: IngestProcess;
  const processesOf = () => childPidsOf(ingest.child.pid!);

  beforeAll(async () => {
    pipeline = await Pipeline.start();
    ingest = await spawnIngest(ingestEnv(pipeline, { PUSHRAIL_INGEST_PROCESSES: '2' }), { waitReady: true });
    await waitFor(async () => processesOf().length === 2, { description: 'two ingest processes' });
  });
  afterAll(async () => {
    ingest?.child.kill('SIGTERM');
    if (ingest) expect(await ingest.exited).toBe(0);
    await pipeline.close();
  });

  /**
   * Sends `count` events over `connections` parallel loops; keeps the ids of
   * those answered 202 (in `acked`, which the caller may watch while it runs).
   */
  async function send(count: number, connections: number, prefix: string, acked: string[] = []): Promise<{ acked: string[]; failed: number }> {
    let failed = 0;
    let next = 0;
    await Promise.all(
      Array.from({ length: connections }, async () => {
        while (next < count) {
          const i = next++;
          const answer = await fetch(`http://127.0.0.1:${ingest.port}/v1/events`, {
            method: 'POST',
            // A connection per request: none is left open when the test ends, and each may land on either process.
            headers: { authorization: `Bearer ${pipeline.writeKey}`, 'content-type': 'application/json', connection: 'close' },
            body: JSON.stringify(seedEvent({ idempotencyKey: `${prefix}-${i}`, payload: { i } })),
            // A request caught by the kill may never be answered; a client gives up on it (and would retry it, safely).
            signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
          }).catch(() => undefined);
          if (answer?.status === 202) acked.push(((await answer.json()) as { eventId: string }).eventId);
          else failed++;
        }
      }),
    );
    return { acked, failed };
  }

  it('answers from both processes and aggregates their metrics', async () => {
    const { acked, failed } = await send(400, 16, 'metrics');
    expect(failed).toBe(0);
    const text = await (await fetch(`http://127.0.0.1:${ingest.port}/metrics`, { headers: { connection: 'close' } })).text();
    // Each process counts only what it accepted; the scrape, whichever process takes it, shows their sum.
    expect(metricValue(parsePrometheusText(text), 'pushrail_events_accepted_total')).toBe(acked.length);
    await waitFor(async () => (await pipeline.rowCount()) === 400, { description: '400 rows' });
  });

  it('replaces a process that dies mid-load and loses no acknowledged event', async () => {
    const before = processesOf();
    const ackedSoFar: string[] = [];
    const sending = send(1_500, 16, 'kill', ackedSoFar);
    // Under way by ingest's own answers, not by delivered rows: how fast the worker drains is beside the point
    // here, and a busy machine may take long to start either (a bound on progress, not a speed).
    await waitFor(() => ackedSoFar.length >= 300, { description: 'load under way', timeoutMs: 60_000 });
    signalPid(before[0]!, 'SIGKILL');
    const { acked } = await sending;
    await waitFor(async () => processesOf().length === 2 && !processesOf().includes(before[0]!), { description: 'a new process in its place' });
    const expected = new Set(acked);
    await waitFor(async () => {
      const ids = new Set((await pipeline.rows()).map((r) => r.event_id as string));
      return [...expected].every((id) => ids.has(id));
    }, { description: 'every acknowledged event a row', timeoutMs: 30_000 });
    const rows = await pipeline.rows();
    expect(new Set(rows.map((r) => r.event_id)).size).toBe(rows.length);
    // Still serving after the replacement.
    expect((await send(10, 2, 'after')).failed).toBe(0);
  }, 180_000);
});
