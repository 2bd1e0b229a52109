import type { Command } from 'commander';
import type { CliContext } from '../context';
import { CliError, parseConfigOrUsageError } from '../errors';
import { registerWriteKeyList } from './write-key-list';

/**
 * `pushrail keys reencrypt`: after a rotation of PUSHRAIL_ENCRYPTION_KEY
 * (old key moved to PUSHRAIL_ENCRYPTION_OLD_KEYS), re-encrypts every
 * destination's secrets under the new key, straight against DATABASE_URL.
 * The procedure is in SECURITY.md.
 */
export function registerKeys(program: Command, ctx: CliContext): void {
  const keys = program.command('keys').description("encryption keys of destination credentials (reencrypt), and tenants' write keys (list)");
  registerWriteKeyList(keys, ctx);
  keys
    .command('reencrypt')
    .description('re-encrypt every destination under PUSHRAIL_ENCRYPTION_KEY (reads DATABASE_URL, PUSHRAIL_ENCRYPTION_OLD_KEYS)')
    .action(async () => {
      // Loaded here, not at the top: pg and the destination packages cost every other command ~100 ms of start-up.
      const { ControlDb, loadReencryptConfig, reencryptDestinations } = await import('@pushrail/control-db');
      const config = parseConfigOrUsageError(() => loadReencryptConfig(ctx.env));
      const db = new ControlDb(config.databaseUrl);
      try {
        const report = await reencryptDestinations(db, config.keyring);
        ctx.output.line(
          `re-encrypted ${report.reencrypted} destination(s) under key ${config.keyring.currentKeyId}; ` +
            `${report.alreadyCurrent} already under it; ${report.changedMeanwhile} changed meanwhile; ${report.failed.length} failed`,
        );
        if (report.failed.length > 0) {
          throw new CliError(`${report.failed.length} destination(s) not re-encrypted: ${report.failed.map((f) => `${f.id} (${f.error.name})`).join(', ')}`);
        }
      } finally {
        await db.close();
      }
    });
}
