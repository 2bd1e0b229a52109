import type { Command } from 'commander';
import { loadMigrateConfig } from '@pushrail/config';
import type { CliContext } from '../context';
import { parseConfigOrUsageError } from '../errors';

/** `pushrail migrate`: the control database migrations, straight against DATABASE_URL (no API involved). */
export function registerMigrate(program: Command, ctx: CliContext): void {
  program
    .command('migrate')
    .description('apply the control database migrations to DATABASE_URL')
    .action(async () => {
      const { databaseUrl } = parseConfigOrUsageError(() => loadMigrateConfig(ctx.env));
      // Loaded here, not at the top: pg and the destination packages cost every other command ~100 ms of start-up.
      const { migrate } = await import('@pushrail/control-db');
      const applied = await migrate(databaseUrl);
      ctx.output.line(applied.length > 0 ? `applied migrations: ${applied.join(', ')}` : 'the control database is up to date');
    });
}
