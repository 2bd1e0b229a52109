import fs from 'node:fs';
import path from 'node:path';

/** Where Debian's postgresql packages put one directory per major version. */
const DEBIAN_POSTGRES_ROOT = '/usr/lib/postgresql';

/**
 * The `bin` directory of the highest PostgreSQL major installed the Debian
 * way (`/usr/lib/postgresql/<major>/bin`), holding `initdb` and `pg_ctl`.
 * `PUSHRAIL_PG_BIN_DIR` overrides it for machines laid out otherwise.
 */
export function findPostgresBinDir(): string {
  const override = process.env['PUSHRAIL_PG_BIN_DIR'];
  if (override) return override;
  let versions: string[] = [];
  try {
    versions = fs
      .readdirSync(DEBIAN_POSTGRES_ROOT)
      .filter((v) => /^\d+(\.\d+)?$/.test(v) && fs.existsSync(path.join(DEBIAN_POSTGRES_ROOT, v, 'bin', 'pg_ctl')));
  } catch {
    // Directory missing: fall through to the explanatory error.
  }
  versions.sort((a, b) => Number(b) - Number(a));
  const highest = versions[0];
  if (highest === undefined) {
    throw new Error(
      `no PostgreSQL server binaries under ${DEBIAN_POSTGRES_ROOT}/<version>/bin; ` +
        'install them (apt-get install postgresql, or run .ci/run) or set PUSHRAIL_PG_BIN_DIR',
    );
  }
  return path.join(DEBIAN_POSTGRES_ROOT, highest, 'bin');
}
