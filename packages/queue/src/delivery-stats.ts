import type { Cluster, Redis } from 'ioredis';
import { deliveryCountsKey, deliveryLastKey } from './redis-keys';

/**
 * Per-destination delivery figures kept in Redis as deliveries happen, so a
 * destination's status is read without scanning anything (docs/operations.md):
 * events delivered and dead-lettered per 10-minute bucket, when it last
 * delivered, and its last error. A worker writes them with ONE script call
 * per batch (never per event); ingest reads them with two HGETALLs.
 */

/** Width of a counting bucket, in milliseconds (10 minutes). */
export const STATS_BUCKET_MS = 600_000;

/** Buckets in the rolling window the `…24h` figures sum: 144 × 10 min = 24 h. */
export const STATS_WINDOW_BUCKETS = 144;

/** How long a destination's figures outlive its last write, in seconds (30 days): a deleted destination's keys go away. */
const STATS_TTL_SEC = 30 * 24 * 3600;

/** Longest error message kept as `lastError`, in characters. */
const MAX_ERROR_MESSAGE = 1_000;

/** The last error a destination's delivery met, as its status shows it (the message is already scrubbed of secrets). */
export interface DeliveryErrorNote {
  at: string;
  kind: string;
  code: string | null;
  message: string;
}

/** What {@link DeliveryStats.read} returns for one destination. */
export interface DeliveryFigures {
  lastDeliveredAt: Date | null;
  lastError: DeliveryErrorNote | null;
  /** Events written in the last 24 hours (to the 10-minute bucket). */
  delivered24h: number;
  /** Events dead-lettered in the last 24 hours (to the 10-minute bucket). */
  deadLettered24h: number;
}

/**
 * KEYS[1] counts, KEYS[2] last; ARGV: bucket, delivered, dead-lettered,
 * now (ms), error JSON or '', window buckets, ttl (s).
 *
 * Pruning keeps the counts hash at most one window of buckets: each call
 * deletes the buckets that left the window since the last call (`p`); after
 * an idle gap longer than the window every bucket is stale, and the hash is
 * dropped whole. So a call does O(1) work on average, at most one window's.
 */
const RECORD_SCRIPT = `
local bucket = tonumber(ARGV[1])
local delivered = tonumber(ARGV[2])
local dead = tonumber(ARGV[3])
local window = tonumber(ARGV[6])
local ttl = tonumber(ARGV[7])
local oldest = bucket - window
local pruned = tonumber(redis.call('HGET', KEYS[1], 'p') or oldest)
if pruned < oldest then
  if oldest - pruned > window then
    redis.call('DEL', KEYS[1])
  else
    for b = pruned + 1, oldest do redis.call('HDEL', KEYS[1], 'd' .. b, 'x' .. b) end
  end
end
redis.call('HSET', KEYS[1], 'p', math.max(pruned, oldest))
if delivered > 0 then
  redis.call('HINCRBY', KEYS[1], 'd' .. bucket, delivered)
  redis.call('HSET', KEYS[2], 'deliveredAt', ARGV[4])
end
if dead > 0 then redis.call('HINCRBY', KEYS[1], 'x' .. bucket, dead) end
if ARGV[5] ~= '' then redis.call('HSET', KEYS[2], 'error', ARGV[5]) end
redis.call('EXPIRE', KEYS[1], ttl)
if redis.call('EXISTS', KEYS[2]) == 1 then redis.call('EXPIRE', KEYS[2], ttl) end
return 1
`;

const COMMAND = 'pushrailRecordDelivery';

type WithRecordCommand = { [COMMAND]: (counts: string, last: string, ...args: Array<string | number>) => Promise<number> };

/** One entry of a batch's outcome for {@link DeliveryStats.record}. */
export interface DeliveryOutcome {
  delivered?: number;
  deadLettered?: number;
  error?: { kind: string; code?: string | null | undefined; message: string };
}

/** The figures of {@link deliveryCountsKey} and {@link deliveryLastKey}: written by workers, read by ingest. */
export class DeliveryStats {
  constructor(
    private readonly redis: Redis | Cluster,
    private readonly prefix: string,
  ) {
    // defineCommand sends EVALSHA, falling back to EVAL once per connection; defined once per connection.
    if (!(COMMAND in redis)) redis.defineCommand(COMMAND, { numberOfKeys: 2, lua: RECORD_SCRIPT });
  }

  /** Records one batch's outcome for a destination: one round trip. */
  async record(destinationId: string, outcome: DeliveryOutcome, now = Date.now()): Promise<void> {
    const delivered = outcome.delivered ?? 0;
    const deadLettered = outcome.deadLettered ?? 0;
    if (delivered <= 0 && deadLettered <= 0 && !outcome.error) return;
    const error = outcome.error
      ? JSON.stringify({
          at: new Date(now).toISOString(),
          kind: outcome.error.kind,
          code: outcome.error.code ?? null,
          message: outcome.error.message.slice(0, MAX_ERROR_MESSAGE),
        } satisfies DeliveryErrorNote)
      : '';
    await (this.redis as unknown as WithRecordCommand)[COMMAND](
      deliveryCountsKey(this.prefix, destinationId),
      deliveryLastKey(this.prefix, destinationId),
      Math.floor(now / STATS_BUCKET_MS),
      delivered,
      deadLettered,
      now,
      error,
      STATS_WINDOW_BUCKETS,
      STATS_TTL_SEC,
    );
  }

  /** The figures of many destinations; the commands go out together, so ioredis pipelines them. */
  async read(destinationIds: readonly string[], now = Date.now()): Promise<Map<string, DeliveryFigures>> {
    const firstBucket = Math.floor(now / STATS_BUCKET_MS) - STATS_WINDOW_BUCKETS + 1;
    const entries = await Promise.all(
      destinationIds.map(async (id) => {
        const [counts, last] = await Promise.all([
          this.redis.hgetall(deliveryCountsKey(this.prefix, id)),
          this.redis.hgetall(deliveryLastKey(this.prefix, id)),
        ]);
        const figures: DeliveryFigures = {
          lastDeliveredAt: last.deliveredAt ? new Date(Number(last.deliveredAt)) : null,
          lastError: last.error ? parseErrorNote(last.error) : null,
          delivered24h: sumBuckets(counts, 'd', firstBucket),
          deadLettered24h: sumBuckets(counts, 'x', firstBucket),
        };
        return [id, figures] as const;
      }),
    );
    return new Map(entries);
  }
}

function sumBuckets(counts: Record<string, string>, kind: 'd' | 'x', firstBucket: number): number {
  let total = 0;
  for (const [field, value] of Object.entries(counts)) {
    if (field[0] === kind && Number(field.slice(1)) >= firstBucket) total += Number(value);
  }
  return total;
}

function parseErrorNote(text: string): DeliveryErrorNote | null {
  try {
    const note = JSON.parse(text) as DeliveryErrorNote;
    return typeof note.message === 'string' && typeof note.kind === 'string' ? note : null;
  } catch {
    return null;
  }
}
