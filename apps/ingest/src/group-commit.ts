import type { QueuedEvent } from '@pushrail/events';

/** Writes one job of events to one destination's queue, naming the requests they came in; resolves once it is in Redis. */
export type EnqueueFn = (destinationId: string, events: QueuedEvent[], requestIds: string[]) => Promise<unknown>;

export interface GroupCommitOptions {
  /**
   * Rounds start at least this far apart, in milliseconds, so it is also the
   * longest a request waits for others to share its write.
   */
  maxDelayMs: number;
  /** A round is written at once when it holds this many events (per destination: one job). */
  maxEvents: number;
  /**
   * Runs once per round after its writes, with the destinations whose write
   * succeeded (the replica WAIT of PUSHRAIL_REDIS_MIN_REPLICAS); when it
   * fails, so does every request of the round that wrote there.
   */
  afterWrites?: (destinationIds: string[]) => Promise<void>;
}

interface Waiter {
  destinations: readonly string[];
  resolve: () => void;
  reject: (error: Error) => void;
}

interface Round {
  byDestination: Map<string, QueuedEvent[]>;
  /** The request ids of the round's events, by destination (for the worker's batch line). */
  requestIdsByDestination: Map<string, string[]>;
  waiters: Waiter[];
  events: number;
  /** Cancels the scheduled write of this round (a timer or an immediate), once one is scheduled. */
  cancel: (() => void) | undefined;
}

/**
 * Group commit for single-event requests: requests that arrive together share
 * one job per destination, so one Redis round trip carries many events. Each
 * request resolves when the jobs of all its own destinations are in Redis,
 * and fails if any of them failed; nothing is acknowledged from memory.
 *
 * Rounds are paced, not delayed: a round is written `maxDelayMs` after the
 * previous round was, or at the end of the current event-loop turn when that
 * moment has already passed. So there are never more than 1000 / maxDelayMs
 * writes a second (the job count a worker pays for), a request waits at most
 * `maxDelayMs`, and a request arriving after a quiet spell, or with a burst
 * that the last write's answers set off, waits only for the rest of that
 * spacing instead of a full window (bench/RESULTS.md, "paced group commit").
 */
export class GroupCommitter {
  private round: Round | undefined;
  private readonly inFlight = new Set<Promise<void>>();
  /** When the last round was written (performance.now(), ms). */
  private lastWriteAt = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly enqueue: EnqueueFn,
    private readonly options: GroupCommitOptions,
  ) {}

  submit(destinationIds: readonly string[], events: readonly QueuedEvent[], requestId?: string): Promise<void> {
    if (destinationIds.length === 0) return Promise.resolve();
    const round: Round = (this.round ??= {
      byDestination: new Map(),
      requestIdsByDestination: new Map(),
      waiters: [] as Waiter[],
      events: 0,
      cancel: undefined,
    });
    const done = new Promise<void>((resolve, reject) => round.waiters.push({ destinations: destinationIds, resolve, reject }));
    for (const id of destinationIds) {
      const list = round.byDestination.get(id);
      if (list) list.push(...events);
      else round.byDestination.set(id, [...events]);
      if (requestId !== undefined) {
        const requestIds = round.requestIdsByDestination.get(id);
        if (requestIds) requestIds.push(requestId);
        else round.requestIdsByDestination.set(id, [requestId]);
      }
    }
    round.events += events.length;
    if (round.events >= this.options.maxEvents) this.flush();
    else round.cancel ??= this.schedule();
    return done;
  }

  /** Schedules the open round's write: at the end of this turn when the spacing has passed, else when it will have. */
  private schedule(): () => void {
    const waitMs = this.lastWriteAt + this.options.maxDelayMs - performance.now();
    if (waitMs <= 0) {
      const immediate = setImmediate(() => this.flush());
      return () => clearImmediate(immediate);
    }
    const timer = setTimeout(() => this.flush(), waitMs);
    return () => clearTimeout(timer);
  }

  /** Writes the open round now. */
  flush(): void {
    const round = this.round;
    if (!round) return;
    this.round = undefined;
    round.cancel?.();
    this.lastWriteAt = performance.now();
    const writes = [...round.byDestination].map(async ([id, events]) => {
      try {
        await this.enqueue(id, events, round.requestIdsByDestination.get(id) ?? []);
        return [id, undefined] as const;
      } catch (error) {
        return [id, error instanceof Error ? error : new Error(String(error))] as const;
      }
    });
    const settled = Promise.all(writes).then(async (results) => {
      const failures = new Map(results.filter(([, e]) => e !== undefined) as Array<readonly [string, Error]>);
      const written = results.filter(([, e]) => e === undefined).map(([id]) => id);
      if (this.options.afterWrites && written.length > 0) {
        try {
          await this.options.afterWrites(written);
        } catch (error) {
          for (const id of written) failures.set(id, error instanceof Error ? error : new Error(String(error)));
        }
      }
      for (const waiter of round.waiters) {
        const failure = waiter.destinations.map((id) => failures.get(id)).find((e) => e !== undefined);
        if (failure) waiter.reject(failure);
        else waiter.resolve();
      }
    });
    this.inFlight.add(settled);
    void settled.finally(() => this.inFlight.delete(settled));
  }

  /** Writes what is open and waits for every write in flight (graceful shutdown). */
  async drain(): Promise<void> {
    this.flush();
    await Promise.all([...this.inFlight]);
  }
}
