import { EXAMPLE_EVENT } from '@pushrail/events';
import { BULL_BOARD_PATH } from '@pushrail/ingest';

/** The seed's example event (docs/design.md), sent by the printed curl. */
export const SEED_EVENT = EXAMPLE_EVENT;

/** The line a script waits for: everything below it works once it is printed. */
export const READY_LINE = 'Pushrail is ready';

/** Everything the banner tells the user, with secrets they need and no passwords of servers. */
export interface ReadyInfo {
  /** `http://127.0.0.1:<PORT>`. */
  ingestUrl: string;
  /** `http://127.0.0.1:<WORKER_METRICS_PORT>`. */
  workerUrl: string;
  adminToken: string;
  writeKey: string;
  /** A single-use link that opens the customer portal for the demo tenant. */
  portalLink: { url: string; expiresAt: string; tenantId: string };
  /** Redis URL, password removed; `dataDir` when the stack runs it. */
  redis: { url: string; dataDir?: string };
  /** Control database URL, password removed; `dataDir` when the stack runs the server. */
  postgres: { url: string; dataDir?: string };
  /** The demo database as its superuser (or the DATABASE_URL user) reaches it, without password. */
  demoDatabaseUrl: string;
  /** How to run psql here: `psql`, or its full path when it is not on PATH. */
  psql: string;
  /** Where the stack keeps what it remembers. */
  home: string;
  /** Whether the demo tenant, key and destination are an earlier run's. */
  demoReused: boolean;
}

/** Where Bull Board opens in a browser. */
export function bullBoardUrl(ingestUrl: string): string {
  return `${ingestUrl}${BULL_BOARD_PATH}`;
}

/** Quotes `value` for a POSIX shell: single quotes, each inner one closed, escaped and reopened. */
export function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/** The curl that sends {@link SEED_EVENT}: one command over several lines, ready to paste. */
export function seedCurlCommand(ingestUrl: string, writeKey: string): string {
  return [
    `curl -sS -i -X POST ${shellQuote(`${ingestUrl}/v1/events`)} \\`,
    `  -H ${shellQuote(`Authorization: Bearer ${writeKey}`)} \\`,
    `  -H 'Content-Type: application/json' \\`,
    `  -d ${shellQuote(JSON.stringify(SEED_EVENT))}`,
  ].join('\n');
}

/** The psql command that shows the demo table's rows. */
export function psqlCommand(psql: string, demoDatabaseUrl: string): string {
  return `${psql === 'psql' ? psql : shellQuote(psql)} ${shellQuote(demoDatabaseUrl)} -c 'SELECT * FROM pushrail.events'`;
}

/** What the terminal shows once the stack is up, ending with {@link READY_LINE}. */
export function renderReadyBanner(info: ReadyInfo): string {
  const where = (dataDir: string | undefined) => (dataDir ? `   (started by pnpm start, data in ${dataDir})` : '   (yours, from the environment)');
  return [
    '',
    `Ingest API      ${info.ingestUrl}`,
    `Admin API       ${info.ingestUrl}/admin/v1   (Authorization: Bearer <admin token>)`,
    `Admin token     ${info.adminToken}`,
    `Bull Board      ${bullBoardUrl(info.ingestUrl)}   (in a browser: any user name, the admin token as the password)`,
    `Metrics         ${info.ingestUrl}/metrics (ingest), ${info.workerUrl}/metrics (worker)`,
    `Health          ${info.ingestUrl}/readyz, ${info.workerUrl}/readyz`,
    `Redis           ${info.redis.url}${where(info.redis.dataDir)}`,
    `PostgreSQL      ${info.postgres.url}${where(info.postgres.dataDir)}`,
    `Demo            tenant, write key and destination ${info.demoReused ? 'from the last run' : 'created now'}: ` +
      'rows land in acme_app, table pushrail.events, written by pushrail_writer (INSERT only)',
    `Kept in         ${info.home} (secrets.json, demo.json: mode 0600)`,
    '',
    'Send the example event:',
    '',
    seedCurlCommand(info.ingestUrl, info.writeKey),
    '',
    'Its row is in the demo database within about a second:',
    '',
    psqlCommand(info.psql, info.demoDatabaseUrl),
    '',
    'Sending the same event again adds no row: its idempotencyKey gives it the same event_id.',
    'List the demo destination through the admin API:',
    '',
    `curl -sS ${shellQuote(`${info.ingestUrl}/admin/v1/destinations`)} -H ${shellQuote(`Authorization: Bearer ${info.adminToken}`)}`,
    '',
    `Open the customer portal for the demo tenant (the link works once, until ${info.portalLink.expiresAt}):`,
    '',
    `  ${info.portalLink.url}`,
    '',
    'A new link when this one is used or expired:',
    '',
    `PUSHRAIL_URL=${shellQuote(info.ingestUrl)} PUSHRAIL_ADMIN_TOKEN=${shellQuote(info.adminToken)} pnpm pushrail portal-link ${info.portalLink.tenantId}`,
    '',
    `${READY_LINE}. Press Ctrl-C to stop; the data stays for the next pnpm start.`,
    '',
  ].join('\n');
}
