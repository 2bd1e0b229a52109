import type { DestinationStore, LoadedDestination } from '@pushrail/control-db';
import { DecryptionFailedError, InvalidEncryptionKeyError, UnknownEncryptionKeyError } from '@pushrail/crypto';
import { LRUCache } from 'lru-cache';
import { ZodError } from 'zod';

/**
 * How long a destination's config is trusted, in milliseconds: a change,
 * pause or delete made through the admin API reaches running consumers within this.
 */
const DESTINATION_CACHE_TTL_MS = 2_000;

/**
 * One destination's stored config cannot be read (a tampered ciphertext, a
 * key no longer configured, a config its schema refuses): a fault of that
 * destination, not of the control database, so the others go on.
 */
export class UnloadableDestinationError extends Error {
  override readonly name = 'UnloadableDestinationError';
  constructor(
    readonly destinationId: string,
    cause: Error,
  ) {
    super(`destination ${destinationId} cannot be loaded: ${cause.message}`, { cause });
  }
}

/** Whether a load failure concerns the destination's own stored config. */
function isConfigFault(error: unknown): error is Error {
  return (
    error instanceof DecryptionFailedError ||
    error instanceof UnknownEncryptionKeyError ||
    error instanceof InvalidEncryptionKeyError ||
    error instanceof ZodError
  );
}

/** Destinations with their secrets, read from the control database and cached briefly. */
export class DestinationDirectory {
  private readonly cache: LRUCache<string, LoadedDestination | false>;

  constructor(store: DestinationStore) {
    this.cache = new LRUCache<string, LoadedDestination | false>({
      max: 10_000,
      ttl: DESTINATION_CACHE_TTL_MS,
      fetchMethod: async (id) => (await store.load(id)) ?? false,
    });
  }

  /**
   * The destination, or undefined when it was deleted. Throws
   * UnloadableDestinationError when its stored config cannot be read, and
   * the database's own error when the control database is unreachable.
   */
  async get(id: string): Promise<LoadedDestination | undefined> {
    try {
      return (await this.cache.fetch(id)) || undefined;
    } catch (error) {
      throw isConfigFault(error) ? new UnloadableDestinationError(id, error) : error;
    }
  }
}
