import { inexactNumberProblem, jsonTextIssues } from './json-text-check';

const pathsOf = (text: string) => jsonTextIssues(text).map((issue) => issue.path);

describe('jsonTextIssues: what JSON.parse would change, or no destination can store', () => {
  it('finds nothing in ordinary JSON, whatever its numbers', () => {
    expect(jsonTextIssues('{"a":1,"b":-2.5,"c":[1e300,0.1,123456789012345,9007199254740991],"d":"x\\u00e9\\ud83d\\ude00"}')).toEqual([]);
  });

  it('reports each number JSON cannot carry exactly, at its path', () => {
    const text = '{"payload":{"big":12345678901234567890,"list":[1,1e400,{"tiny":-1e-400}],"fine":1.000000000000000000}}';
    expect(jsonTextIssues(text)).toEqual([
      { path: ['payload', 'big'], message: expect.stringMatching(/12345678901234567000/) },
      { path: ['payload', 'list', 1], message: expect.stringMatching(/beyond/) },
      { path: ['payload', 'list', 2, 'tiny'], message: expect.stringMatching(/stored as 0/) },
    ]);
  });

  it('reports unpaired surrogates in values and keys, not escaped pairs', () => {
    expect(pathsOf('{"events":[{"a":"ok"},{"idempotencyKey":"x\\ud800"}],"k\\udc00y":1,"pair":"\\ud83d\\ude00"}')).toEqual([
      ['events', 1, 'idempotencyKey'],
      ['k\udc00y'],
    ]);
  });

  it('finds an inexact number wherever it stands in the text, and a 3-digit exponent however short the number', () => {
    for (let pad = 0; pad < 40; pad++) {
      expect(pathsOf(`{"${'k'.repeat(pad)}":[1,12345678901234567890]}`)).toEqual([['k'.repeat(pad), 1]]);
      expect(pathsOf(`{"${'k'.repeat(pad)}":-0.1000000000000000000001}`)).toEqual([['k'.repeat(pad)]]);
      expect(pathsOf(`{"${'k'.repeat(pad)}":1E+400}`)).toEqual([['k'.repeat(pad)]]);
    }
  });

  it('is not misled by digits, escaped quotes or surrogate-like text inside strings', () => {
    expect(jsonTextIssues('{"id":"12345678901234567890","q":"\\"1e400\\"","s":"\\\\ud800","n":[1e99,2]}')).toEqual([]);
  });
});

describe('inexactNumberProblem', () => {
  it.each(['0', '-0', '1.50e2', '0.30000000000000004', '5e-324', '1.7976931348623157e308', '9007199254740992', '100000000000000000000'])(
    'takes %s as exact',
    (token) => expect(inexactNumberProblem(token)).toBeUndefined(),
  );
  it.each(['12345678901234567890', '1e400', '1e-400', '0.1000000000000000000001', '9007199254740993'])('refuses %s', (token) =>
    expect(inexactNumberProblem(token)).toEqual(expect.any(String)),
  );
});
