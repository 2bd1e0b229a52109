import type { CliEnv } from '@pushrail/config';
import { scrubSecrets } from '@pushrail/observability';
import { UsageError } from './errors';

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
 * The admin API's address and token: a flag wins over its variable, the
 * variable over the schema's default (@pushrail/config's cliEnvSchema, the
 * environment parsed once). The token is required and never echoed back in
 * any message.
 */
export function resolveAdminConfig(options: GlobalOptions, env: CliEnv): AdminConfig {
  const rawUrl = nonEmpty(options.url) ?? env.url;
  let url: URL;
  try {
    url = new URL(rawUrl);
  } catch {
    throw new UsageError(`--url / PUSHRAIL_URL must be an http(s) URL, got ${JSON.stringify(scrubSecrets(rawUrl))}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new UsageError(`--url / PUSHRAIL_URL must be an http(s) URL, got ${url.protocol} one`);
  }
  const token = nonEmpty(options.token) ?? env.adminToken;
  if (token === undefined) {
    throw new UsageError('the admin token is required: set PUSHRAIL_ADMIN_TOKEN (or pass --token)');
  }
  return { url, token };
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value;
}
