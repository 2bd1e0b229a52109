import { leaseKey, liveWorkersKey } from '@pushrail/queue';
import type { Redis } from 'ioredis';

/** How long a lease lasts without renewal, in milliseconds: a dead worker's destinations free up within this. */
export const LEASE_TTL_MS = 10_000;

/** How often a held lease is renewed, in milliseconds. */
export const LEASE_RENEW_INTERVAL_MS = 3_000;

/** Renews the lease only if this worker still holds it. */
const RENEW_IF_OWNER = `
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return 0`;

/** Deletes the lease only if this worker still holds it. */
const RELEASE_IF_OWNER = `
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0`;

/**
 * Leases on destinations, one holder at a time across the fleet: a worker
 * delivers to a destination only while it holds its lease, so the fleet's
 * connections to one database are bounded by that destination's
 * `maxConnections`, however many workers run.
 */
export class DestinationLeases {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    readonly workerId: string,
  ) {}

  async acquire(destinationId: string): Promise<boolean> {
    const reply = await this.redis.set(leaseKey(this.prefix, destinationId), this.workerId, 'PX', LEASE_TTL_MS, 'NX');
    return reply === 'OK';
  }

  /** False when the lease was lost (expired and taken by another worker). */
  async renew(destinationId: string): Promise<boolean> {
    const reply = await this.redis.eval(RENEW_IF_OWNER, 1, leaseKey(this.prefix, destinationId), this.workerId, LEASE_TTL_MS);
    return reply === 1;
  }

  /** The worker id holding the lease now, or null when nobody does. */
  holder(destinationId: string): Promise<string | null> {
    return this.redis.get(leaseKey(this.prefix, destinationId));
  }

  async release(destinationId: string): Promise<void> {
    await this.redis.eval(RELEASE_IF_OWNER, 1, leaseKey(this.prefix, destinationId), this.workerId);
  }

  /** Says this worker is alive (every renewal), and forgets workers silent for a lease's lifetime (their leases have run out too). */
  async heartbeat(now = Date.now()): Promise<void> {
    const key = liveWorkersKey(this.prefix);
    await this.redis.zadd(key, now, this.workerId);
    await this.redis.zremrangebyscore(key, '-inf', now - LEASE_TTL_MS);
  }

  /** Worker processes alive now, this one included (at least 1). */
  async liveWorkers(now = Date.now()): Promise<number> {
    return Math.max(1, await this.redis.zcount(liveWorkersKey(this.prefix), now - LEASE_TTL_MS, '+inf'));
  }

  /** Leaves the fleet (a graceful stop), so the others' shares grow at once. */
  async leave(): Promise<void> {
    await this.redis.zrem(liveWorkersKey(this.prefix), this.workerId);
  }
}
