import path from 'node:path';
import { ConfigError, DEFAULT_INGEST_PORT, DEFAULT_WORKER_METRICS_PORT, loadLocalStackEnv as loadWithHome } from './index';

const HOME = '/srv/pushrail-home';
const loadLocalStackEnv = (env: NodeJS.ProcessEnv) => loadWithHome(env, HOME);

/** Whatever `fn` threw, as the one line the stack prints. */
function problemOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as Error).message;
  }
  throw new Error('expected a ConfigError');
}

describe('loadLocalStackEnv', () => {
  it('needs nothing set: embedded servers, default ports asked for softly, home under the repository', () => {
    const env = loadLocalStackEnv({});
    expect(env).toEqual({
      redisUrl: undefined,
      databaseUrl: undefined,
      ingestPort: { port: DEFAULT_INGEST_PORT, explicit: false },
      workerMetricsPort: { port: DEFAULT_WORKER_METRICS_PORT, explicit: false },
      home: HOME,
      encryptionKey: undefined,
      adminToken: undefined,
      logLevel: 'warn',
    });
  });

  it('takes every REDIS_URL form the processes take: one server, a Cluster, Sentinel', () => {
    for (const url of ['rediss://:pw@cache:6380', 'redis+cluster://a:7000,b:7001', 'redis+sentinel://s1:26379,s2:26379/pushrail']) {
      expect(loadLocalStackEnv({ REDIS_URL: url }).redisUrl).toBe(url);
    }
  });

  it('takes what is set, and treats an empty variable as unset', () => {
    const key = Buffer.alloc(32, 3).toString('base64');
    const env = loadLocalStackEnv({
      REDIS_URL: 'redis://127.0.0.1:7000',
      DATABASE_URL: 'postgres://u:p@db:5432/control',
      PORT: '18080',
      WORKER_METRICS_PORT: '',
      PUSHRAIL_HOME: 'relative/home',
      PUSHRAIL_ENCRYPTION_KEY: key,
      PUSHRAIL_ADMIN_TOKEN: 'a-long-enough-admin-token',
      LOG_LEVEL: 'info',
    });
    expect(env.redisUrl).toBe('redis://127.0.0.1:7000');
    expect(env.databaseUrl).toBe('postgres://u:p@db:5432/control');
    expect(env.ingestPort).toEqual({ port: 18080, explicit: true });
    expect(env.workerMetricsPort).toEqual({ port: DEFAULT_WORKER_METRICS_PORT, explicit: false });
    expect(env.home).toBe(path.resolve('relative/home'));
    expect(env.encryptionKey).toBe(key);
    expect(env.logLevel).toBe('info');
  });

  it('refuses a PORT that is not a port, in one line naming it', () => {
    for (const bad of ['abc', '0', '70000', '80.5']) {
      const message = problemOf(() => loadLocalStackEnv({ PORT: bad }));
      expect(message).toMatch(/PORT must be a port number from 1 to 65535/);
      expect(message).not.toContain('\n');
    }
  });

  it('names every bad variable at once and never echoes a secret', () => {
    const secret = 'this-is-not-base64-but-it-is-secret!';
    const message = problemOf(() =>
      loadLocalStackEnv({ REDIS_URL: 'http://x', DATABASE_URL: 'mysql://x', PUSHRAIL_ENCRYPTION_KEY: secret, PUSHRAIL_ADMIN_TOKEN: 'short', LOG_LEVEL: 'loud' }),
    );
    for (const name of ['REDIS_URL', 'DATABASE_URL', 'PUSHRAIL_ENCRYPTION_KEY', 'PUSHRAIL_ADMIN_TOKEN', 'LOG_LEVEL']) expect(message).toContain(name);
    expect(message).not.toContain(secret);
    expect(message).not.toContain('short');
    expect(message).not.toContain('\n');
  });

  it('takes a Redis Cluster URL, by the same rule as ingest and the worker', () => {
    expect(loadLocalStackEnv({ REDIS_URL: 'redis+cluster://10.0.0.1:7000,10.0.0.2:7001' }).redisUrl).toBe('redis+cluster://10.0.0.1:7000,10.0.0.2:7001');
  });

  it('refuses the same port for ingest and the worker metrics', () => {
    expect(problemOf(() => loadLocalStackEnv({ PORT: '18080', WORKER_METRICS_PORT: '18080' }))).toMatch(/WORKER_METRICS_PORT must differ from PORT/);
  });
});
