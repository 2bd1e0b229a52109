import { PassThrough } from 'node:stream';
import { cell, count, flatten, MAX_CELL, Output } from './output';

function capture(): { output: Output; stdout: () => string; stderr: () => string } {
  const out = new PassThrough();
  const err = new PassThrough();
  let stdout = '';
  let stderr = '';
  out.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  err.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return { output: new Output({ stdout: out, stderr: err }), stdout: () => stdout, stderr: () => stderr };
}

describe('Output', () => {
  it('prints a plain table (no colour codes) with every row', () => {
    const { output, stdout } = capture();
    output.table(['id', 'name'], [['1', 'Acme'], ['2', null]]);
    const text = stdout();
    expect(text).not.toMatch(/\u001b\[/);
    expect(text).toMatch(/│ id\s+│ name\s+│/);
    expect(text).toMatch(/│ 1\s+│ Acme\s+│/);
    expect(text).toMatch(/│ 2\s+│ -\s+│/);
  });

  it('prints a record with nested fields flattened', () => {
    const { output, stdout } = capture();
    output.record({ id: 'd1', config: { auth: { mode: 'PASSWORD' }, port: 5432 } });
    expect(stdout()).toMatch(/config\.auth\.mode\s+│ PASSWORD/);
    expect(stdout()).toMatch(/config\.port\s+│ 5432/);
  });

  it('prints JSON to stdout and notes to stderr', () => {
    const { output, stdout, stderr } = capture();
    output.json({ items: [] });
    output.note('a hint');
    expect(JSON.parse(stdout())).toEqual({ items: [] });
    expect(stderr()).toBe('a hint\n');
  });
});

describe('cell', () => {
  it('shows nothing as -, structures as JSON, and cuts long text', () => {
    expect(cell(undefined)).toBe('-');
    expect(cell(['a', 1])).toBe('["a",1]');
    expect(cell('line\nbreak')).toBe('line break');
    const long = cell('x'.repeat(200));
    expect(long).toHaveLength(MAX_CELL);
    expect(long.endsWith('…')).toBe(true);
  });
});

describe('flatten', () => {
  it('keeps arrays whole', () => {
    expect(flatten({ a: { b: 1 }, c: [1, 2], d: null })).toEqual([
      ['a.b', 1],
      ['c', [1, 2]],
      ['d', null],
    ]);
  });
});

describe('count', () => {
  it('says one thing, or many things', () => {
    expect(count(1, 'dead letter')).toBe('1 dead letter');
    expect(count(0, 'dead letter')).toBe('0 dead letters');
    expect(count(1500, 'dead letter')).toBe('1500 dead letters');
  });
});
