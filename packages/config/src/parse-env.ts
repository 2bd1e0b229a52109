import type { z } from 'zod';
import { ConfigError } from './config-error';

/** Parses `env` with `schema` once, at boot; throws one ConfigError naming every bad variable. */
export function parseEnv<S extends z.ZodType>(schema: S, env: NodeJS.ProcessEnv): z.infer<S> {
  const result = schema.safeParse(env);
  if (!result.success) throw ConfigError.fromZod(result.error);
  return result.data;
}
