import { z } from 'zod';
import * as f from './env-fields';
import { parseEnv } from './parse-env';

/** `pnpm migrate` and `pushrail migrate`: the control database, nothing else. */
export const migrateEnvSchema = z.object({ DATABASE_URL: f.databaseUrl }).transform((env) => ({ databaseUrl: env.DATABASE_URL }));

export type MigrateConfig = z.infer<typeof migrateEnvSchema>;

export function loadMigrateConfig(env: NodeJS.ProcessEnv = process.env): MigrateConfig {
  return parseEnv(migrateEnvSchema, env);
}
