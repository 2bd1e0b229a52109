import { QueueKeys } from 'bullmq';

/**
 * Every Redis key name Pushrail uses, in one place. Each key starts with the
 * deployment's prefix (PUSHRAIL_REDIS_PREFIX). A key about one destination
 * or tenant carries its id in a `{…}` hash tag, so on a Redis Cluster it
 * lives in the same slot as that destination's queue and a Lua script or
 * MULTI may touch both.
 */

/**
 * The queue of one destination. No `:` (BullMQ refuses it), and a `{…}` hash
 * tag around the id so every key of one queue lives in one Redis Cluster slot
 * while different destinations spread over the shards.
 */
export function destinationQueueName(destinationId: string): string {
  return `dest-{${destinationId}}`;
}

/** The destination id of a queue name, or undefined for other queues. */
export function destinationIdOfQueue(queueName: string): string | undefined {
  return /^dest-\{([^{}]+)\}$/.exec(queueName)?.[1];
}

/** BullMQ's own keys of a destination's queue (`wait`, `active`, `failed`…), named as BullMQ names them. */
export function destinationQueueKeys(prefix: string, destinationId: string): Record<string, string> {
  return new QueueKeys(prefix).getKeys(destinationQueueName(destinationId));
}

/** The BullMQ key of a queue's failed set. */
export function failedSetKey(prefix: string, destinationId: string): string {
  return destinationQueueKeys(prefix, destinationId).failed!;
}

/**
 * Key of the sorted set of destinations that have (or will have) work: member
 * = destination id, score = when its work is ready, in ms since the epoch
 * (0 = now). Ingest adds; workers lease from it (see worker's destination-leases).
 */
export function workIndexKey(prefix: string): string {
  return `${prefix}:destinations-with-work`;
}

/** Key of the lease a worker holds on one destination; the hash tag keeps it beside the queue. */
export function leaseKey(prefix: string, destinationId: string): string {
  return `${prefix}:lease:{${destinationId}}`;
}

/**
 * Key of the sorted set of live worker processes: member = worker id, score =
 * its last heartbeat, in ms since the epoch.
 */
export function liveWorkersKey(prefix: string): string {
  return `${prefix}:workers`;
}

/**
 * Key holding when a destination's batches started failing permanently
 * without a success since, in ms since the epoch (auto-pause reads it). In
 * Redis, not memory, so it survives a lease moving to another worker.
 */
export function failingSinceKey(prefix: string, destinationId: string): string {
  return `${prefix}:failing-since:{${destinationId}}`;
}

/** Key counting a destination's transient backoff rounds in a row (drives the exponential delay). */
export function backoffRoundsKey(prefix: string, destinationId: string): string {
  return `${prefix}:backoff-rounds:{${destinationId}}`;
}

/** Key that exists while a destination's backoff round is running: the first failure of a round claims it. */
export function backoffRoundKey(prefix: string, destinationId: string): string {
  return `${prefix}:backoff-round:{${destinationId}}`;
}

/** Score up to which the dead-letter sweeper has mirrored a queue's failed set. */
export function sweptUpToKey(prefix: string, destinationId: string): string {
  return `${prefix}:swept-up-to:{${destinationId}}`;
}

/** Lock held by the one worker of the fleet running the dead-letter sweeper. */
export function deadLetterSweeperLockKey(prefix: string): string {
  return `${prefix}:dead-letter-sweeper`;
}

/** Lock held by the one worker of the fleet running the work-index audit. */
export function workIndexAuditLockKey(prefix: string): string {
  return `${prefix}:work-index-audit`;
}

/** A tenant's rate-limit token bucket (a hash: tokens, at), shared by every ingest process. */
export function tenantRateBucketKey(prefix: string, tenantId: string): string {
  return `${prefix}:rate:{${tenantId}}`;
}

/**
 * BullMQ's rate-limit key of a destination's queue. A destination is backed
 * off as a whole with `queue.rateLimit(ms)`, which stores
 * Number.MAX_SAFE_INTEGER here for that long; the limiter's own counting
 * never comes near it (the worker's LIMITER ceiling is 1,000,000 a second).
 */
export function queueLimiterKey(prefix: string, destinationId: string): string {
  return destinationQueueKeys(prefix, destinationId).limiter!;
}

/**
 * A destination's delivery counters for its status (delivery-stats.ts): a
 * hash of `d<bucket>` delivered and `x<bucket>` dead-lettered per 10-minute
 * bucket, and `p`, the bucket pruned up to.
 */
export function deliveryCountsKey(prefix: string, destinationId: string): string {
  return `${prefix}:delivery-counts:{${destinationId}}`;
}

/** A destination's latest delivery facts for its status: a hash of `deliveredAt` (ms since the epoch) and `error` (JSON). */
export function deliveryLastKey(prefix: string, destinationId: string): string {
  return `${prefix}:delivery-last:{${destinationId}}`;
}
