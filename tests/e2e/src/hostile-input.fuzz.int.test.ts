/**
 * Issue 16's property, checked with fast-check against real servers: for
 * generated hostile requests to every route of the OpenAPI document (paths,
 * query strings, headers, bodies, encodings, framings), no answer is a 5xx,
 * every 4xx is in the JSON error shape, and every event answered 202 lands
 * exactly once, unchanged (or, when its payload holds U+0000, which JSONB
 * refuses, is dead-lettered exactly once: a bad row, README.md "Failures, retries and dead letters").
 *
 * `pnpm test` sends FUZZ_REQUESTS_DEFAULT requests; `pnpm bench -- --fuzz`
 * runs this file with PUSHRAIL_FUZZ_REQUESTS (and PUSHRAIL_FUZZ_SEED to replay a run).
 */
import fc from 'fast-check';
import { waitFor, withPgClient } from '@pushrail/testing';
import { hostileRequests, type HostileRequest } from './hostile-requests';
import { ADMIN_TOKEN, Pipeline } from './pipeline';
import { isJsonError, rawRequest } from './raw-http';

/** Requests in `pnpm test`: a few thousand: about 15 s alone, under a minute beside the rest of the suite on 2 cores. */
const FUZZ_REQUESTS_DEFAULT = 2_500;
const requests = Number(process.env.PUSHRAIL_FUZZ_REQUESTS ?? FUZZ_REQUESTS_DEFAULT);
const seed = process.env.PUSHRAIL_FUZZ_SEED === undefined ? undefined : Number(process.env.PUSHRAIL_FUZZ_SEED);

/** What a 202 promised: the event's text as sent, under its id. */
interface Accepted {
  id: string;
  event: Record<string, unknown>;
}

function acceptedEvents(request: HostileRequest, body: unknown): Accepted[] {
  const sent = JSON.parse(request.eventText!) as Record<string, unknown> & { events?: Array<Record<string, unknown>> };
  if (request.template === '/v1/events') return [{ id: (body as { eventId: string }).eventId, event: sent }];
  return (body as { eventIds: string[] }).eventIds.map((id, i) => ({ id, event: sent.events![i]! }));
}

const holdsNul = (value: unknown): boolean => JSON.stringify(value ?? null).includes('\\u0000');

describe('hostile input, generated with fast-check against real servers', () => {
  let pipeline: Pipeline;
  let port: number;

  beforeAll(async () => {
    pipeline = await Pipeline.start();
    port = Number(new URL(pipeline.baseUrl).port);
  });

  afterAll(async () => {
    await pipeline.close();
  });

  it(`answers ${requests} hostile requests to every documented route without a 5xx, each 4xx in the JSON shape, and lands every accepted event exactly once`, async () => {
    const spareTenant = await pipeline.admin('POST', '/admin/v1/tenants', { name: 'Spare' });
    const spareDestination = await pipeline.admin('POST', '/admin/v1/destinations', { tenantId: spareTenant.body.id, ...pipeline.destinationConfig({ name: 'Spare', table: 'spare', port: 1 }) });
    expect([spareTenant.status, spareDestination.status]).toEqual([201, 201]);
    const document = (await pipeline.request('GET', '/openapi.json')).body as { paths: Record<string, Record<string, unknown>> };
    const routes = Object.entries(document.paths).flatMap(([template, operations]) => Object.keys(operations).map((method) => [method, template] as [string, string]));
    expect(routes.length).toBeGreaterThan(20);

    const accepted: Accepted[] = [];
    const seenRoutes = new Set<string>();
    await fc.assert(
      fc.asyncProperty(
        hostileRequests({ adminToken: ADMIN_TOKEN, writeKey: pipeline.writeKey, spareTenantId: spareTenant.body.id, spareDestinationId: spareDestination.body.id, routes }),
        async (request) => {
          seenRoutes.add(`${request.method} ${request.template}`);
          const answer = await rawRequest(port, request.bytes);
          const label = `${request.method} ${request.template}: ${request.bytes.toString('latin1').slice(0, 300)}`;
          expect({ label, fiveHundred: answer.status >= 500 }).toEqual({ label, fiveHundred: false });
          if (answer.status >= 400) expect({ label, status: answer.status, jsonError: isJsonError(answer) }).toEqual({ label, status: answer.status, jsonError: true });
          if (answer.status === 202 && (request.template === '/v1/events' || request.template === '/v1/batch')) {
            expect({ label, comparable: request.eventText !== undefined }).toEqual({ label, comparable: true });
            accepted.push(...acceptedEvents(request, JSON.parse(answer.body)));
          }
        },
      ),
      { numRuns: requests, ...(seed !== undefined ? { seed } : {}), endOnFailure: true },
    );
    expect(seenRoutes.size).toBe(routes.length);
    // The property means something only if some hostile requests were accepted too.
    expect(accepted.length).toBeGreaterThan(requests / 100);

    // Each accepted submission is accounted for once. One with U+0000 in its payload or metadata becomes a
    // dead letter (one per submission, even when its id repeats); the others land as one row per id, and a
    // repeated id (a repeated idempotencyKey) lands as one of its submissions: first write wins.
    const byId = new Map<string, Accepted[]>();
    for (const submission of accepted) byId.set(submission.id, [...(byId.get(submission.id) ?? []), submission]);
    const deadExpected = new Map<string, number>();
    const landing = new Map<string, Accepted[]>();
    for (const [id, submissions] of byId) {
      const bad = submissions.filter((a) => holdsNul(a.event.payload) || holdsNul(a.event.metadata));
      if (bad.length > 0) deadExpected.set(id, bad.length);
      const good = submissions.filter((a) => !bad.includes(a));
      if (good.length > 0) landing.set(id, good);
    }
    process.stdout.write(`fuzz: ${requests} requests, ${accepted.length} events accepted (${byId.size} ids), ${[...deadExpected.values()].reduce((a, b) => a + b, 0)} to be dead-lettered\n`);

    const rows = await waitFor(
      async () => {
        const found = await pipeline.rows();
        return found.length >= landing.size ? found : undefined;
      },
      { description: `${landing.size} accepted events to land`, timeoutMs: 60_000, intervalMs: 250 },
    );
    // Exactly once, and nothing that was not accepted.
    expect(rows.map((r) => r.event_id).sort()).toEqual([...landing.keys()].sort());
    // As JSON values: -0 is written 0, in JSON as in JSONB.
    const asJson = (value: unknown) => (value === undefined || value === null ? undefined : JSON.parse(JSON.stringify(value)));
    for (const row of rows) {
      const stored = { eventType: row.event_type, source: row.source, payload: asJson(row.payload), metadata: asJson(row.metadata), at: new Date(row.occurred_at).getTime() };
      const sent = landing.get(row.event_id)!.map((a) => ({
        eventType: a.event.eventType,
        source: a.event.source,
        payload: asJson(a.event.payload),
        metadata: asJson(a.event.metadata),
        at: new Date(a.event.occurredAt as string).getTime(),
      }));
      expect(sent).toContainEqual(stored);
    }
    const deadTotal = [...deadExpected.values()].reduce((a, b) => a + b, 0);
    const dead = await waitFor(
      async () =>
        withPgClient(pipeline.controlDatabase.url, async (client) => {
          const result = await client.query('SELECT event_id::text AS id, count(*)::int AS n FROM dead_letters WHERE destination_id = $1 GROUP BY event_id', [pipeline.destinationId]);
          const total = result.rows.reduce((sum: number, r: { n: number }) => sum + r.n, 0);
          return total >= deadTotal ? (result.rows as Array<{ id: string; n: number }>) : undefined;
        }),
      { description: `${deadTotal} events with U+0000 in their payload to be dead-lettered`, timeoutMs: 60_000, intervalMs: 250 },
    );
    expect(new Map(dead.map((r) => [r.id, r.n]))).toEqual(deadExpected);
  }, 600_000);
});
