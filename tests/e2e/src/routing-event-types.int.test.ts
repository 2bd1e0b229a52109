import { waitFor } from '@pushrail/testing';
import { envelopeSetupSql, Pipeline, seedEvent } from './pipeline';

/** Destinations that take only some event types: `eventTypes` with exact names and `prefix*`. */
describe('routing by event type', () => {
  let pipeline: Pipeline;
  let ordersAndSignups = '';

  beforeAll(async () => {
    // The seed destination takes `order.*`; a second one, on table `other`, takes `order.refunded` and `user.signed_up`.
    pipeline = await Pipeline.start({
      customerSetupSql: envelopeSetupSql('pushrail', ['events', 'other']),
      destination: { eventTypes: ['order.*'] },
    });
    const second = await pipeline.admin('POST', '/admin/v1/destinations', {
      tenantId: pipeline.tenantId,
      ...pipeline.destinationConfig({ name: 'refunds and sign-ups', table: 'other', eventTypes: ['order.refunded', 'user.signed_up'] }),
    });
    expect(second.status).toBe(201);
    ordersAndSignups = second.body.id;
  });
  afterAll(async () => {
    await pipeline.close();
  });

  it('enqueues each event only for the destinations whose filter matches, overlaps included', async () => {
    const events = [
      seedEvent({ eventType: 'order.completed', idempotencyKey: 'r-1' }),
      seedEvent({ eventType: 'order.refunded', idempotencyKey: 'r-2' }),
      seedEvent({ eventType: 'user.signed_up', idempotencyKey: 'r-3' }),
      seedEvent({ eventType: 'user.deleted', idempotencyKey: 'r-4' }),
    ];
    const batch = await pipeline.postBatch(events);
    expect(batch.status).toBe(202);
    expect(batch.body.warning).toBeUndefined();
    const [completed, refunded, signedUp, deleted] = batch.body.eventIds as string[];
    const single = await pipeline.postEvent(seedEvent({ eventType: 'order.shipped', idempotencyKey: 'r-5' }));
    expect(single.status).toBe(202);

    await waitFor(async () => (await pipeline.rowCount('events')) === 3 && (await pipeline.rowCount('other')) === 2, {
      description: '3 rows in events, 2 in other',
    });
    expect((await pipeline.rows('events')).map((r) => r.event_id).sort()).toEqual([completed, refunded, single.body.eventId].sort());
    expect((await pipeline.rows('other')).map((r) => r.event_id).sort()).toEqual([refunded, signedUp].sort());
    const everywhere = [...(await pipeline.rows('events')), ...(await pipeline.rows('other'))].map((r) => r.event_id);
    expect(everywhere).not.toContain(deleted);
    expect(ordersAndSignups).not.toBe(pipeline.destinationId);
    // user.deleted matched no destination: counted by tenant, so it shows on the dashboard.
    const metrics = await pipeline.request('GET', '/metrics');
    expect(metrics.text).toContain(`pushrail_events_unrouted_total{tenant_id="${pipeline.tenantId}"} 1`);
  });

  it('follows a PATCH of the filter at once in the process that took it', async () => {
    const patched = await pipeline.admin('PATCH', `/admin/v1/destinations/${ordersAndSignups}`, { eventTypes: ['user.*'] });
    expect(patched.status).toBe(200);
    expect(patched.body.config.eventTypes).toEqual(['user.*']);
    const answer = await pipeline.postEvent(seedEvent({ eventType: 'user.deleted', idempotencyKey: 'r-6' }));
    await waitFor(async () => (await pipeline.rows('other')).some((r) => r.event_id === answer.body.eventId), { description: 'user.deleted in other' });
  });

  it('refuses a bad filter with the path of the problem', async () => {
    const bad = await pipeline.admin('PATCH', `/admin/v1/destinations/${ordersAndSignups}`, { eventTypes: ['a*b'] });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body.error.issues)).toContain('eventTypes[0]');
    const empty = await pipeline.admin('PATCH', `/admin/v1/destinations/${ordersAndSignups}`, { eventTypes: [] });
    expect(empty.status).toBe(400);
  });

  it('warns in the 202 when the tenant has no destination at all', async () => {
    const tenant = await pipeline.admin('POST', '/admin/v1/tenants', { name: 'No destinations' });
    const key = await pipeline.admin('POST', `/admin/v1/tenants/${tenant.body.id}/write-keys`);
    const single = await pipeline.postEvent(seedEvent(), key.body.key);
    expect(single.status).toBe(202);
    expect(single.body.warning).toMatch(/no destination/);
    const batch = await pipeline.postBatch([seedEvent(), seedEvent()], key.body.key);
    expect(batch.status).toBe(202);
    expect(batch.body.warning).toMatch(/no destination/);
    const metrics = await pipeline.request('GET', '/metrics');
    expect(metrics.text).toContain(`pushrail_events_unrouted_total{tenant_id="${tenant.body.id}"} 3`);
  });
});
