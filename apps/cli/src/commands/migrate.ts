import type { Command } from 'commander';
import { loadMigrateConfig } from '@pushrail/config';
import type { CliContext } from '../context';
import { CliError, parseConfigOrUsageError } from '../errors';

/** `pushrail migrate [--status]`: the control database migrations, straight against DATABASE_URL (no API involved). */
export function registerMigrate(program: Command, ctx: CliContext): void {
  program
    .command('migrate')
    .description('apply the control database migrations to DATABASE_URL (--status: list applied and pending ones, change nothing)')
    .option('--status', 'list every migration: applied, pending, or changed since it was applied')
    .action(async (options: { status?: boolean }) => {
      const { databaseUrl } = parseConfigOrUsageError(() => loadMigrateConfig(ctx.env));
      // Loaded here, not at the top: pg and the destination packages cost every other command ~100 ms of start-up.
      const { formatMigrationStatus, migrate, migrationStatusAt } = await import('@pushrail/control-db');
      if (options.status) {
        const statuses = await migrationStatusAt(databaseUrl);
        ctx.output.line(formatMigrationStatus(statuses));
        const disagree = statuses.filter((m) => m.state === 'changed' || m.state === 'missing');
        if (disagree.length > 0) throw new CliError(`${disagree.length} migration(s) differ from the files here: ${disagree.map((m) => `${m.version} ${m.state}`).join(', ')}`);
        return;
      }
      const applied = await migrate(databaseUrl);
      ctx.output.line(applied.length > 0 ? `applied migrations: ${applied.join(', ')}` : 'the control database is up to date');
    });
}
