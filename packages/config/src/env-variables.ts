import type { z } from 'zod';
import { cliEnvSchema } from './cli-config';
import { ingestEnvSchema } from './ingest-config';
import { localStackEnvSchema } from './local-stack-config';
import { migrateEnvSchema } from './migrate-config';
import { reencryptEnvSchema } from './reencrypt-config';
import { workerEnvSchema } from './worker-config';

/** The names of the variables an object schema (or its transform) declares. */
function variablesOf(schema: z.ZodType): string[] {
  let inner: unknown = schema;
  while (inner && !(inner as { shape?: unknown }).shape) inner = (inner as { in?: unknown }).in;
  return Object.keys((inner as { shape: Record<string, unknown> }).shape).sort();
}

/**
 * Every variable each command reads, derived from its schema: what
 * docs/design.md's environment table states and what a deployment may pass.
 * Keyed by the table's column names.
 */
export const ENV_VARIABLES_BY_PROCESS: Readonly<Record<'ingest' | 'worker' | 'migrate' | 'reencrypt' | 'cli' | 'start', readonly string[]>> = {
  ingest: variablesOf(ingestEnvSchema),
  worker: variablesOf(workerEnvSchema),
  migrate: variablesOf(migrateEnvSchema),
  reencrypt: variablesOf(reencryptEnvSchema),
  cli: variablesOf(cliEnvSchema),
  start: variablesOf(localStackEnvSchema('')),
};
