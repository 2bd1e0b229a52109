/**
 * Bull Board cannot bypass the dead-letter record (docs/operations.md): a
 * failed job retried from the board would run again while its dead letter
 * stayed pending, and a later redrive would send it twice. The board is
 * read-only: its retry (one job, or every failed job), promote, clean, add,
 * pause and empty routes, which its UI calls, are refused; the failed job and
 * its pending dead letter stay as they were, and the admin API's redrive is
 * the way to send it again.
 */
import { destinationQueueName } from '@pushrail/queue';
import { waitFor, withPgClient } from '@pushrail/testing';
import { ADMIN_TOKEN, envelopeSetupSql, Pipeline, queueJobCounts, seedEvent } from './pipeline';

describe('Bull Board is read-only: a failed job is redriven, never retried from the board', () => {
  let pipeline: Pipeline;

  beforeAll(async () => {
    // The destination's table is missing: its events fail permanently and are dead-lettered.
    pipeline = await Pipeline.start({ customerSetupSql: envelopeSetupSql('pushrail', []), destination: { flushIntervalSec: 0.2 } });
  });

  afterAll(async () => {
    await pipeline.close();
  });

  /** A request to the board's own API, as its UI sends it. */
  const board = (method: string, path: string, body?: unknown) =>
    fetch(`${pipeline.baseUrl}/admin/queues/api${path}`, {
      method,
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });

  it('refuses every retry and change from the board; the dead letter stays pending until the API redrives it', async () => {
    const sent = await pipeline.postEvent(seedEvent({ idempotencyKey: 'board-failed' }));
    expect(sent.status).toBe(202);
    const deadLetter = await waitFor(async () => {
      const page = await pipeline.admin('GET', `/admin/v1/dead-letters?destinationId=${pipeline.destinationId}`);
      return page.body.items.find((d: { eventId: string }) => d.eventId === sent.body.eventId);
    }, { description: 'the dead letter of the failed event' });
    await waitFor(async () => (await queueJobCounts(pipeline)).failed === 1, { description: 'the failed job' });

    const queue = encodeURIComponent(destinationQueueName(pipeline.destinationId));
    const listing = await (await board('GET', `/queues?activeQueue=${queue}&status=failed&page=1`)).json();
    const shown = listing.queues.find((q: { name: string }) => q.name === destinationQueueName(pipeline.destinationId));
    expect(shown).toMatchObject({ readOnlyMode: true, allowRetries: false });
    const jobId: string = shown.jobs[0].id;

    for (const [method, path] of [
      ['PUT', `/queues/${queue}/${jobId}/retry`],
      ['PUT', `/queues/${queue}/retry/failed`],
      ['PUT', `/queues/${queue}/${jobId}/promote`],
      ['PUT', `/queues/${queue}/${jobId}/clean`],
      ['PUT', `/queues/${queue}/clean/failed`],
      ['PUT', `/queues/${queue}/pause`],
      ['PUT', `/queues/${queue}/empty`],
    ] as const) {
      const answer = await board(method, path);
      expect({ path, status: answer.status }).toEqual({ path, status: 405 });
    }
    const added = await board('POST', `/queues/${queue}/add`, { name: 'deliver', data: { events: [] } });
    expect(added.status).toBe(405);

    // Nothing moved: the job is still failed, its dead letter still pending, the destination not paused.
    expect(await queueJobCounts(pipeline)).toMatchObject({ failed: 1, wait: 0, paused: 0 });
    const still = await pipeline.admin('GET', `/admin/v1/dead-letters/${deadLetter.id}`);
    expect(still.body.redrivenAt).toBeNull();

    // The way to send it again: create the table, redrive; the dead letter is marked and the row lands once.
    await withPgClient(pipeline.customer.adminUrl, (client) => client.query(envelopeSetupSql('pushrail', ['events'])));
    const redriven = await pipeline.admin('POST', '/admin/v1/dead-letters/redrive', { ids: [deadLetter.id] });
    expect(redriven.body.redriven).toBe(1);
    await waitFor(async () => (await pipeline.rows()).some((r) => r.event_id === sent.body.eventId), { description: 'the redriven row' });
    expect((await pipeline.admin('GET', `/admin/v1/dead-letters/${deadLetter.id}`)).body.redrivenAt).not.toBeNull();
    expect(await pipeline.rowCount()).toBe(1);
  });
});
