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
 * Key holding when a destination's batches started failing permanently
 * without a success since, in ms since the epoch (auto-pause reads it). In
 * Redis, not memory, so it survives a lease moving to another worker.
 */
export function failingSinceKey(prefix: string, destinationId: string): string {
  return `${prefix}:failing-since:{${destinationId}}`;
}

/** Score up to which the dead-letter sweeper has mirrored a queue's failed set. */
export function sweptUpToKey(prefix: string, destinationId: string): string {
  return `${prefix}:swept-up-to:{${destinationId}}`;
}

/** The BullMQ key of a queue's failed set. */
export function failedSetKey(prefix: string, destinationId: string): string {
  return `${prefix}:${destinationQueueName(destinationId)}:failed`;
}
