import { EXAMPLE_EVENT } from './example-event';
import { eventEnvelopeSchema, jsonObjectSchema, MAX_JSON_DEPTH, safeParseEventEnvelope } from './event-envelope';

/** An object `levels` deep: `{"a":{"a":…1}}`. */
function nested(levels: number): Record<string, unknown> {
  let value: unknown = 1;
  for (let i = 0; i < levels; i++) value = { a: value };
  return value as Record<string, unknown>;
}

function messagesOf(value: unknown): string[] {
  const result = jsonObjectSchema.safeParse(value);
  return result.success ? [] : result.error.issues.map((issue) => issue.message);
}

describe('jsonObjectSchema (payload and metadata)', () => {
  it(`accepts objects up to ${MAX_JSON_DEPTH} levels deep, arrays counting as levels`, () => {
    expect(messagesOf(nested(MAX_JSON_DEPTH))).toEqual([]);
    expect(messagesOf({ list: [[{ x: [] }]] })).toEqual([]);
    expect(messagesOf({})).toEqual([]);
  });

  it('refuses one level more, through objects or arrays, naming the limit', () => {
    expect(messagesOf(nested(MAX_JSON_DEPTH + 1))).toEqual([`nested deeper than ${MAX_JSON_DEPTH} levels`]);
    let array: unknown = [];
    for (let i = 0; i < MAX_JSON_DEPTH; i++) array = [array];
    expect(messagesOf({ array })).toEqual([`nested deeper than ${MAX_JSON_DEPTH} levels`]);
  });

  it('refuses a value nested far beyond the limit without walking it all', () => {
    const deep = JSON.parse('{"a":'.repeat(100_000) + '1' + '}'.repeat(100_000)) as unknown;
    expect(messagesOf(deep)).toEqual([`nested deeper than ${MAX_JSON_DEPTH} levels`]);
  });

  it.each([
    ['an array', [1, 2]],
    ['a string', 'not an object'],
    ['a number', 3],
    ['null', null],
  ])('refuses %s as not a JSON object', (_name, value) => {
    expect(messagesOf(value)).toEqual(['must be a JSON object']);
  });

  it('gives the object back as it came, every key kept (a "__proto__" key from JSON.parse included)', () => {
    const payload = JSON.parse('{"__proto__":{"x":1},"b":[1,{"c":null}]}') as Record<string, unknown>;
    const parsed = eventEnvelopeSchema.parse({ ...EXAMPLE_EVENT, payload });
    expect(JSON.stringify(parsed.payload)).toBe('{"__proto__":{"x":1},"b":[1,{"c":null}]}');
  });
});

describe.each([
  ['eventEnvelopeSchema.safeParse', (input: unknown) => eventEnvelopeSchema.safeParse(input)],
  ['safeParseEventEnvelope (ingest)', safeParseEventEnvelope],
])('%s: what no destination can store is refused, by path', (_name, safeParse) => {
  const issuesOf = (overrides: Record<string, unknown>) => {
    const result = safeParse({ ...EXAMPLE_EVENT, ...overrides });
    return result.success ? [] : result.error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message }));
  };

  it.each(['eventType', 'source', 'customerExternalId', 'idempotencyKey', 'correlationId'])('refuses U+0000 and unpaired surrogates in %s', (field) => {
    expect(issuesOf({ [field]: 'a\u0000b' })).toEqual([{ path: field, message: expect.stringMatching(/U\+0000/) }]);
    expect(issuesOf({ [field]: 'a\ud800' })).toEqual([{ path: field, message: expect.stringMatching(/surrogate/) }]);
    expect(issuesOf({ [field]: 'ok \ud83d\ude00' })).toEqual([]);
  });

  it.each([
    ['0000-01-01T00:00:00Z', /year/],
    ['10000-01-01T00:00:00Z', /ISO-8601/],
    ['2026-05-26T14:21:08+16:00', /offset/],
    ['9999-12-31T23:59:59-23:59', /offset/],
  ])('refuses occurredAt %s', (occurredAt, message) => {
    expect(issuesOf({ occurredAt })).toEqual([{ path: 'occurredAt', message: expect.stringMatching(message) }]);
  });

  it.each(['0001-01-01T00:00:00Z', '9999-12-31T23:59:59.999999-15:59', '2026-05-26T14:21:08.493+15:59'])('accepts occurredAt %s', (occurredAt) => {
    expect(issuesOf({ occurredAt })).toEqual([]);
  });
});

describe('safeParseEventEnvelope', () => {
  it('answers exactly as eventEnvelopeSchema.safeParse, shape and storable issues together included', () => {
    const inputs: unknown[] = [
      EXAMPLE_EVENT,
      { ...EXAMPLE_EVENT, source: 'a\u0000b' },
      { ...EXAMPLE_EVENT, eventType: '', source: 'a\ud800' },
      { ...EXAMPLE_EVENT, occurredAt: 'yesterday', correlationId: 'x\u0000' },
      { ...EXAMPLE_EVENT, occurredAt: '0000-01-01T00:00:00Z', extra: 1 },
      { ...EXAMPLE_EVENT, payload: [] },
      'not an object',
      null,
    ];
    for (const input of inputs) {
      const viaSchema = eventEnvelopeSchema.safeParse(input);
      const viaFunction = safeParseEventEnvelope(input);
      expect(viaFunction.success).toBe(viaSchema.success);
      expect(viaFunction.success ? viaFunction.data : viaFunction.error.issues.map((i) => [i.path, i.message])).toEqual(
        viaSchema.success ? viaSchema.data : viaSchema.error.issues.map((i) => [i.path, i.message]),
      );
    }
  });
});
