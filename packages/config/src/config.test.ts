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
    expect(config).toMatchObject({ redisUrl: 'redis://127.0.0.1:6379', port: 8080, host: '0.0.0.0', allowPrivateHosts: false, logLevel: 'info' });
  });

  it('takes HOST as an address or a name, and names it when it is neither', () => {
    expect(loadIngestConfig({ ...good, HOST: '127.0.0.1' }).host).toBe('127.0.0.1');
    expect(loadIngestConfig({ ...good, HOST: '::1' }).host).toBe('::1');
    expect(() => loadIngestConfig({ ...good, HOST: 'http://x/' })).toThrow(/HOST/);
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

describe('the portal settings', () => {
  it('default to 15-minute links, 24-hour sessions, no public URL and no framing', () => {
    expect(loadIngestConfig({ ...good }).portal).toEqual({ publicUrl: undefined, linkTtlSec: 900, sessionTtlSec: 86_400, frameAncestors: [] });
  });

  it('read the public URL without its trailing slash and the frame ancestors as a list', () => {
    const config = loadIngestConfig({
      ...good,
      PUSHRAIL_PUBLIC_URL: 'https://pushrail.example.com/',
      PUSHRAIL_PORTAL_FRAME_ANCESTORS: "https://app.example.com, 'self' https://*.acme.io",
      PUSHRAIL_PORTAL_SESSION_TTL_SEC: '3600',
    });
    expect(config.portal).toMatchObject({
      publicUrl: 'https://pushrail.example.com',
      sessionTtlSec: 3600,
      frameAncestors: ['https://app.example.com', "'self'", 'https://*.acme.io'],
    });
  });

  it('name the variable of a bad value', () => {
    expect(() => loadIngestConfig({ ...good, PUSHRAIL_PUBLIC_URL: 'pushrail.example.com' })).toThrow(/PUSHRAIL_PUBLIC_URL/);
    expect(() => loadIngestConfig({ ...good, PUSHRAIL_PORTAL_FRAME_ANCESTORS: 'javascript:alert(1)' })).toThrow(/PUSHRAIL_PORTAL_FRAME_ANCESTORS/);
    expect(() => loadIngestConfig({ ...good, PUSHRAIL_PORTAL_LINK_TTL_SEC: '5' })).toThrow(/PUSHRAIL_PORTAL_LINK_TTL_SEC/);
  });
});
