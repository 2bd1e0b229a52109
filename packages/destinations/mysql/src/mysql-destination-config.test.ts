import type { Signer } from '@aws-sdk/rds-signer';
import { iamAuthPlugins } from './connection-options';
import { mysqlDestinationConfigSchema } from './mysql-destination-config';
import { mysqlProvider } from './mysql-provider';

const IAM = {
  type: 'MYSQL',
  name: 'n',
  host: 'db.example.com',
  database: 'app',
  auth: { mode: 'RDS_IAM', username: 'pushrail_writer', region: 'us-east-1' },
};
const PASSWORD = { ...IAM, auth: { mode: 'PASSWORD', username: 'pushrail_writer', password: 'hunter2' } };

const issuesOf = (input: unknown) => {
  const result = mysqlDestinationConfigSchema.safeParse(input);
  return result.success ? [] : result.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
};

describe('mysqlDestinationConfigSchema', () => {
  it('refuses RDS_IAM with tls false, on the tls path', () => {
    expect(issuesOf({ ...IAM, tls: false })).toEqual([
      { path: 'tls', message: 'must be true with RDS_IAM: the IAM token is sent in clear text (mysql_clear_password), so only over TLS' },
    ]);
  });

  it('fills the documented defaults', () => {
    expect(mysqlDestinationConfigSchema.parse(PASSWORD)).toMatchObject({
      port: 3306, table: 'events', tls: true, tableMode: 'single', autoCreateTables: false, batchSize: 1000, flushIntervalSec: 1, maxConnections: 4,
    });
  });

  it.each([
    ['a schema (MySQL has none besides the database)', { schema: 'public' }, ''],
    ['NUL in the table name', { table: 'ev\u0000il' }, 'table'],
    ['a lone surrogate in the database name', { database: 'db\ud800' }, 'database'],
    ['a table name over 64 characters', { table: 'é'.repeat(65) }, 'table'],
    ['a user name over 80 characters', { auth: { ...PASSWORD.auth, username: 'u'.repeat(81) } }, 'auth.username'],
    ['a host with a scheme', { host: 'mysql://db' }, 'host'],
    ['a port out of range', { port: 70000 }, 'port'],
    ['tlsMode without tls', { tls: false, tlsMode: 'require' }, 'tlsMode'],
    ['a tlsCa that is not PEM', { tlsCa: 'not a certificate' }, 'tlsCa'],
    ['an empty password', { auth: { ...PASSWORD.auth, password: '' } }, 'auth.password'],
    ['an unknown auth mode', { auth: { mode: 'KERBEROS', username: 'u' } }, 'auth.mode'],
    ['a batch over 1,000 events', { batchSize: 1001 }, 'batchSize'],
    ['an unknown field', { colour: 'blue' }, ''],
  ])('refuses %s, naming the path', (_label, patch, path) => {
    expect(issuesOf({ ...PASSWORD, ...patch }).map((i) => i.path)).toContain(path);
  });

  it('keeps a table name of exactly 64 characters, multi-byte ones included', () => {
    expect(mysqlDestinationConfigSchema.parse({ ...PASSWORD, table: 'é'.repeat(64) }).table).toHaveLength(64);
  });

  it('names per-event-type tables within 64 characters, by the documented rule', () => {
    const config = mysqlDestinationConfigSchema.parse({ ...PASSWORD, tableMode: 'per_event_type' });
    expect(mysqlProvider.tableFor(config, 'user.signed_up')).toBe('events_user_signed_up');
    const long = mysqlProvider.tableFor(config, `order.${'x'.repeat(100)}`);
    expect([...long]).toHaveLength(64);
    expect(long).toMatch(/^events_order_x+_[0-9a-f]{8}$/);
  });

  it('keeps the password secret and shows the target as database.table', () => {
    const config = mysqlDestinationConfigSchema.parse(PASSWORD);
    expect(mysqlProvider.secretPaths).toEqual([['auth', 'password']]);
    expect(mysqlProvider.targetOf(config)).toEqual({ host: 'db.example.com', port: 3306, database: 'app', table: 'app.events' });
  });
});

describe('RDS IAM over the clear-text plugin', () => {
  it('signs a fresh token for every login and sends it NUL-terminated', async () => {
    let signed = 0;
    const signer = { getAuthToken: async () => `token-${++signed}` } as unknown as Signer;
    const plugins = iamAuthPlugins(mysqlDestinationConfigSchema.parse(IAM), signer)!;
    const login = () => (plugins.mysql_clear_password as () => () => Promise<Buffer>)()();
    expect((await login()).toString()).toBe('token-1\0');
    expect((await login()).toString()).toBe('token-2\0');
  });

  it('refuses to build the plugin for a config without TLS', () => {
    const config = { ...mysqlDestinationConfigSchema.parse(IAM), tls: false };
    expect(() => iamAuthPlugins(config)).toThrow(/tls must be true/);
  });
});
