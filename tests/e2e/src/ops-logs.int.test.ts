import { Writable } from 'node:stream';
import { waitFor } from '@pushrail/testing';
import { Pipeline, seedEvent } from './pipeline';

describe('logs carry the ids from the request to the worker’s batch line', () => {
  const lines: Array<Record<string, unknown>> = [];
  let pipeline: Pipeline;

  beforeAll(async () => {
    pipeline = await Pipeline.start({
      logLevel: 'debug',
      logDestination: new Writable({
        write(chunk, _encoding, done) {
          for (const line of String(chunk).split('\n')) if (line) lines.push(JSON.parse(line));
          done();
        },
      }),
    });
  });

  afterAll(async () => {
    await pipeline.close();
  });

  it('joins ingest’s queued line and the worker’s batch line by jobId, eventId, correlationId and destinationId', async () => {
    const answer = await pipeline.postEvent(seedEvent({ idempotencyKey: 'traced', correlationId: 'req_trace_42' }));
    expect(answer.status).toBe(202);
    const eventId: string = answer.body.eventId;

    const queued = await waitFor(
      () => lines.find((l) => l.msg === 'events queued' && (l.eventIds as string[] | undefined)?.includes(eventId)),
      { description: "ingest's 'events queued' line" },
    );
    expect(queued).toMatchObject({ destinationId: pipeline.destinationId, correlationIds: ['req_trace_42'] });
    expect(typeof queued.jobId).toBe('string');

    const batch = await waitFor(
      () => lines.find((l) => l.msg === 'batch delivered' && (l.eventIds as string[] | undefined)?.includes(eventId)),
      { description: "the worker's 'batch delivered' line" },
    );
    expect(batch).toMatchObject({ destinationId: pipeline.destinationId, outcome: 'committed', inserted: 1, eventCount: 1 });
    expect(batch.jobIds).toContain(queued.jobId);
    expect(batch.correlationIds).toContain('req_trace_42');
    expect(typeof batch.durationMs).toBe('number');
    // JSON lines, one object each, with a time and a level.
    expect(typeof batch.time).toBe('string');
    expect(typeof batch.level).toBe('number');
  });
});
