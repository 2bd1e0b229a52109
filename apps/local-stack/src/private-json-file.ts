import fs from 'node:fs';
import path from 'node:path';
import type { z } from 'zod';

/** Owner read/write only: these files hold keys and tokens. */
const PRIVATE_FILE_MODE = 0o600;

/**
 * Reads a JSON file written by {@link writePrivateJsonFile}; undefined when it
 * does not exist. A file that is there but unreadable or of the wrong shape
 * is an error naming the file, never silently replaced: it may hold the only
 * copy of a key.
 */
export function readPrivateJsonFile<S extends z.ZodType>(file: string, schema: S): z.infer<S> | undefined {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new Error(`${file} is not valid JSON; fix or remove it`);
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    const fields = parsed.error.issues.map((issue) => issue.path.join('.') || '(file)').join(', ');
    throw new Error(`${file} does not have the expected fields (${fields}); fix or remove it`);
  }
  return parsed.data;
}

/**
 * Writes `value` as JSON with mode 0600, atomically (a temporary file
 * renamed over the old one), so a crash never leaves half a key behind.
 */
export function writePrivateJsonFile(file: string, value: unknown): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const temporary = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(temporary, `${JSON.stringify(value, null, 2)}\n`, { mode: PRIVATE_FILE_MODE });
  // The mode above is filtered by the umask; say it again to be sure.
  fs.chmodSync(temporary, PRIVATE_FILE_MODE);
  fs.renameSync(temporary, file);
}
