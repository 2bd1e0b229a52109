#!/usr/bin/env node
// `pushrail …` (the package's bin; `pnpm pushrail …` from the repository).
import { run } from './program';

// A reader that stops early (`pushrail dead-letters list | head`) is not an error.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
});

void run(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr }, process.env).then((code) => {
  // exitCode, not exit(): a large table piped to another process is written out in full first.
  process.exitCode = code;
});
