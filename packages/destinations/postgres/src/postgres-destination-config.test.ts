import { postgresDestinationConfigSchema } from './postgres-destination-config';

const IAM = {
  type: 'POSTGRES',
  name: 'n',
  host: 'db.example.com',
  database: 'app',
  auth: { mode: 'RDS_IAM', username: 'pushrail_writer', region: 'us-east-1' },
};

const issuesOf = (input: unknown) => {
  const result = postgresDestinationConfigSchema.safeParse(input);
  return result.success ? [] : result.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
};

describe('postgresDestinationConfigSchema', () => {
  it('refuses RDS_IAM with tls false, on the tls path', () => {
    expect(issuesOf({ ...IAM, tls: false })).toEqual([{ path: 'tls', message: 'must be true with RDS_IAM: RDS accepts IAM tokens only over TLS' }]);
  });

  it('fills the documented defaults', () => {
    expect(postgresDestinationConfigSchema.parse(IAM)).toMatchObject({
      port: 5432, schema: 'public', table: 'events', tls: true, tableMode: 'single', autoCreateTables: false,
      batchSize: 1000, flushIntervalSec: 1, maxConnections: 4,
    });
  });

  it.each([
    ['NUL in the table name', { table: 'ev\u0000il' }, 'table'],
    ['a lone surrogate in the database name', { database: 'db\ud800' }, 'database'],
    ['a name over 63 bytes', { schema: 'é'.repeat(32) }, 'schema'],
    ['a host with a scheme', { host: 'postgres://db' }, 'host'],
    ['a `*` inside an event type pattern', { eventTypes: ['a*b'] }, 'eventTypes.0'],
    ['an unknown field', { colour: 'blue' }, ''],
  ])('refuses %s, naming the path', (_label, patch, path) => {
    expect(issuesOf({ ...IAM, ...patch }).map((i) => i.path)).toContain(path);
  });

  it('takes exact and prefix event type patterns', () => {
    expect(postgresDestinationConfigSchema.parse({ ...IAM, eventTypes: ['order.*', 'user.signed_up'] }).eventTypes).toEqual(['order.*', 'user.signed_up']);
  });
});
