import fs from 'node:fs';
import path from 'node:path';
import { findPostgresBinDir } from '@pushrail/testing';

/**
 * How to run psql on this machine: plain `psql` when it is on `PATH`, else
 * the one beside the server binaries (Debian installs the client there
 * too), else plain `psql` for the user to install.
 */
export function findPsql(searchPath: string | undefined): string {
  for (const dir of (searchPath ?? '').split(path.delimiter)) {
    if (dir && isExecutable(path.join(dir, 'psql'))) return 'psql';
  }
  try {
    const beside = path.join(findPostgresBinDir(), 'psql');
    if (isExecutable(beside)) return beside;
  } catch {
    // No server binaries either: the user will need a client.
  }
  return 'psql';
}

function isExecutable(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return true;
  } catch {
    return false;
  }
}
