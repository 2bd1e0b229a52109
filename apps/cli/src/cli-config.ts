import { scrubSecrets } from '@pushrail/observability';
import { UsageError } from './errors';

/** Where the admin API listens when neither --url nor PUSHRAIL_URL says otherwise (ingest's default PORT). */
export const DEFAULT_URL = 'http://127.0.0.1:8080';

/** What the admin commands need to reach the API. */
export interface AdminConfig {
  url: URL;
  token: string;
}

/** The global options, as commander parsed them. */
export interface GlobalOptions {
  url?: string;
  token?: string;
}

/**
 * The one place the CLI reads its environment for the admin API: a flag
 * wins over its variable, the variable over the default. The token is
 * required and never echoed back in any message.
 */
export function resolveAdminConfig(options: GlobalOptions, env: NodeJS.ProcessEnv): AdminConfig {
  const rawUrl = options.url ?? nonEmpty(env.PUSHRAIL_URL) ?? DEFAULT_URL;
  let url: URL;
  try {
    url = new URL(rawUrl);
  } catch {
    throw new UsageError(`--url / PUSHRAIL_URL must be an http(s) URL, got ${JSON.stringify(scrubSecrets(rawUrl))}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new UsageError(`--url / PUSHRAIL_URL must be an http(s) URL, got ${url.protocol} one`);
  }
  const token = nonEmpty(options.token) ?? nonEmpty(env.PUSHRAIL_ADMIN_TOKEN);
  if (token === undefined) {
    throw new UsageError('the admin token is required: set PUSHRAIL_ADMIN_TOKEN (or pass --token)');
  }
  return { url, token };
}

/** `pushrail migrate` talks to the control database directly, like `pnpm migrate`. */
export function resolveDatabaseUrl(env: NodeJS.ProcessEnv): string {
  const url = nonEmpty(env.DATABASE_URL);
  if (url === undefined) throw new UsageError('DATABASE_URL is required (the control database, a postgres:// URL)');
  return url;
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value;
}
