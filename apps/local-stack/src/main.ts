/**
 * `pnpm start`: the whole stack on this machine. Starts its own Redis and
 * PostgreSQL under PUSHRAIL_HOME when the environment names none, prepares
 * the control database and a demo customer database, runs ingest and
 * worker, sets up a demo tenant through the admin API and prints a curl to
 * try it. Ctrl-C stops everything and keeps the data for the next run.
 */
import fs from 'node:fs';
import path from 'node:path';
import { ConfigError, loadLocalStackEnv, type LocalStackEnv } from '@pushrail/config';
import { redactUrl, toError } from '@pushrail/testing';
import { WORKER_NODE_FLAGS } from '@pushrail/worker/node-flags';
import { AdminClient } from './admin-client';
import { StackChild } from './child-process';
import { CONTROL_DATABASE, prepareControlDatabase, withDatabase } from './control-database';
import { DEMO_DATABASE, prepareDemoDatabase } from './demo-database';
import { ensureDemoTenant, loadDemoRecord, writerPasswordFor } from './demo-tenant';
import { HomeLock } from './home-lock';
import { Lifecycle, StackStoppingError } from './lifecycle';
import { choosePort } from './ports';
import { findPsql } from './psql-path';
import { describeExit, waitUntilReady } from './readiness';
import { renderReadyBanner } from './ready-banner';
import { DEFAULT_HOME, REPO_ROOT } from './repo-root';
import { loadOrCreateSecrets } from './secrets';
import { startStackServers } from './stack-servers';
import { complain, say } from './terminal';

/** The processes the stack runs, as `pnpm build` leaves them. */
const INGEST_MAIN = path.join(REPO_ROOT, 'apps', 'ingest', 'dist', 'main.js');
const WORKER_MAIN = path.join(REPO_ROOT, 'apps', 'worker', 'dist', 'main.js');

/** 0: stopped on request; 1: could not start, or a process died; 2: bad configuration. */
const EXIT_FAILED = 1;
const EXIT_BAD_CONFIG = 2;

/** PostgreSQL's port when a URL names none. */
const DEFAULT_POSTGRES_PORT = 5432;

/** Where the stack's ingest listens and what its banner prints. */
const LOOPBACK = '127.0.0.1';

/** The stack once it is up: what to watch while it runs. */
interface RunningStack {
  children: StackChild[];
}

function main(): void {
  const env = parseEnvOrExit();
  const life = new Lifecycle();
  let exitCode = 0;
  const stopAndExit = async (): Promise<void> => {
    await life.stop();
    say(exitCode === 0 ? 'stopped' : 'stopped after a failure');
    process.exit(exitCode);
  };
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.on(signal, () => {
      if (life.isStopping) return;
      say(`${signal}: stopping what this run started`);
      void stopAndExit();
    });
  }
  startStack(env, life).then(
    (stack) => {
      for (const child of stack.children) {
        void child.exited.then((exit) => {
          if (life.isStopping) return;
          complain(`${child.name} stopped unexpectedly (${describeExit(exit)}); stopping the stack`);
          exitCode = EXIT_FAILED;
          void stopAndExit();
        });
      }
    },
    (err: unknown) => {
      // A stop asked for during start-up finishes, and exits, on its own.
      if (err instanceof StackStoppingError || life.isStopping) return;
      complain(`could not start: ${scrubUrls(toError(err).message)}`);
      exitCode = EXIT_FAILED;
      void stopAndExit();
    },
  );
}

function parseEnvOrExit(): LocalStackEnv {
  try {
    return loadLocalStackEnv(process.env, DEFAULT_HOME);
  } catch (err) {
    const message = err instanceof ConfigError ? err.message : `invalid configuration: ${toError(err).message}`;
    process.stderr.write(`pnpm start: ${message}\n`);
    process.exit(EXIT_BAD_CONFIG);
  }
}

async function startStack(env: LocalStackEnv, life: Lifecycle): Promise<RunningStack> {
  for (const script of [INGEST_MAIN, WORKER_MAIN]) {
    if (!fs.existsSync(script)) throw new Error(`${script} is missing: run pnpm build (pnpm start builds first)`);
  }
  fs.mkdirSync(env.home, { recursive: true });
  const lock = await HomeLock.acquire(env.home, (commandLine) => commandLine.includes(INGEST_MAIN) || commandLine.includes(WORKER_MAIN));
  await life.add('the lock on the home directory', async () => lock.release());
  const secrets = loadOrCreateSecrets(env.home, { encryptionKey: env.encryptionKey, adminToken: env.adminToken });
  const previousDemo = loadDemoRecord(env.home);
  const writerPassword = writerPasswordFor(previousDemo);

  const servers = await startStackServers(env.home, { redis: !env.redisUrl, postgres: !env.databaseUrl }, life);
  const redisUrl = env.redisUrl ?? (servers.redis?.url as string);
  // The embedded server's superuser, or whoever DATABASE_URL logs in as, creates both databases.
  const serverUrl = env.databaseUrl ?? (servers.postgres?.superuserUrl('postgres') as string);
  const controlUrl = env.databaseUrl ?? withDatabase(serverUrl, CONTROL_DATABASE);

  const applied = await prepareControlDatabase(controlUrl);
  say(applied.length > 0 ? `control database: applied migrations ${applied.join(', ')}` : 'control database: up to date');
  await prepareDemoDatabase(serverUrl, writerPassword);
  say(`demo database ${DEMO_DATABASE}: ready, with the INSERT-only role pushrail_writer`);
  life.checkpoint();

  const ingestPort = await choosePort('PORT', env.ingestPort);
  let metricsPort = await choosePort('WORKER_METRICS_PORT', env.workerMetricsPort);
  // Two free ports picked one after the other may, rarely, be the same one.
  while (metricsPort.port === ingestPort.port) metricsPort = await choosePort('WORKER_METRICS_PORT', { port: metricsPort.port, explicit: false });
  for (const notice of [ingestPort.notice, metricsPort.notice]) if (notice) say(notice);

  const childEnv: NodeJS.ProcessEnv = {
    ...process.env,
    REDIS_URL: redisUrl,
    DATABASE_URL: controlUrl,
    PUSHRAIL_ENCRYPTION_KEY: secrets.encryptionKey,
    PUSHRAIL_ADMIN_TOKEN: secrets.adminToken,
    PORT: String(ingestPort.port),
    // This machine only: the banner's addresses are loopback ones.
    HOST: LOOPBACK,
    WORKER_METRICS_PORT: String(metricsPort.port),
    // The demo database is on loopback, which the SSRF guard refuses otherwise.
    PUSHRAIL_ALLOW_PRIVATE_HOSTS: 'true',
    LOG_LEVEL: env.logLevel,
  };
  say(`starting ingest (port ${ingestPort.port}) and worker (metrics port ${metricsPort.port}); their logs at level ${env.logLevel}`);
  const children = [new StackChild('ingest', INGEST_MAIN, childEnv), new StackChild('worker', WORKER_MAIN, childEnv, WORKER_NODE_FLAGS)];
  lock.recordChildren(children.map((c) => c.pid).filter((pid): pid is number => pid !== undefined));
  await life.add('ingest and worker', () => Promise.all(children.map((c) => c.stop())));

  const ingestUrl = `http://${LOOPBACK}:${ingestPort.port}`;
  const workerUrl = `http://127.0.0.1:${metricsPort.port}`;
  await waitUntilReady(children, [`${ingestUrl}/readyz`, `${workerUrl}/readyz`], life.signal);

  const server = new URL(serverUrl);
  const admin = new AdminClient(ingestUrl, secrets.adminToken);
  const demo = await ensureDemoTenant(admin, env.home, previousDemo, {
    host: server.hostname,
    port: Number(server.port || DEFAULT_POSTGRES_PORT),
    writerPassword,
  });
  const portalLink = await admin.createPortalLink(demo.record.tenantId);
  life.checkpoint();

  process.stdout.write(
    renderReadyBanner({
      ingestUrl,
      workerUrl,
      adminToken: secrets.adminToken,
      writeKey: demo.record.writeKey,
      portalLink: { ...portalLink, tenantId: demo.record.tenantId },
      redis: { url: redactUrl(redisUrl), ...(servers.redis ? { dataDir: servers.redis.dir } : {}) },
      postgres: { url: redactUrl(controlUrl), ...(servers.postgres ? { dataDir: servers.postgres.dataDir } : {}) },
      demoDatabaseUrl: withoutPassword(withDatabase(serverUrl, DEMO_DATABASE)),
      psql: findPsql(process.env['PATH']),
      home: env.home,
      demoReused: demo.reused.tenant && demo.reused.writeKey && demo.reused.destination,
    }),
  );
  return { children };
}

function withoutPassword(url: string): string {
  const parsed = new URL(url);
  parsed.password = '';
  return parsed.toString();
}

/** Passwords out of any URL in an error message (DATABASE_URL may carry one). */
function scrubUrls(message: string): string {
  return message.replace(/(\/\/[^:@/\s]+:)[^@\s]+@/g, '$1***@');
}

main();
