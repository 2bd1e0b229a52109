import { stopSharedTestServers } from './shared-servers';

/** Jest globalTeardown: destroys the servers globalSetup started. */
export default async function globalTeardown(): Promise<void> {
  await stopSharedTestServers();
}
