#!/usr/bin/env node
// `pnpm migrate`: applies the control database migrations to DATABASE_URL.
import { exitOnBadConfig, loadMigrateConfig } from '@pushrail/config';
import { scrubSecrets } from '@pushrail/observability';
import { migrate } from './migrate';

async function main(): Promise<void> {
  const { databaseUrl } = exitOnBadConfig('pushrail migrate', () => loadMigrateConfig());
  const applied = await migrate(databaseUrl);
  console.log(applied.length ? `applied migrations: ${applied.join(', ')}` : 'control database is up to date');
}

main().catch((error: unknown) => {
  const message = error instanceof Error ? error.message : String(error);
  console.error(`pushrail migrate: ${scrubSecrets(message)}`);
  process.exit(1);
});
