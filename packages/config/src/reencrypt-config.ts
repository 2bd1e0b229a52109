import { z } from 'zod';
import * as f from './env-fields';
import { parseEnv } from './parse-env';

/**
 * `pnpm reencrypt` and `pushrail keys reencrypt`: the control database, the
 * key to re-encrypt under, and the old keys still accepted for decryption.
 */
export const reencryptEnvSchema = z.object(f.controlStoreFields).transform(f.controlStoreOf);

export type ReencryptEnv = z.infer<typeof reencryptEnvSchema>;

export function loadReencryptEnv(env: NodeJS.ProcessEnv = process.env): ReencryptEnv {
  return parseEnv(reencryptEnvSchema, env);
}
