/**
 * Dead letters, from the worker's first failure to the operator's redrive:
 * the customer's table is missing at first (42P01, permanent), so every event
 * is dead-lettered at once; the operator lists and inspects them, creates the
 * table and redrives them; each lands exactly once.
 */
import { randomUUID } from 'node:crypto';
import type { NewDeadLetter } from '@pushrail/control-db';
import { waitFor, withPgClient } from '@pushrail/testing';
import { ADMIN_TOKEN, envelopeSetupSql, Pipeline, seedEvent } from './pipeline';

const SENT = 30;
const PAGE = 7;

describe('dead letters: list, inspect, redrive (table missing, then created)', () => {
  let pipeline: Pipeline;
  let sentIds: string[];

  beforeAll(async () => {
    // Schema and USAGE only: the table the destination names does not exist yet.
    pipeline = await Pipeline.start({ customerSetupSql: envelopeSetupSql('pushrail', []) });
  });

  afterAll(async () => {
    await pipeline.close();
  });

  /** Every item of a listing, following nextCursor until null. */
  async function listAll(query: string): Promise<Array<Record<string, any>>> { // eslint-disable-line @typescript-eslint/no-explicit-any
    const items = [];
    let cursor: string | null = null;
    for (let pages = 0; pages < 100; pages++) {
      const answer = await pipeline.admin('GET', `/admin/v1/dead-letters?${query}${cursor ? `&cursor=${cursor}` : ''}`);
      expect(answer.status).toBe(200);
      items.push(...answer.body.items);
      cursor = answer.body.nextCursor;
      if (cursor === null) return items;
    }
    throw new Error('the listing never ended');
  }

  /** Lands a fresh event and waits for its row: once it is there, every redrive enqueued before it was written too. */
  async function landMarker(name: string): Promise<void> {
    const marker = await pipeline.postEvent(seedEvent({ idempotencyKey: `marker-${name}` }));
    expect(marker.status).toBe(202);
    await waitFor(async () => (await pipeline.rows()).some((r) => r.event_id === marker.body.eventId), {
      description: `the marker row (${name})`,
    });
  }

  /** Dead letters put straight into the control database, as the worker writes them, for events never sent. */
  async function insertDeadLetters(
    count: number,
    options: { errorKind?: NewDeadLetter['errorKind']; destinationId?: string; at?: Date; eventJson?: (queued: object) => string } = {},
  ): Promise<{ ids: string[]; eventIds: string[] }> {
    const jobId = `test-${randomUUID()}`;
    const rows: NewDeadLetter[] = Array.from({ length: count }, (_, i) => {
      const queued = { id: randomUUID(), receivedAt: Date.now(), event: seedEvent({ idempotencyKey: `${jobId}-${i}` }) };
      return {
        destinationId: options.destinationId ?? pipeline.destinationId,
        eventId: queued.id,
        jobId,
        eventJson: options.eventJson ? options.eventJson(queued) : JSON.stringify(queued),
        errorKind: options.errorKind ?? 'permanent',
        errorCode: '42P01',
        errorMessage: 'relation "pushrail.events" does not exist',
        attempts: 1,
        firstFailedAt: new Date(),
        lastFailedAt: new Date(),
      };
    });
    expect(await pipeline.db.insertDeadLetters(rows)).toBe(count);
    const placed = await pipeline.db.pool.query(
      `UPDATE dead_letters SET dead_lettered_at = COALESCE($2::timestamptz, dead_lettered_at)
        WHERE job_id = $1 RETURNING id::text AS id, event_id`,
      [jobId, options.at?.toISOString() ?? null],
    );
    const sorted = placed.rows.sort((a, b) => Number(a.id) - Number(b.id));
    return { ids: sorted.map((r) => r.id), eventIds: sorted.map((r) => r.event_id) };
  }

  it('dead-letters every event within seconds as permanent 42P01, naming the table', async () => {
    const events = Array.from({ length: SENT }, (_, i) => seedEvent({ idempotencyKey: `missing-table-${i}` }));
    const answer = await pipeline.postBatch(events);
    expect(answer.status).toBe(202);
    sentIds = answer.body.eventIds;

    const items = await waitFor(
      async () => {
        const listed = await pipeline.admin('GET', `/admin/v1/dead-letters?destinationId=${pipeline.destinationId}&limit=1000`);
        return listed.body.items.length >= SENT ? listed.body.items : undefined;
      },
      { description: `${SENT} dead letters`, timeoutMs: 15_000 },
    );
    expect(items).toHaveLength(SENT);
    expect(new Set(items.map((d: { eventId: string }) => d.eventId))).toEqual(new Set(sentIds));
    for (const item of items) {
      expect(item).toMatchObject({ destinationId: pipeline.destinationId, errorKind: 'permanent', errorCode: '42P01', redrivenAt: null });
      expect(item.errorMessage).toMatch(/pushrail"?\."?events/);
      expect(item.errorMessage).toMatch(/does not exist/);
      expect(item.attempts).toBeGreaterThanOrEqual(1);
      expect(Date.parse(item.deadLetteredAt)).toBeGreaterThanOrEqual(Date.parse(item.firstFailedAt));
      expect(item).not.toHaveProperty('event');
      expect(item).not.toHaveProperty('eventJson');
    }
    expect(await pipeline.workerMetric('pushrail_events_dead_lettered_total')).toBe(SENT);
  });

  it('pages through the list with an opaque cursor: every dead letter once, in id order', async () => {
    const first = await pipeline.admin('GET', `/admin/v1/dead-letters?limit=${PAGE}`);
    expect(first.body.items).toHaveLength(PAGE);
    expect(typeof first.body.nextCursor).toBe('string');
    expect(first.body.nextCursor).toMatch(/^[A-Za-z0-9_-]+$/);

    const all = await listAll(`limit=${PAGE}&destinationId=${pipeline.destinationId}`);
    const ids = all.map((d) => Number(d.id));
    expect(ids).toHaveLength(SENT);
    expect(new Set(ids).size).toBe(SENT);
    expect([...ids].sort((a, b) => a - b)).toEqual(ids);
    expect(new Set(all.map((d) => d.eventId))).toEqual(new Set(sentIds));

    // The default page is 100: all of them, and no next page.
    const defaultPage = await pipeline.admin('GET', '/admin/v1/dead-letters');
    expect(defaultPage.body.items).toHaveLength(SENT);
    expect(defaultPage.body.nextCursor).toBeNull();
  });

  it('filters by destination, error kind, status and dead-lettering time', async () => {
    const count = async (query: string) => (await listAll(query)).length;
    expect(await count(`destinationId=${randomUUID()}`)).toBe(0);
    expect(await count('errorKind=permanent')).toBe(SENT);
    expect(await count('errorKind=bad_row')).toBe(0);
    expect(await count('status=pending')).toBe(SENT);
    expect(await count('status=redriven')).toBe(0);
    expect(await count('status=all')).toBe(SENT);
    const hourAgo = new Date(Date.now() - 3_600_000).toISOString();
    const inAnHour = new Date(Date.now() + 3_600_000).toISOString();
    expect(await count(`since=${hourAgo}&until=${inAnHour}`)).toBe(SENT);
    expect(await count(`until=${hourAgo}`)).toBe(0);
    expect(await count(`since=${encodeURIComponent(inAnHour.replace('Z', '+00:00'))}`)).toBe(0);

    // since inclusive, until exclusive, on the exact instant one of them was dead-lettered.
    const [one] = await listAll('limit=1');
    const at = one!.deadLetteredAt as string;
    await pipeline.db.pool.query('UPDATE dead_letters SET dead_lettered_at = $2 WHERE id = $1', [one!.id, at]);
    expect((await listAll(`since=${at}`)).map((d) => d.id)).toContain(one!.id);
    expect((await listAll(`until=${at}`)).map((d) => d.id)).not.toContain(one!.id);
  });

  it('shows one dead letter with its event and error', async () => {
    const [listed] = await listAll('limit=1');
    const answer = await pipeline.admin('GET', `/admin/v1/dead-letters/${listed!.id}`);
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ ...listed, jobId: expect.any(String) });
    expect(answer.body.event.id).toBe(listed!.eventId);
    expect(typeof answer.body.event.receivedAt).toBe('number');
    expect(answer.body.event.event).toMatchObject({ eventType: 'order.completed', source: 'billing-service' });
    expect(answer.body.event.event.payload).toEqual(seedEvent().payload);
  });

  it('shows a \\u0000 as it was, whether the event text parses or not', async () => {
    const parsable = await insertDeadLetters(1, {
      errorKind: 'bad_row',
      eventJson: (queued) => JSON.stringify({ ...queued, event: { ...seedEvent(), payload: { note: 'a\u0000b' } } }),
    });
    const one = await pipeline.admin('GET', `/admin/v1/dead-letters/${parsable.ids[0]}`);
    expect(one.status).toBe(200);
    expect(one.text).toContain('"note":"a\\u0000b"');
    expect(one.body.event.event.payload.note).toBe('a\u0000b');

    const rawText = '{"events": "a\\u0000b", truncated';
    const unparsable = await insertDeadLetters(1, { errorKind: 'bad_row', eventJson: () => rawText });
    const two = await pipeline.admin('GET', `/admin/v1/dead-letters/${unparsable.ids[0]}`);
    expect(two.status).toBe(200);
    expect(two.body.eventJson).toBe(rawText);
    expect(two.body).not.toHaveProperty('event');

    // Neither is ever delivered: clear them so later counts see only the events this file sent.
    await pipeline.db.pool.query('DELETE FROM dead_letters WHERE id = ANY($1::bigint[])', [[...parsable.ids, ...unparsable.ids]]);
  });

  it('answers 404 for an unknown or malformed dead letter id', async () => {
    for (const id of ['999999999', 'abc', '-1', '1.5', '99999999999999999999999', '0x10']) {
      const answer = await pipeline.admin('GET', `/admin/v1/dead-letters/${id}`);
      expect(answer.status).toBe(404);
      expect(answer.body.error.code).toBe('not_found');
    }
  });

  it('after the table is created, one redrive lands every event once and a second redrives nothing', async () => {
    await withPgClient(pipeline.customer.adminUrl, (client) => client.query(envelopeSetupSql('pushrail', ['events'])));

    const redrive = await pipeline.admin('POST', '/admin/v1/dead-letters/redrive', { destinationId: pipeline.destinationId });
    expect(redrive.status).toBe(202);
    expect(redrive.body).toMatchObject({ redriven: SENT, skipped: 0 });

    await waitFor(async () => (await pipeline.rowCount()) === SENT, { description: `${SENT} rows`, timeoutMs: 15_000 });
    const rows = await pipeline.rows();
    expect(new Set(rows.map((r) => r.event_id))).toEqual(new Set(sentIds));

    const again = await pipeline.admin('POST', '/admin/v1/dead-letters/redrive', { destinationId: pipeline.destinationId });
    expect(again.status).toBe(202);
    expect(again.body).toMatchObject({ redriven: 0, skipped: 0 });
    await landMarker('after-second-redrive');
    expect(await pipeline.rowCount()).toBe(SENT + 1);

    const redriven = await listAll('status=redriven');
    expect(redriven).toHaveLength(SENT);
    for (const d of redriven) expect(Date.parse(d.redrivenAt)).toBeGreaterThan(Date.parse(d.deadLetteredAt));
    expect(await listAll('status=pending')).toHaveLength(0);
  });

  it('redrives by time range and error kind exactly the dead letters in range', async () => {
    const now = Date.now();
    const hours = (h: number) => new Date(now - h * 3_600_000);
    const before = await insertDeadLetters(4, { at: hours(3) });
    const atStart = await insertDeadLetters(5, { at: hours(2) });
    const inside = await insertDeadLetters(3, { at: new Date(hours(2).getTime() + 60_000) });
    const insideBadRow = await insertDeadLetters(2, { at: hours(1.5), errorKind: 'bad_row' });
    const atEnd = await insertDeadLetters(4, { at: hours(1) });
    const rowsBefore = await pipeline.rowCount();

    const redrive = await pipeline.admin('POST', '/admin/v1/dead-letters/redrive', {
      destinationId: pipeline.destinationId,
      errorKind: 'permanent',
      since: hours(2).toISOString(),
      until: hours(1).toISOString(),
    });
    expect(redrive.status).toBe(202);
    expect(redrive.body).toMatchObject({ redriven: 8, skipped: 0 });

    const expected = [...atStart.eventIds, ...inside.eventIds];
    await waitFor(async () => (await pipeline.rowCount()) === rowsBefore + expected.length, { description: 'the 8 rows in range' });
    await landMarker('after-range-redrive');
    const landed = new Set((await pipeline.rows()).map((r) => r.event_id));
    for (const id of expected) expect(landed.has(id)).toBe(true);
    for (const id of [...before.eventIds, ...insideBadRow.eventIds, ...atEnd.eventIds]) expect(landed.has(id)).toBe(false);
    expect(await pipeline.rowCount()).toBe(rowsBefore + expected.length + 1);

    // The ones out of range or of another kind are still pending; clear them for the tests after.
    const pending = await listAll('status=pending');
    expect(new Set(pending.map((d) => d.id))).toEqual(new Set([...before.ids, ...insideBadRow.ids, ...atEnd.ids]));
    await pipeline.db.pool.query('DELETE FROM dead_letters WHERE redriven_at IS NULL');
  });

  it('redrives by ids: an event already landed adds no row, and a repeat redrives nothing', async () => {
    // A second dead letter (another job) of an event that is already in the table.
    const landedEventId = sentIds[0]!;
    const [original] = (await listAll('status=redriven')).filter((d) => d.eventId === landedEventId);
    const full = await pipeline.admin('GET', `/admin/v1/dead-letters/${original!.id}`);
    const copy = await insertDeadLetters(1, { eventJson: () => JSON.stringify(full.body.event) });
    await pipeline.db.pool.query('UPDATE dead_letters SET event_id = $2 WHERE id = $1', [copy.ids[0], landedEventId]);
    const fresh = await insertDeadLetters(2);
    const rowsBefore = await pipeline.rowCount();
    const skippedBefore = await pipeline.workerMetric('pushrail_events_duplicates_skipped_total');

    const ids = [copy.ids[0]!, Number(fresh.ids[0]), fresh.ids[1]!, original!.id, '987654321'];
    const redrive = await pipeline.admin('POST', '/admin/v1/dead-letters/redrive', { ids });
    expect(redrive.status).toBe(202);
    expect(redrive.body).toEqual({
      redriven: 3,
      skipped: 0,
      skippedReasons: { destination_deleted: 0, unreadable_event: 0 },
      notFound: 1,
      alreadyRedriven: 1,
    });

    await waitFor(async () => (await pipeline.workerMetric('pushrail_events_duplicates_skipped_total')) > skippedBefore, {
      description: 'the landed event to be written again and skipped',
    });
    await landMarker('after-ids-redrive');
    expect(await pipeline.rowCount()).toBe(rowsBefore + fresh.eventIds.length + 1);
    expect((await pipeline.rows()).filter((r) => r.event_id === landedEventId)).toHaveLength(1);

    const again = await pipeline.admin('POST', '/admin/v1/dead-letters/redrive', { ids });
    expect(again.body).toMatchObject({ redriven: 0, notFound: 1, alreadyRedriven: 4 });
  });

  it('skips dead letters whose event is unreadable or whose destination was deleted, and counts them', async () => {
    const unreadable = await insertDeadLetters(2, { eventJson: () => JSON.stringify({ events: 'not a list' }) });
    const created = await pipeline.admin('POST', '/admin/v1/destinations', {
      tenantId: pipeline.tenantId,
      ...pipeline.destinationConfig({ name: 'Deleted later' }),
    });
    expect(created.status).toBe(201);
    const orphaned = await insertDeadLetters(3, { destinationId: created.body.id });
    expect((await pipeline.admin('DELETE', `/admin/v1/destinations/${created.body.id}`)).status).toBe(204);

    const byFilter = await pipeline.admin('POST', '/admin/v1/dead-letters/redrive', { destinationId: created.body.id });
    expect(byFilter.status).toBe(202);
    expect(byFilter.body).toEqual({ redriven: 0, skipped: 3, skippedReasons: { destination_deleted: 3, unreadable_event: 0 } });

    const byIds = await pipeline.admin('POST', '/admin/v1/dead-letters/redrive', { ids: [...unreadable.ids, ...orphaned.ids] });
    expect(byIds.body).toMatchObject({ redriven: 0, skipped: 5, skippedReasons: { destination_deleted: 3, unreadable_event: 2 } });

    // Skipped is not redriven: they stay pending, for an operator to look at.
    const pending = await listAll('status=pending');
    expect(new Set(pending.map((d) => d.id))).toEqual(new Set([...unreadable.ids, ...orphaned.ids]));
  });

  it('refuses bad list queries with 400 and the path of each problem', async () => {
    const cases: Array<[string, string]> = [
      ['limit=0', 'limit'],
      ['limit=1001', 'limit'],
      ['limit=ten', 'limit'],
      ['limit=5&limit=6', 'limit'],
      ['cursor=!!!', 'cursor'],
      [`cursor=${Buffer.from('abc').toString('base64url')}`, 'cursor'],
      ['destinationId=not-a-uuid', 'destinationId'],
      ['errorKind=sometimes', 'errorKind'],
      ['status=maybe', 'status'],
      ['since=yesterday', 'since'],
      ['until=2026-05-26T14:21:08', 'until'],
      ['since=2026-05-27T00:00:00Z&until=2026-05-26T00:00:00Z', 'until'],
    ];
    for (const [query, path] of cases) {
      const answer = await pipeline.admin('GET', `/admin/v1/dead-letters?${query}`);
      expect({ query, status: answer.status, code: answer.body?.error?.code }).toEqual({ query, status: 400, code: 'invalid_request' });
      expect({ query, paths: answer.body.error.issues.map((i: { path: string }) => i.path) }).toEqual({ query, paths: [path] });
    }
    // A misspelt filter must not silently widen the listing. (The unknown key is named where zodIssues names it.)
    const misspelt = await pipeline.admin('GET', '/admin/v1/dead-letters?destination=oops');
    expect(misspelt.status).toBe(400);
    expect([['destination'], ['(root)']]).toContainEqual(misspelt.body.error.issues.map((i: { path: string }) => i.path));
  });

  it('refuses bad redrive bodies with 400 and the path of each problem', async () => {
    const destinationId = pipeline.destinationId;
    const cases: Array<[unknown, string[]]> = [
      [{}, ['ids']],
      [{ errorKind: 'permanent' }, ['ids']],
      [{ ids: ['1'], destinationId }, ['destinationId']],
      [{ ids: [] }, ['ids']],
      [{ ids: Array.from({ length: 1001 }, (_, i) => String(i + 1)) }, ['ids']],
      [{ ids: ['1', 'two', -3, 1.5, '0'] }, ['ids[1]', 'ids[2]', 'ids[3]', 'ids[4]']],
      [{ ids: '1' }, ['ids']],
      [{ ids: ['1'], since: '2026-05-26T00:00:00Z' }, ['since']],
      [{ destinationId: 'nope' }, ['destinationId']],
      [{ destinationId, errorKind: 'whatever' }, ['errorKind']],
      [{ destinationId, since: 'last tuesday' }, ['since']],
      [{ destinationId, until: '2026-13-01T00:00:00Z' }, ['until']],
      [{ destinationId, since: '2026-05-27T00:00:00Z', until: '2026-05-27T00:00:00Z' }, ['until']],
      [[1, 2], ['(root)']],
    ];
    for (const [body, paths] of cases) {
      const answer = await pipeline.admin('POST', '/admin/v1/dead-letters/redrive', body);
      expect({ body, status: answer.status }).toEqual({ body, status: 400 });
      expect({ body, paths: answer.body.error.issues.map((i: { path: string }) => i.path) }).toEqual({ body, paths });
    }
    // A misspelt filter must not widen a redrive to the whole destination.
    const misspelt = await pipeline.admin('POST', '/admin/v1/dead-letters/redrive', { destinationId, errorkind: 'bad_row' });
    expect(misspelt.status).toBe(400);
    expect([['errorkind'], ['(root)']]).toContainEqual(misspelt.body.error.issues.map((i: { path: string }) => i.path));
    const notJson = await pipeline.request('POST', '/admin/v1/dead-letters/redrive', {
      rawBody: '{"ids": [1,',
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
    });
    expect(notJson.status).toBe(400);
    expect(notJson.body.error.code).toBe('invalid_json');
    // Nothing was redriven by any of them.
    expect(await listAll('status=pending')).toHaveLength(5);
  });

  it('answers 401 without the admin token', async () => {
    expect((await pipeline.request('GET', '/admin/v1/dead-letters')).status).toBe(401);
    expect((await pipeline.request('GET', '/admin/v1/dead-letters/1')).status).toBe(401);
    const redrive = await pipeline.request('POST', '/admin/v1/dead-letters/redrive', {
      body: { destinationId: pipeline.destinationId },
      headers: { authorization: 'Bearer wrong' },
    });
    expect(redrive.status).toBe(401);
  });
});
