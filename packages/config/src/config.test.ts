import { ConfigError, loadIngestConfig, loadWorkerConfig } from './index';

const key = Buffer.alloc(32, 7).toString('base64');
const good = {
  DATABASE_URL: 'postgres://u@127.0.0.1:5432/c',
  PUSHRAIL_ENCRYPTION_KEY: key,
  PUSHRAIL_ADMIN_TOKEN: 'admin-token-0123456789',
};

describe('loadIngestConfig', () => {
  it('applies the documented defaults', () => {
    const config = loadIngestConfig({ ...good });
    expect(config).toMatchObject({ redisUrl: 'redis://127.0.0.1:6379', port: 8080, allowPrivateHosts: false, logLevel: 'info' });
  });

  it('names every bad variable in one line without echoing secrets', () => {
    const secret = 'not-a-valid-key-but-secret';
    const attempt = () => loadIngestConfig({ ...good, PUSHRAIL_ENCRYPTION_KEY: secret, PORT: 'eighty', DATABASE_URL: 'mysql://x' });
    expect(attempt).toThrow(ConfigError);
    try {
      attempt();
    } catch (error) {
      const message = (error as Error).message;
      expect(message).toContain('PUSHRAIL_ENCRYPTION_KEY');
      expect(message).toContain('PORT');
      expect(message).toContain('DATABASE_URL');
      expect(message).not.toContain(secret);
      expect(message).not.toContain('\n');
    }
  });

  it('requires the admin token and the encryption key', () => {
    expect(() => loadIngestConfig({ DATABASE_URL: good.DATABASE_URL })).toThrow(/PUSHRAIL_ENCRYPTION_KEY.*PUSHRAIL_ADMIN_TOKEN|PUSHRAIL_ADMIN_TOKEN.*PUSHRAIL_ENCRYPTION_KEY/);
  });

  it('reads the private-hosts flag strictly', () => {
    expect(loadIngestConfig({ ...good, PUSHRAIL_ALLOW_PRIVATE_HOSTS: 'true' }).allowPrivateHosts).toBe(true);
    expect(() => loadIngestConfig({ ...good, PUSHRAIL_ALLOW_PRIVATE_HOSTS: 'yes please' })).toThrow(/PUSHRAIL_ALLOW_PRIVATE_HOSTS/);
  });
});

describe('loadWorkerConfig', () => {
  it('defaults the metrics port to 9091 and does not need the admin token', () => {
    const config = loadWorkerConfig({ DATABASE_URL: good.DATABASE_URL, PUSHRAIL_ENCRYPTION_KEY: key });
    expect(config.metricsPort).toBe(9091);
    expect(config.tuning.maxDestinations).toBe(64);
  });

  it('refuses a Redis prefix with a hash tag', () => {
    expect(() => loadWorkerConfig({ ...good, PUSHRAIL_REDIS_PREFIX: 'a{b}' })).toThrow(/PUSHRAIL_REDIS_PREFIX/);
  });

  it('keeps dead letters 30 days after they are resolved unless PUSHRAIL_DEAD_LETTER_RETENTION_DAYS says otherwise', () => {
    expect(loadWorkerConfig(good).tuning.deadLetterRetentionMs).toBe(30 * 86_400_000);
    expect(loadWorkerConfig({ ...good, PUSHRAIL_DEAD_LETTER_RETENTION_DAYS: '7' }).tuning.deadLetterRetentionMs).toBe(7 * 86_400_000);
    for (const bad of ['0', '-1', 'forever', '5000']) {
      expect(() => loadWorkerConfig({ ...good, PUSHRAIL_DEAD_LETTER_RETENTION_DAYS: bad })).toThrow(/PUSHRAIL_DEAD_LETTER_RETENTION_DAYS/);
    }
  });
});
