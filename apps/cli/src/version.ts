import { readFileSync } from 'node:fs';
import path from 'node:path';

/** This CLI's version: its package.json's, the same from src/ (tests) and dist/. */
export const CLI_VERSION: string = (JSON.parse(readFileSync(path.join(__dirname, '..', 'package.json'), 'utf8')) as { version: string }).version;
