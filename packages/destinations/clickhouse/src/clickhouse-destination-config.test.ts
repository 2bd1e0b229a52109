import { joinSecrets, splitSecrets } from '@pushrail/destination-core';
import { CLICKHOUSE_SECRET_PATHS, clickhouseDestinationConfigSchema, clickhousePortOf } from './clickhouse-destination-config';
import { clickhouseProvider } from './clickhouse-provider';

const minimal = {
  type: 'CLICKHOUSE',
  name: 'analytics',
  host: 'ch.example.com',
  database: 'analytics',
  auth: { mode: 'PASSWORD', username: 'pushrail', password: 's3cret' },
} as const;

describe('CLICKHOUSE config', () => {
  it('defaults to TLS on 8443, table events, single table mode', () => {
    const config = clickhouseDestinationConfigSchema.parse(minimal);
    expect(config).toMatchObject({ tls: true, table: 'events', tableMode: 'single', batchSize: 1000 });
    expect(clickhousePortOf(config)).toBe(8443);
    expect(clickhousePortOf(clickhouseDestinationConfigSchema.parse({ ...minimal, tls: false }))).toBe(8123);
    expect(clickhousePortOf(clickhouseDestinationConfigSchema.parse({ ...minimal, port: 9443 }))).toBe(9443);
  });

  it('refuses autoCreateTables: the writer is an INSERT-only user', () => {
    const result = clickhouseDestinationConfigSchema.safeParse({ ...minimal, tableMode: 'per_event_type', autoCreateTables: true });
    expect(result.success).toBe(false);
    expect(JSON.stringify(result.error?.issues)).toContain('autoCreateTables');
  });

  it.each([
    ['database', 'ana lytics'],
    ['table', '1events'],
    ['host', 'https://ch.example.com'],
    ['tlsMode', 'verify-full'],
    ['serverVersion', 'latest'],
  ])('refuses %s = %s', (field, value) => {
    const input = field === 'tlsMode' ? { ...minimal, tls: false, tlsMode: value } : { ...minimal, [field]: value };
    expect(clickhouseDestinationConfigSchema.safeParse(input).success).toBe(false);
  });

  it('keeps the password apart as its one secret', () => {
    const config = clickhouseDestinationConfigSchema.parse(minimal);
    const { publicConfig, secrets } = splitSecrets(config, CLICKHOUSE_SECRET_PATHS);
    expect(secrets).toEqual({ 'auth.password': 's3cret' });
    expect(JSON.stringify(publicConfig)).not.toContain('s3cret');
    expect(joinSecrets(publicConfig, secrets, CLICKHOUSE_SECRET_PATHS)).toEqual(config);
  });

  it('writes the set-up guide for the server version the config names', () => {
    const current = clickhouseProvider.setupGuide(clickhouseDestinationConfigSchema.parse(minimal), ['events']);
    expect(current).toContain("DateTime64(3, 'UTC')");
    expect(current).toContain('LowCardinality(String)');
    expect(current).toContain('GRANT INSERT ON `analytics`.`events` TO `pushrail`;');
    const old = clickhouseProvider.setupGuide(clickhouseDestinationConfigSchema.parse({ ...minimal, serverVersion: '18.16.1' }), ['events']);
    expect(old).toContain("DateTime('UTC')");
    expect(old).not.toContain('LowCardinality');
    expect(old).not.toMatch(/^(CREATE USER|GRANT)/m);
    expect(old).toContain('<allow_databases><database>analytics</database></allow_databases>');
    for (const guide of [current, old]) {
      expect(guide).toMatch(/ENGINE = ReplacingMergeTree\nORDER BY event_id/);
      // Commentary never holds a `;`, so a statement splitter never cuts inside it.
      for (const line of guide.split('\n')) if (line.startsWith('--')) expect(line).not.toContain(';');
    }
  });
});
