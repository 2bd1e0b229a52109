import type { z } from 'zod';
import { ConfigError } from './config-error';

/**
 * Parses `env` with `schema` once, at boot; throws one ConfigError naming
 * every bad variable. A blank variable counts as unset (`PORT= pnpm start`
 * means "no PORT"), so it takes the schema's default.
 */
export function parseEnv<S extends z.ZodType>(schema: S, env: NodeJS.ProcessEnv): z.infer<S> {
  const set = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value.trim() !== ''));
  const result = schema.safeParse(set);
  if (!result.success) throw ConfigError.fromZod(result.error);
  return result.data;
}
