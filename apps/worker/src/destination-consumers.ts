import { workIndexKey, destinationQueueName } from '@pushrail/queue';
import type { Logger } from '@pushrail/observability';
import { toError } from '@pushrail/observability';
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { DestinationConsumer, type ConsumerDeps } from './destination-consumer';
import { UnloadableDestinationError, type DestinationDirectory } from './destination-directory';
import { LEASE_RENEW_INTERVAL_MS, type DestinationLeases } from './destination-leases';
import { jobConcurrencyFor } from './job-budget';
import { restoreWorkIndexEntry } from './work-index-entry';

export interface FleetOptions {
  /** Destinations this process delivers to at once; bounds its connections. */
  maxDestinations: number;
  /** How often the work index is read for destinations to lease, in milliseconds. */
  pollIntervalMs: number;
  /** A consumer with nothing to do for this long gives its lease back, in milliseconds. */
  idleReleaseMs: number;
  /**
   * Least time a destination is held before it may be handed to another
   * worker, in milliseconds. Then a process gives back the destination it
   * has held longest when it holds more than its fair share (another worker
   * joined), or when it is at `maxDestinations` and another destination
   * waits unleased. Without it a destination that never runs dry keeps its
   * slot forever: a late worker gets nothing, and when destinations outnumber
   * the fleet's slots the waiting ones (say, a dead worker's) are never served.
   */
  maxHoldMs: number;
}

export const DEFAULT_FLEET_OPTIONS: Omit<FleetOptions, 'maxDestinations'> = { pollIntervalMs: 200, idleReleaseMs: 2_000, maxHoldMs: 10_000 };

/** Unleased candidates looked at when deciding whether a destination waits for a slot. */
const WAITING_PROBE = 16;

/** How long a destination whose config cannot be read is left alone before the next try, in milliseconds. */
const UNLOADABLE_RETRY_MS = 30_000;

function shuffle<T>(items: T[]): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
  return items;
}

/**
 * The destinations this worker process delivers to. It leases destinations
 * that have work (the work index ingest writes), runs one consumer for each
 * it holds (at most `maxDestinations`), follows config changes, pauses and
 * deletes, and gives a lease back when the queue runs dry. A worker that dies
 * stops renewing; its leases expire and other workers take the destinations.
 */
export class DestinationConsumers {
  private readonly held = new Map<string, DestinationConsumer>();
  /** Destinations whose config could not be read, and until when they are skipped (ms since the epoch). */
  private readonly unloadableUntil = new Map<string, number>();
  /** When this process leased each destination it holds, in ms since the epoch (a config restart keeps it). */
  private readonly leasedAt = new Map<string, number>();
  /** When this process last said it is alive, in ms since the epoch (0: not yet). */
  private lastHeartbeatAt = 0;
  private tickTimer: NodeJS.Timeout | undefined;
  private renewTimer: NodeJS.Timeout | undefined;
  private running = false;
  private ticking: Promise<void> = Promise.resolve();
  /** Set once a tick reached Redis and the control database; readiness reports it. */
  lastTickOk = false;

  constructor(
    private readonly deps: {
      redis: Redis;
      prefix: string;
      leases: DestinationLeases;
      directory: DestinationDirectory;
      consumerDeps: ConsumerDeps;
      logger: Logger;
    },
    private readonly options: FleetOptions,
  ) {}

  /** Destination ids this process holds now. */
  heldDestinations(): string[] {
    return [...this.held.keys()];
  }

  consumer(destinationId: string): DestinationConsumer | undefined {
    return this.held.get(destinationId);
  }

  start(): void {
    this.running = true;
    const loop = () => {
      if (!this.running) return;
      this.ticking = this.tick().finally(() => {
        if (this.running) this.tickTimer = setTimeout(loop, this.options.pollIntervalMs);
      });
    };
    loop();
    this.renewTimer = setInterval(() => void this.renewAll(), LEASE_RENEW_INTERVAL_MS);
  }

  private async tick(): Promise<void> {
    try {
      if (Date.now() - this.lastHeartbeatAt >= LEASE_RENEW_INTERVAL_MS) {
        await this.deps.leases.heartbeat();
        this.lastHeartbeatAt = Date.now();
      }
      await this.maintainHeld();
      await this.acquireNew();
      this.lastTickOk = true;
    } catch (error) {
      this.lastTickOk = false;
      this.deps.logger.warn({ err: toError(error) }, 'destination supervisor tick failed; retrying');
    }
  }

  private async maintainHeld(): Promise<void> {
    for (const [id, consumer] of [...this.held]) {
      const loaded = await this.deps.directory.get(id);
      if (!loaded) {
        this.deps.logger.info({ destinationId: id }, 'destination deleted; stopping its consumer');
        await this.dropConsumer(id);
        await this.forgetDeleted(id);
        await this.deps.leases.release(id);
      } else if (loaded.record.updatedAt.getTime() !== consumer.version) {
        this.deps.logger.info({ destinationId: id }, 'destination changed; restarting its consumer with the new config');
        await this.dropConsumer(id, true);
        this.startConsumer(loaded);
      } else if (consumer.idleForMs() >= this.options.idleReleaseMs) {
        await this.release(id);
      }
    }
  }

  private async acquireNew(): Promise<void> {
    const share = await this.fairShare();
    const rotatedOut = this.held.size > share || this.held.size >= this.options.maxDestinations ? await this.rotate(share) : undefined;
    let free = Math.min(share, this.options.maxDestinations) - this.held.size;
    if (free <= 0) return;
    const ready = await this.readyDestinations(free * 4 + this.held.size);
    // The destination just given back is not taken again at once: it was given back for another.
    for (const id of shuffle(ready.filter((candidate) => !this.held.has(candidate) && candidate !== rotatedOut))) {
      if (free <= 0 || !this.running) break;
      if (!(await this.deps.leases.acquire(id))) continue;
      if ((this.unloadableUntil.get(id) ?? 0) > Date.now()) {
        await this.deps.leases.release(id);
        continue;
      }
      let loaded;
      try {
        loaded = await this.deps.directory.get(id);
      } catch (error) {
        await this.deps.leases.release(id);
        if (!(error instanceof UnloadableDestinationError)) throw error;
        // One destination whose config cannot be read (tampered ciphertext, unknown key) must not stop the others.
        this.unloadableUntil.set(id, Date.now() + UNLOADABLE_RETRY_MS);
        this.deps.logger.error({ err: toError(error.cause), destinationId: id }, 'destination cannot be loaded; its events wait until it is fixed');
        continue;
      }
      if (!loaded) {
        await this.forgetDeleted(id);
        await this.deps.leases.release(id);
        continue;
      }
      this.startConsumer(loaded);
      free--;
    }
  }

  /**
   * Up to `limit` destinations whose work is ready, from a window at a random
   * place in the index (wrapping round). Ready entries all score 0 and sort
   * by id, so reading from the start would show every process the same first
   * few, held by others, and never the ones further on.
   */
  private async readyDestinations(limit: number): Promise<string[]> {
    const key = workIndexKey(this.deps.prefix);
    const now = Date.now();
    const ready = await this.deps.redis.zcount(key, '-inf', now);
    if (ready <= limit) return this.deps.redis.zrangebyscore(key, '-inf', now, 'LIMIT', 0, limit);
    const offset = Math.floor(Math.random() * ready);
    const window = await this.deps.redis.zrangebyscore(key, '-inf', now, 'LIMIT', offset, limit);
    if (window.length >= limit) return window;
    return [...window, ...(await this.deps.redis.zrangebyscore(key, '-inf', now, 'LIMIT', 0, limit - window.length))];
  }

  /**
   * Destinations this process should hold at most: those with ready work
   * (held or not) over the live workers, rounded up, so the shares cover
   * them all and a worker that joins finds its part. Assumes every worker
   * runs with the same `maxDestinations`.
   */
  private async fairShare(): Promise<number> {
    const [ready, workers] = await Promise.all([
      this.deps.redis.zcount(workIndexKey(this.deps.prefix), '-inf', Date.now()),
      this.deps.leases.liveWorkers(),
    ]);
    return Math.max(1, Math.ceil(ready / workers));
  }

  /**
   * Gives back the destination held longest, if held at least `maxHoldMs`,
   * when this process holds more than its fair `share` (another worker has
   * room), or when it is at `maxDestinations` and a destination with ready
   * work has no holder at all (demand exceeds the fleet's slots: they are
   * time-sliced round-robin). One per tick. Returns the id given back.
   */
  private async rotate(share: number): Promise<string | undefined> {
    const now = Date.now();
    let oldest: string | undefined;
    for (const [id, at] of this.leasedAt) {
      if (now - at >= this.options.maxHoldMs && (oldest === undefined || at < this.leasedAt.get(oldest)!)) oldest = id;
    }
    if (oldest === undefined) return undefined;
    if (this.held.size > share) {
      this.deps.logger.debug({ destinationId: oldest, share }, 'destination given back: more than a fair share held');
    } else {
      const candidates = (await this.readyDestinations(WAITING_PROBE)).filter((id) => !this.held.has(id));
      if (candidates.length === 0) return undefined;
      const holders = await Promise.all(candidates.map((id) => this.deps.leases.holder(id)));
      if (holders.every((holder) => holder !== null)) return undefined;
      this.deps.logger.debug({ destinationId: oldest }, 'destination given back for one waiting without a holder');
    }
    await this.release(oldest);
    return oldest;
  }

  /**
   * A deleted destination: its queue is emptied (events another ingest
   * process queued in the second before it saw the delete have nowhere to go)
   * and it leaves the work index.
   */
  private async forgetDeleted(id: string): Promise<void> {
    const queue = new Queue(destinationQueueName(id), { connection: this.deps.redis, prefix: this.deps.prefix });
    try {
      await queue.obliterate({ force: true });
    } finally {
      await queue.close();
    }
    await this.deps.redis.zrem(workIndexKey(this.deps.prefix), id);
  }

  private startConsumer(loaded: NonNullable<Awaited<ReturnType<DestinationDirectory['get']>>>): void {
    const consumer = new DestinationConsumer(loaded, this.deps.consumerDeps);
    this.held.set(loaded.record.id, consumer);
    this.shareJobBudget();
    consumer.start();
    if (!this.leasedAt.has(loaded.record.id)) this.leasedAt.set(loaded.record.id, Date.now());
    this.deps.logger.debug({ destinationId: loaded.record.id }, 'destination leased');
  }

  /** Stops a consumer. `restart`: the lease is kept (config change), so the lease time is too. */
  private async dropConsumer(id: string, restart = false): Promise<void> {
    const consumer = this.held.get(id);
    this.held.delete(id);
    if (!restart) this.leasedAt.delete(id);
    this.shareJobBudget();
    await consumer?.stop();
  }

  /** Splits the process's job budget over the destinations held now (job-budget.ts). */
  private shareJobBudget(): void {
    const jobs = jobConcurrencyFor(this.held.size, this.deps.consumerDeps.jobConcurrency);
    for (const consumer of this.held.values()) consumer.setJobConcurrency(jobs);
  }

  /**
   * Gives a destination back. Order matters: the index entry is removed
   * before the queue is looked at, and ingest writes a job before its index
   * entry, so a job that arrives meanwhile is either seen here (and the entry
   * put back) or re-adds the entry itself.
   */
  private async release(id: string): Promise<void> {
    await this.dropConsumer(id);
    const { redis, prefix } = this.deps;
    await redis.zrem(workIndexKey(prefix), id);
    try {
      await restoreWorkIndexEntry(redis, prefix, id);
    } finally {
      await this.deps.leases.release(id);
    }
  }

  private async renewAll(): Promise<void> {
    for (const id of [...this.held.keys()]) {
      try {
        if (!(await this.deps.leases.renew(id))) {
          this.deps.logger.warn({ destinationId: id }, 'lease lost to another worker; stopping this consumer');
          await this.dropConsumer(id);
        }
      } catch (error) {
        this.deps.logger.warn({ err: toError(error), destinationId: id }, 'lease renewal failed; will retry');
      }
    }
  }

  /** Finishes every batch in hand and gives every lease back. */
  async stop(): Promise<void> {
    this.running = false;
    if (this.tickTimer) clearTimeout(this.tickTimer);
    if (this.renewTimer) clearInterval(this.renewTimer);
    await this.ticking;
    await this.deps.leases.leave().catch((error) => this.deps.logger.warn({ err: toError(error) }, 'could not leave the fleet; it forgets this worker within 10 s'));
    await Promise.all(
      [...this.held.keys()].map((id) =>
        this.release(id).catch((error) => this.deps.logger.warn({ err: toError(error), destinationId: id }, 'release failed')),
      ),
    );
  }
}
