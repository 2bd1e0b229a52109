import type { DestinationStore, LoadedDestination } from '@pushrail/control-db';
import { LRUCache } from 'lru-cache';

/**
 * How long a destination's config is trusted, in milliseconds: a change,
 * pause or delete made through the admin API reaches running consumers within this.
 */
export const DESTINATION_CACHE_TTL_MS = 2_000;

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

  /** The destination, or undefined when it was deleted. Throws when the control database is unreachable. */
  async get(id: string): Promise<LoadedDestination | undefined> {
    return (await this.cache.fetch(id)) || undefined;
  }
}
