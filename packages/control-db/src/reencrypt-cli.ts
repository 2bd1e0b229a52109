#!/usr/bin/env node
// `pnpm reencrypt`: re-encrypts every destination's secrets under
// PUSHRAIL_ENCRYPTION_KEY, decrypting with it or any of
// PUSHRAIL_ENCRYPTION_OLD_KEYS. The rotation procedure is in SECURITY.md.
import { ConfigError } from '@pushrail/config';
import { scrubSecrets } from '@pushrail/observability';
import { ControlDb } from './control-db';
import { loadReencryptConfig } from './reencrypt-config';
import { reencryptDestinations } from './reencrypt-destinations';

const NAME = 'pnpm reencrypt';

/** Exit codes: 0 all done, 1 some destinations (or the database) failed, 2 bad configuration. */
const EXIT_FAILED = 1;
const EXIT_BAD_CONFIG = 2;

/** Error text without secrets (pg puts the URL's host in its errors, not the password, but be sure). */
function safeMessage(error: unknown): string {
  return scrubSecrets(error instanceof Error ? error.message : String(error));
}

async function main(): Promise<number> {
  let config;
  try {
    config = loadReencryptConfig(process.env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(`${NAME}: ${error.message}`);
    return EXIT_BAD_CONFIG;
  }
  const db = new ControlDb(config.databaseUrl);
  try {
    const report = await reencryptDestinations(db, config.keyring);
    const key = config.keyring.currentKeyId;
    console.log(
      `${NAME}: re-encrypted ${report.reencrypted} destination(s) under key ${key}; ` +
        `${report.alreadyCurrent} already under it; ${report.changedMeanwhile} changed meanwhile; ${report.failed.length} failed`,
    );
    for (const { id, error } of report.failed) console.error(`${NAME}: destination ${id} not re-encrypted: ${error.name}: ${error.message}`);
    if (report.changedMeanwhile > 0) console.error(`${NAME}: destinations changed while this ran; run it again`);
    return report.failed.length > 0 ? EXIT_FAILED : 0;
  } finally {
    await db.close();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`${NAME}: ${safeMessage(error)}`);
    process.exit(EXIT_FAILED);
  },
);
