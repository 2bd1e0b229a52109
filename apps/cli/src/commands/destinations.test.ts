import { collectSet, mergePatch } from './destinations';

describe('destinations update: --set and --file', () => {
  const set = (...pairs: string[]) => pairs.reduce((acc, pair) => collectSet(pair, acc), {} as Record<string, unknown>);

  it('reads field=value, nested by dots, values as JSON when they parse', () => {
    expect(set('batchSize=500', 'tls=true', 'tlsCa=null', 'name=Orders DB', 'auth.mode=RDS_IAM', 'auth.region=us-east-1', 'table="123"')).toEqual({
      batchSize: 500,
      tls: true,
      tlsCa: null,
      name: 'Orders DB',
      auth: { mode: 'RDS_IAM', region: 'us-east-1' },
      table: '123',
    });
  });

  it('refuses a pair without a field, and prototype keys', () => {
    for (const pair of ['=1', 'batchSize', 'auth..mode=x', '__proto__.polluted=1', 'constructor.prototype=1']) {
      expect(() => set(pair)).toThrow();
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('puts --set over the file, merging nested objects', () => {
    expect(mergePatch({ batchSize: 100, auth: { mode: 'PASSWORD', password: 'p' } }, { batchSize: 500, auth: { username: 'w' } })).toEqual({
      batchSize: 500,
      auth: { mode: 'PASSWORD', password: 'p', username: 'w' },
    });
  });
});
