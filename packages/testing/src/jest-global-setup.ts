import { startSharedTestServers } from './shared-servers';

/** Jest globalSetup: one PostgreSQL and one Redis for the whole run (see shared-servers.ts). */
export default async function globalSetup(): Promise<void> {
  await startSharedTestServers();
}
