#!/usr/bin/env node
// `pnpm migrate`: applies the control database migrations to DATABASE_URL.
import { migrate } from './migrate';

async function main(): Promise<void> {
  const url = process.env.DATABASE_URL;
  if (!url) {
    console.error('pushrail migrate: DATABASE_URL is required (the control database, a postgres:// URL)');
    process.exit(2);
  }
  const applied = await migrate(url);
  console.log(applied.length ? `applied migrations: ${applied.join(', ')}` : 'control database is up to date');
}

main().catch((error: unknown) => {
  const message = error instanceof Error ? error.message : String(error);
  console.error(`pushrail migrate: ${message.replace(/\/\/[^@\s]*@/g, '//[REDACTED]@')}`);
  process.exit(1);
});
