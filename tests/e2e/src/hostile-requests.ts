/**
 * fast-check arbitraries of hostile requests to the ingest API: every route
 * of its OpenAPI document, with hostile path segments, query strings,
 * headers, bodies, framings and encodings. A request is bytes, sent as
 * written (raw-http.ts), so nothing a client library would refuse or
 * normalise is lost.
 */
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { EXAMPLE_EVENT } from '@pushrail/events';

/** Ids and keys the generator may use; none of them is the tenant or destination whose events are checked. */
export interface FuzzTargets {
  adminToken: string;
  writeKey: string;
  /** A tenant and destination the admin routes may change, delete or break. */
  spareTenantId: string;
  spareDestinationId: string;
  /** Routes of the OpenAPI document: `[method, template]`. */
  routes: Array<[string, string]>;
}

export interface HostileRequest {
  method: string;
  template: string;
  bytes: Buffer;
  /** The JSON text of the body, when it is one the transport carries unchanged (for the landing check). */
  eventText?: string;
}

/** A number token JSON may or may not carry exactly, put in place of its marker after JSON.stringify. */
const NUMBER_TOKENS = ['1e400', '-1e400', '12345678901234567890', '1e-400', '0.1', '-0', '9007199254740993', '9007199254740992', '1e300', '5e-324', '123.4560000000000000001'];
const NUMBER_MARK = /"§num:([^§"]+)§"/g;

const hostileStrings = fc.oneof(
  fc.constantFrom('\u0000', 'a\u0000b', 'a\ud800', '\udfff', '\ud83d\ude00', '', ' ', 'x'.repeat(300), '../../etc/passwd', "'; DROP TABLE events; --", '<script>', '%00', '__proto__', 'constructor', '\u202e', '\ufeff'),
  fc.string({ maxLength: 20 }),
  fc.string({ unit: fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)), maxLength: 8 }),
);

const hostileNumbers = fc.oneof(fc.constantFrom(...NUMBER_TOKENS).map((t) => `§num:${t}§`), fc.double(), fc.integer());

const occurredAts = fc.oneof(
  fc.constantFrom(
    '2026-05-26T14:21:08.493Z',
    '0000-01-01T00:00:00Z',
    '0001-01-01T00:00:00+15:59',
    '9999-12-31T23:59:59-23:59',
    '9999-12-31T23:59:59.999999-15:59',
    '2026-05-26T14:21:08+16:00',
    '2026-02-29T00:00:00Z',
    '2026-05-26T14:21:08',
    '+010000-01-01T00:00:00Z',
  ),
  fc.date({ min: new Date('0001-01-02T00:00:00Z'), max: new Date('9999-12-30T00:00:00Z'), noInvalidDate: true }).map((d) => d.toISOString()),
  hostileStrings,
);

/** A JSON value with hostile leaves: strings, number tokens, deep nesting. */
const hostileJson: fc.Arbitrary<unknown> = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    hostileStrings,
    hostileNumbers,
    fc.constantFrom(true, false, null),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(hostileStrings, tie('value'), { maxKeys: 4 }),
  ),
})).value;

const deepObject = fc.integer({ min: 30, max: 40 }).map((depth) => {
  let value: unknown = 1;
  for (let i = 0; i < depth; i++) value = { a: value };
  return value;
});

const payloads = fc.oneof(fc.dictionary(hostileStrings, hostileJson, { maxKeys: 5 }), deepObject, hostileJson, fc.constant(EXAMPLE_EVENT.payload));

let sequence = 0;

/** The seed event with up to three fields hostile (often none, or hostile only in ways it may be). Its idempotencyKey is unique unless one of them replaces it. */
const events = fc
  .array(
    fc.oneof(
      fc.record({ eventType: hostileStrings }),
      fc.record({ occurredAt: occurredAts }),
      fc.record({ source: hostileStrings }),
      fc.record({ customerExternalId: hostileStrings }),
      fc.record({ idempotencyKey: hostileStrings }),
      fc.record({ correlationId: hostileStrings }),
      { weight: 3, arbitrary: fc.record({ payload: payloads }) },
      { weight: 2, arbitrary: fc.record({ metadata: payloads }) },
      fc.record({ colour: hostileJson }),
    ),
    { maxLength: 3 },
  )
  .map((changes) => Object.assign({ ...structuredClone(EXAMPLE_EVENT), idempotencyKey: `fuzz-${process.pid}-${++sequence}` }, ...changes) as Record<string, unknown>);

const batches = fc.oneof(fc.array(events, { minLength: 1, maxLength: 5 }).map((list) => ({ events: list })), fc.record({ events: hostileJson }), hostileJson);

const adminBodies = fc.oneof(
  fc.record({ name: hostileStrings }),
  fc.record({ name: hostileStrings, rateLimitPerSec: fc.oneof(hostileNumbers, fc.constant(null)) }, { requiredKeys: [] }),
  fc.record({ ids: fc.array(fc.oneof(hostileStrings, hostileNumbers), { maxLength: 3 }) }),
  fc.record({ destinationId: hostileStrings, since: occurredAts, until: occurredAts }, { requiredKeys: [] }),
  hostileJson,
);

/** Segments a path parameter may be: ids that exist (spare ones), random UUIDs, and hostile spellings. */
function pathSegments(targets: FuzzTargets): fc.Arbitrary<string> {
  return fc.oneof(
    fc.constantFrom(targets.spareTenantId, targets.spareDestinationId, '1', '0', '-1', '99999999999999999999'),
    fc.uuid(),
    fc.constantFrom('%', '%zz', '%E0%A4', '%C0%AF', '%ED%A0%80', '%FF', '%00', '..', '%2e%2e', '%2F', 'a%20b', '%F0%9F%98%80'),
    fc.string({ maxLength: 10 }).map((s) => percentEncode(s)),
  );
}

/** Percent-encodes the UTF-8 of `text` (a lone surrogate becomes U+FFFD's bytes, as any client sends it). */
function percentEncode(text: string): string {
  return [...Buffer.from(text, 'utf8')].map((b) => (/[A-Za-z0-9_.~-]/.test(String.fromCharCode(b)) ? String.fromCharCode(b) : `%${b.toString(16).padStart(2, '0').toUpperCase()}`)).join('');
}

const QUERY_NAMES = ['tenantId', 'destinationId', 'eventType', 'since', 'until', 'limit', 'cursor', 'status', 'errorKind', 'x'];
const queries = fc.oneof(
  fc.constant(''),
  fc.array(
    fc.tuple(fc.constantFrom(...QUERY_NAMES), fc.oneof(hostileStrings.map(percentEncode), occurredAts.map(percentEncode), fc.constantFrom('%', '%zz', '%00', '1000000', '0', '-1'))),
    { minLength: 1, maxLength: 3 },
  ).map((pairs) => `?${pairs.map(([k, v]) => `${k}=${v}`).join('&')}`),
);

type BodyShape = { kind: 'none' } | { kind: 'json'; value: unknown } | { kind: 'raw'; bytes: Buffer };

const encodings = fc.constantFrom('identity', 'identity', 'identity', 'gzip', 'gzip-garbage', 'chunked', 'short-length');

function frame(method: string, path: string, headers: string[], body: BodyShape, encoding: string, eventCheck: boolean): HostileRequest & { path: string } {
  let text: string | undefined;
  let bytes: Buffer | undefined;
  if (body.kind === 'json') {
    text = JSON.stringify(body.value)?.replace(NUMBER_MARK, '$1') ?? 'null';
    bytes = Buffer.from(text, 'utf8');
  } else if (body.kind === 'raw') bytes = body.bytes;
  const head = [`${method.toUpperCase()} ${path} HTTP/1.1`, 'Host: 127.0.0.1', 'Connection: close', ...headers];
  let framed: Buffer = Buffer.alloc(0);
  if (bytes) {
    if (encoding === 'gzip') {
      bytes = gzipSync(bytes);
      head.push('Content-Encoding: gzip');
    } else if (encoding === 'gzip-garbage') head.push('Content-Encoding: gzip');
    if (encoding === 'chunked') {
      head.push('Transfer-Encoding: chunked');
      framed = Buffer.concat([Buffer.from(`${bytes.length.toString(16)}\r\n`), bytes, Buffer.from('\r\n0\r\n\r\n')]);
    } else {
      // A declared length shorter than the body: the rest is read as the next request on this connection.
      head.push(`Content-Length: ${encoding === 'short-length' ? Math.max(0, bytes.length - 1) : bytes.length}`);
      framed = bytes;
    }
  }
  const request: HostileRequest & { path: string } = { method, template: '', path, bytes: Buffer.concat([Buffer.from(`${head.join('\r\n')}\r\n\r\n`, 'latin1'), framed]) };
  // Only a body that reaches ingest as written can be compared with what lands.
  if (eventCheck && text !== undefined && (encoding === 'identity' || encoding === 'chunked')) request.eventText = text;
  return request;
}

/** Requests to the event routes as a client would send them, with hostile events: the ones that may be accepted. */
function plausibleEventRequests(targets: FuzzTargets): fc.Arbitrary<HostileRequest> {
  return fc
    .record({
      single: fc.boolean(),
      event: events,
      batch: fc.array(events, { minLength: 1, maxLength: 5 }),
      encoding: fc.constantFrom('identity', 'identity', 'identity', 'chunked'),
      contentType: fc.constantFrom('application/json', 'application/json; charset=utf-8'),
    })
    .map(({ single, event, batch, encoding, contentType }) => {
      const template = single ? '/v1/events' : '/v1/batch';
      const request = frame('post', template, [`Authorization: Bearer ${targets.writeKey}`, `Content-Type: ${contentType}`], { kind: 'json', value: single ? event : { events: batch } }, encoding, true);
      return { ...request, template };
    });
}

/** Any route of the document, with everything about the request hostile. */
function anyHostileRequest(targets: FuzzTargets): fc.Arbitrary<HostileRequest> {
  const auth = fc.constantFrom(
    `Bearer ${targets.adminToken}`,
    `Basic ${Buffer.from(`anyone:${targets.adminToken}`).toString('base64')}`,
    `Bearer ${targets.writeKey}`,
    `Bearer ${targets.writeKey}`,
    'Bearer wrong-token-0123456789',
    'Basic !!!',
    '',
  );
  const contentTypes = fc.constantFrom('application/json', 'application/json', 'application/json; charset=utf-8', 'text/plain', 'application/json; charset=latin1', '');
  const bodies = (template: string): fc.Arbitrary<BodyShape> =>
    fc.oneof(
      { weight: 6, arbitrary: (template === '/v1/events' ? events : template === '/v1/batch' ? batches : adminBodies).map((value): BodyShape => ({ kind: 'json', value })) },
      { weight: 1, arbitrary: hostileJson.map((value): BodyShape => ({ kind: 'json', value })) },
      { weight: 1, arbitrary: fc.uint8Array({ maxLength: 64 }).map((b): BodyShape => ({ kind: 'raw', bytes: Buffer.from(b) })) },
      { weight: 1, arbitrary: fc.constant<BodyShape>({ kind: 'none' }) },
    );
  return fc.constantFrom(...targets.routes).chain(([method, template]) =>
    fc
      .record({
        segment: pathSegments(targets),
        query: queries,
        authorization: auth,
        contentType: contentTypes,
        body: bodies(template),
        encoding: encodings,
        expect: fc.constantFrom(undefined, undefined, undefined, '100-continue', 'the-unexpected'),
      })
      .map(({ segment, query, authorization, contentType, body, encoding, expect }) => {
        const path = template.replace(/\{[^}]+\}/g, segment) + query;
        const headers: string[] = [];
        if (authorization) headers.push(`Authorization: ${authorization}`);
        if (contentType && body.kind !== 'none') headers.push(`Content-Type: ${contentType}`);
        if (expect && body.kind !== 'none') headers.push(`Expect: ${expect}`);
        return { ...frame(method, path, headers, body, encoding, template.startsWith('/v1/')), template };
      }),
  );
}

/** Every request: a route of the document, its path, query, headers, body and framing; a third of them plausible event posts. */
export function hostileRequests(targets: FuzzTargets): fc.Arbitrary<HostileRequest> {
  return fc.oneof({ weight: 2, arbitrary: anyHostileRequest(targets) }, { weight: 1, arbitrary: plausibleEventRequests(targets) });
}
