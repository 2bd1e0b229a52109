/**
 * Bounded dead letters (docs/operations.md): an operator discards dead
 * letters by ids or by filter (`DELETE /admin/v1/dead-letters`), a discarded
 * one is never redriven, and the worker's sweeper deletes dead letters
 * redriven or discarded longer ago than PUSHRAIL_DEAD_LETTER_RETENTION_DAYS
 * (30 by default), in small batches; pending ones are kept however old.
 * On a real control database.
 */
import { randomUUID } from 'node:crypto';
import { deleteResolvedDeadLetters, type NewDeadLetter } from '@pushrail/control-db';
import { withPgClient } from '@pushrail/testing';
import { ADMIN_TOKEN, Pipeline, seedEvent, type RunningWorker } from './pipeline';

const DAY_MS = 86_400_000;

describe('dead letters: discard, and deleted after the retention period', () => {
  let pipeline: Pipeline;
  let worker: RunningWorker;

  beforeAll(async () => {
    pipeline = await Pipeline.start({ startWorker: false });
    // The sweeper is driven by hand here (sweepOnce), so its own timer stays out of the way.
    worker = await pipeline.startWorker({ sweepIntervalMs: 3_600_000 });
  });

  afterAll(async () => {
    await pipeline.close();
  });

  /** Dead letters written straight into the control database, as the worker writes them; returns their ids in order. */
  async function insert(count: number, errorKind: NewDeadLetter['errorKind'] = 'permanent'): Promise<string[]> {
    const jobId = `discard-${randomUUID()}`;
    const now = new Date();
    await pipeline.db.insertDeadLetters(
      Array.from({ length: count }, (_, i) => {
        const queued = { id: randomUUID(), receivedAt: Date.now(), event: seedEvent({ idempotencyKey: `${jobId}-${i}` }) };
        return {
          destinationId: pipeline.destinationId,
          eventId: queued.id,
          jobId,
          eventJson: JSON.stringify(queued),
          errorKind,
          errorCode: errorKind === 'bad_row' ? '22P05' : '42P01',
          errorMessage: 'refused',
          attempts: 1,
          firstFailedAt: now,
          lastFailedAt: now,
        };
      }),
    );
    const rows = await withPgClient(pipeline.controlDatabase.url, (c) => c.query('SELECT id::text FROM dead_letters WHERE job_id = $1 ORDER BY id', [jobId]));
    return rows.rows.map((r) => r.id as string);
  }

  const discard = (body: unknown) => pipeline.admin('DELETE', '/admin/v1/dead-letters', body);
  const listIds = async (status: string) =>
    ((await pipeline.admin('GET', `/admin/v1/dead-letters?destinationId=${pipeline.destinationId}&status=${status}&limit=1000`)).body.items as Array<{ id: string }>).map((d) => d.id);
  const ageResolution = (ids: string[], days: number) =>
    withPgClient(pipeline.controlDatabase.url, (c) =>
      c.query(
        `UPDATE dead_letters SET redriven_at = CASE WHEN redriven_at IS NOT NULL THEN now() - $2 * interval '1 day' END,
                                 discarded_at = CASE WHEN discarded_at IS NOT NULL THEN now() - $2 * interval '1 day' END,
                                 dead_lettered_at = now() - ($2 + 1) * interval '1 day'
          WHERE id = ANY($1::bigint[])`,
        [ids, days],
      ),
    );

  it('discards by ids: pending ones only, counting unknown and already resolved ids', async () => {
    const ids = await insert(3);
    const first = await discard({ ids: [ids[0], ids[1], '999999999'] });
    expect(first.status).toBe(200);
    expect(first.body).toEqual({ discarded: 2, notFound: 1, alreadyResolved: 0 });
    expect(await discard({ ids: [ids[0]] })).toMatchObject({ body: { discarded: 0, notFound: 0, alreadyResolved: 1 } });

    const one = await pipeline.admin('GET', `/admin/v1/dead-letters/${ids[0]}`);
    expect(one.body.discardedAt).not.toBeNull();
    expect(one.body.redrivenAt).toBeNull();
    expect(await listIds('discarded')).toEqual(expect.arrayContaining([ids[0], ids[1]]));
    expect(await listIds('pending')).toContain(ids[2]);
    expect(await listIds('pending')).not.toContain(ids[0]);

    // A discarded dead letter is never redriven, by ids or by filter.
    expect((await pipeline.admin('POST', '/admin/v1/dead-letters/redrive', { ids: [ids[0]] })).body).toMatchObject({ redriven: 0, alreadyRedriven: 1 });
    const byFilter = await pipeline.admin('POST', '/admin/v1/dead-letters/redrive', { destinationId: pipeline.destinationId });
    expect(byFilter.body.redriven).toBe(1);
    expect((await pipeline.admin('GET', `/admin/v1/dead-letters/${ids[1]}`)).body.redrivenAt).toBeNull();
  });

  it('discards by filter: every pending dead letter of the destination and error kind, in batches', async () => {
    const bad = await insert(1_500, 'bad_row');
    const kept = await insert(2, 'permanent');
    const answer = await discard({ destinationId: pipeline.destinationId, errorKind: 'bad_row' });
    expect(answer.body).toEqual({ discarded: 1_500 });
    const pending = await listIds('pending');
    expect(pending).toEqual(expect.arrayContaining(kept));
    expect(pending.filter((id) => bad.includes(id))).toEqual([]);
    expect((await discard({ destinationId: pipeline.destinationId, errorKind: 'bad_row' })).body).toEqual({ discarded: 0 });
  });

  it('refuses a bad body with the path of each problem, and a body that is not JSON', async () => {
    for (const [body, path] of [
      [{}, 'ids'],
      [{ ids: [] }, 'ids'],
      [{ ids: ['x'] }, 'ids[0]'],
      [{ ids: ['1'], destinationId: pipeline.destinationId }, 'destinationId'],
      [{ destinationId: 'nope' }, 'destinationId'],
      [{ destinationId: pipeline.destinationId, since: '2026-01-02T00:00:00Z', until: '2026-01-01T00:00:00Z' }, 'until'],
      [{ destinationId: pipeline.destinationId, colour: 'red' }, 'colour'],
    ] as Array<[unknown, string]>) {
      const answer = await discard(body);
      expect({ body, status: answer.status, code: answer.body.error.code }).toEqual({ body, status: 400, code: 'invalid_request' });
      expect(answer.body.error.issues.map((i: { path: string }) => i.path)).toContain(path);
    }
    const text = await pipeline.request('DELETE', '/admin/v1/dead-letters', {
      rawBody: '{"ids":["1"]}',
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'text/plain' },
    });
    expect(text.status).toBe(415);
    const broken = await pipeline.request('DELETE', '/admin/v1/dead-letters', {
      rawBody: '{"ids":',
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
    });
    expect(broken.status).toBe(400);
  });

  it('the sweeper deletes dead letters redriven or discarded more than 30 days ago, and keeps pending ones however old', async () => {
    const [oldDiscarded, recentDiscarded, oldPending] = [await insert(2), await insert(2), await insert(2)];
    expect((await discard({ ids: [...oldDiscarded, ...recentDiscarded] })).body.discarded).toBe(4);
    const oldRedriven = await insert(2);
    await withPgClient(pipeline.controlDatabase.url, (c) => c.query('UPDATE dead_letters SET redriven_at = now() WHERE id = ANY($1::bigint[])', [oldRedriven]));
    await ageResolution([...oldDiscarded, ...oldRedriven], 31);
    await ageResolution(recentDiscarded, 29);
    // Pending for 60 days: never resolved, never deleted.
    await withPgClient(pipeline.controlDatabase.url, (c) =>
      c.query(`UPDATE dead_letters SET dead_lettered_at = now() - interval '60 days' WHERE id = ANY($1::bigint[])`, [oldPending]),
    );

    await worker.sweeper.sweepOnce();
    const remaining = new Set(
      (await withPgClient(pipeline.controlDatabase.url, (c) => c.query('SELECT id::text FROM dead_letters'))).rows.map((r) => r.id as string),
    );
    for (const id of [...oldDiscarded, ...oldRedriven]) expect({ id, kept: remaining.has(id) }).toEqual({ id, kept: false });
    for (const id of [...recentDiscarded, ...oldPending]) expect({ id, kept: remaining.has(id) }).toEqual({ id, kept: true });
    expect(await worker.sweeper.deleteExpired()).toBe(0);
  });

  it('deletes in batches of 1,000, at most as many batches as a pass allows; the rest waits for the next pass', async () => {
    const ids = await insert(2_500);
    expect((await discard({ destinationId: pipeline.destinationId })).body.discarded).toBeGreaterThanOrEqual(2_500);
    await ageResolution(ids, 40);
    expect(await deleteResolvedDeadLetters(pipeline.db, new Date(Date.now() - 30 * DAY_MS), 2)).toBe(2_000);
    expect(await worker.sweeper.deleteExpired()).toBe(500);
  });
});
