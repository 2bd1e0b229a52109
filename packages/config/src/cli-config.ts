import { z } from 'zod';
import * as f from './env-fields';
import { parseEnv } from './parse-env';

/** Where the CLI finds the admin API when neither `--url` nor PUSHRAIL_URL says otherwise (ingest's default port). */
export const DEFAULT_ADMIN_URL = `http://127.0.0.1:${f.DEFAULT_INGEST_PORT}`;

/**
 * `pnpm pushrail`'s admin commands. Both may also come from flags (`--url`,
 * `--token`), which win, so the token is optional here and the CLI says
 * which to set when neither gives it.
 */
export const cliEnvSchema = z
  .object({
    PUSHRAIL_URL: z.string().default(DEFAULT_ADMIN_URL),
    PUSHRAIL_ADMIN_TOKEN: z.string().optional(),
  })
  .transform((env) => ({ url: env.PUSHRAIL_URL, adminToken: env.PUSHRAIL_ADMIN_TOKEN }));

export type CliEnv = z.infer<typeof cliEnvSchema>;

export function loadCliEnv(env: NodeJS.ProcessEnv = process.env): CliEnv {
  return parseEnv(cliEnvSchema, env);
}
