import type { Cluster, Redis } from 'ioredis';

/**
 * Resolves once the connection is ready for commands, or false after
 * `timeoutMs`. The producer connection refuses commands while it is not
 * connected (so requests fail fast with a 503), so a process waits for it at
 * boot before it takes traffic.
 */
export async function waitUntilReady(redis: Redis | Cluster, timeoutMs: number): Promise<boolean> {
  if (redis.status === 'ready') return true;
  return new Promise<boolean>((resolve) => {
    const timer = setTimeout(() => {
      redis.off('ready', onReady);
      resolve(false);
    }, timeoutMs);
    const onReady = () => {
      clearTimeout(timer);
      resolve(true);
    };
    redis.once('ready', onReady);
  });
}
