import type { ControlDb, WriteKeyOwner } from '@pushrail/control-db';
import { hashSecret, parseBearerToken } from '@pushrail/crypto';
import { LRUCache } from 'lru-cache';
import { HttpError } from './http-errors';

/**
 * How long a key lookup is trusted, in milliseconds. A revoked key stops
 * working on every ingest process within this, without any signalling
 * between processes (the contract says within 1 second).
 */
const WRITE_KEY_CACHE_TTL_MS = 500;

/** Maps `Authorization: Bearer <write key>` to its tenant, with a short cache. */
export class WriteKeyAuthenticator {
  private readonly cache: LRUCache<string, WriteKeyOwner | false>;

  constructor(db: ControlDb) {
    this.cache = new LRUCache<string, WriteKeyOwner | false>({
      max: 10_000,
      ttl: WRITE_KEY_CACHE_TTL_MS,
      // Unknown keys are cached too (as false), so a flood of bad keys costs one query each per TTL.
      fetchMethod: async (hash) => (await db.findWriteKeyOwner(hash)) ?? false,
    });
  }

  async authenticate(authorization: string | undefined): Promise<WriteKeyOwner> {
    return this.authenticateKey(parseBearerToken(authorization), 'missing write key: send Authorization: Bearer <write key>');
  }

  /** The owner of a write key however it came (Bearer, or Basic user name on the Segment routes); `missing` is the 401's message without one. */
  async authenticateKey(key: string | undefined, missing: string, headers: Record<string, string> = {}): Promise<WriteKeyOwner> {
    if (!key) throw new HttpError('unauthorized', missing, {}, headers);
    const owner = await this.cache.fetch(hashSecret(key));
    if (!owner) throw new HttpError('unauthorized', 'unknown or revoked write key', {}, headers);
    return owner;
  }

  /**
   * Drops a revoked key from this process's cache, so it stops working here
   * at once; other processes stop trusting it within WRITE_KEY_CACHE_TTL_MS.
   * The cache is keyed by hash and a revoke names the key id, hence the scan
   * (at most `max` entries, on a rare admin call).
   */
  forgetKey(keyId: string): void {
    const hashes: string[] = [];
    this.cache.forEach((owner, hash) => {
      if (owner && owner.keyId === keyId) hashes.push(hash);
    });
    for (const hash of hashes) this.cache.delete(hash);
  }
}
