import { tenantRateBucketKey } from '@pushrail/queue';
import type { Redis } from 'ioredis';

/**
 * A token bucket per tenant in Redis, shared by every ingest process: it
 * fills at `rate` tokens a second up to `rate` (a burst of at most one
 * second's worth); an event takes one token. A request larger than the bucket
 * (a batch of 1,000 at 100/s) passes only on a full bucket and leaves it in
 * debt, so the tenant's long-run rate still holds.
 *
 * Written as one Lua script rather than with rate-limiter-flexible: its
 * limiters count fixed windows (a burst of twice the rate across a window
 * edge), and this is the token bucket the contract names, in one round trip,
 * with Redis's own clock so every process agrees.
 *
 * KEYS[1] bucket hash {tokens, at}; ARGV[1] rate (tokens/s), ARGV[2] cost.
 * Returns 0 when allowed, else the milliseconds until the request would pass.
 */
const TAKE_TOKENS = `
local rate = tonumber(ARGV[1])
local cost = tonumber(ARGV[2])
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local state = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens = tonumber(state[1])
local at = tonumber(state[2])
if tokens == nil then tokens = rate; at = now end
tokens = math.min(rate, tokens + (now - at) * rate / 1000)
local needed = math.min(cost, rate)
if tokens >= needed then
  tokens = tokens - cost
  redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', tostring(now))
  redis.call('PEXPIRE', KEYS[1], 60000)
  return 0
end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', tostring(now))
redis.call('PEXPIRE', KEYS[1], 60000)
return math.ceil((needed - tokens) * 1000 / rate)
`;

export interface RateDecision {
  allowed: boolean;
  /** When refused: seconds until a retry would pass (for Retry-After). */
  retryAfterSec: number;
}

/** Per-tenant rate limits; a tenant without `rateLimitPerSec` is never limited. */
export class TenantRateLimiter {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  async take(tenantId: string, rateLimitPerSec: number | null, events: number): Promise<RateDecision> {
    if (rateLimitPerSec === null) return { allowed: true, retryAfterSec: 0 };
    const waitMs = Number(await this.redis.eval(TAKE_TOKENS, 1, tenantRateBucketKey(this.prefix, tenantId), rateLimitPerSec, events));
    return waitMs === 0 ? { allowed: true, retryAfterSec: 0 } : { allowed: false, retryAfterSec: Math.max(1, Math.ceil(waitMs / 1000)) };
  }
}
