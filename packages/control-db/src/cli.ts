#!/usr/bin/env node
// `pnpm migrate`: applies the control database migrations to DATABASE_URL.
// `pnpm migrate --status`: lists applied and pending migrations, changing nothing.
import { exitOnBadConfig, loadMigrateConfig } from '@pushrail/config';
import { scrubSecrets } from '@pushrail/observability';
import { migrate, migrationStatusAt } from './migrate';
import { formatMigrationStatus } from './migration-status-text';

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const unknown = args.filter((a) => a !== '--status');
  if (unknown.length > 0) {
    console.error(`pushrail migrate: unknown argument ${unknown[0]} (the only one is --status)`);
    process.exit(2);
  }
  const { databaseUrl } = exitOnBadConfig('pushrail migrate', () => loadMigrateConfig());
  if (args.includes('--status')) {
    const statuses = await migrationStatusAt(databaseUrl);
    console.log(formatMigrationStatus(statuses));
    // A script can tell: 1 when the files and the database disagree.
    if (statuses.some((m) => m.state === 'changed' || m.state === 'missing')) process.exitCode = 1;
    return;
  }
  const applied = await migrate(databaseUrl);
  console.log(applied.length ? `applied migrations: ${applied.join(', ')}` : 'control database is up to date');
}

main().catch((error: unknown) => {
  const message = error instanceof Error ? error.message : String(error);
  console.error(`pushrail migrate: ${scrubSecrets(message)}`);
  process.exit(1);
});
