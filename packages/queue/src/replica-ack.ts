import calculateSlot from 'cluster-key-slot';
import type { Cluster, Redis } from 'ioredis';

/** Options of {@link ReplicaAcknowledger}. */
export interface ReplicaAckOptions {
  /** Replicas each write must reach (PUSHRAIL_REDIS_MIN_REPLICAS); at least 1. */
  minReplicas: number;
  /** Longest one WAIT may block, in milliseconds (PUSHRAIL_REDIS_REPLICA_TIMEOUT_MS). */
  timeoutMs: number;
}

/** The writes were not confirmed on enough replicas in time: they may be lost in a failover, so nothing is acknowledged. */
export class ReplicasNotReachedError extends Error {
  override readonly name = 'ReplicasNotReachedError';
  constructor(readonly reached: number, readonly wanted: number, readonly timeoutMs: number) {
    super(`the write reached ${reached} of ${wanted} Redis replicas within ${timeoutMs} ms`);
  }
}

/**
 * One connection's WAITs, coalesced. `WAIT` (and `WAITAOF`) confirms every
 * write the connection sent before it, so any number of callers whose writes
 * are done share one: a caller that arrives while a WAIT is out waits for the
 * next one, sent as soon as that returns (a WAIT already out may have left
 * before the caller's write). So at most one WAIT per connection is in flight,
 * and under load each covers all the writes of a group-commit round or more.
 */
class ConnectionWaits {
  private inFlight: Promise<void> | undefined;
  private next: Promise<void> | undefined;
  /** Whether the server has WAITAOF (Redis 7.2+): unknown until the first WAIT. */
  private hasWaitAof: boolean | undefined;

  constructor(
    private readonly connection: Redis,
    private readonly options: ReplicaAckOptions,
  ) {}

  confirm(): Promise<void> {
    if (!this.inFlight) {
      const sent = this.send();
      this.inFlight = sent.finally(() => {
        if (this.inFlight === guarded) this.inFlight = undefined;
      });
      const guarded = this.inFlight;
      return guarded;
    }
    this.next ??= this.inFlight
      .catch(() => undefined)
      .then(() => {
        this.next = undefined;
        return this.confirm();
      });
    return this.next;
  }

  private async send(): Promise<void> {
    const { minReplicas, timeoutMs } = this.options;
    this.hasWaitAof ??= await serverHasWaitAof(this.connection);
    let reached: number;
    if (this.hasWaitAof) {
      // WAITAOF numlocal numreplicas timeout → [local fsyncs, replica fsyncs]: the write is in the replicas' AOF on disk.
      const reply = (await this.connection.call('WAITAOF', 0, minReplicas, timeoutMs)) as [number, number];
      reached = Number(reply[1]);
    } else {
      // Redis before 7.2: the write is in the replicas' memory (their own appendfsync puts it on disk).
      reached = Number(await this.connection.call('WAIT', minReplicas, timeoutMs));
    }
    if (reached < minReplicas) throw new ReplicasNotReachedError(reached, minReplicas, timeoutMs);
  }
}

/** `COMMAND INFO WAITAOF` answers `[null]` on a server without it. */
async function serverHasWaitAof(connection: Redis): Promise<boolean> {
  try {
    const reply = (await connection.call('COMMAND', 'INFO', 'WAITAOF')) as unknown[];
    return Array.isArray(reply) && reply[0] !== null && reply[0] !== undefined;
  } catch (error) {
    // A managed Redis may refuse COMMAND; WAIT is there everywhere.
    if (/unknown command|NOPERM|not allowed/i.test(error instanceof Error ? error.message : String(error))) return false;
    throw error;
  }
}

/**
 * Makes sure writes reached `minReplicas` replicas before they are
 * acknowledged (docs/high-availability.md). On one Redis or through
 * Sentinel, that is a WAIT on the producer's connection; on a Redis Cluster,
 * a WAIT on the connection to each shard the writes went to (a WAIT counts
 * only its own node's replicas and its own connection's writes).
 */
export class ReplicaAcknowledger {
  private readonly waits = new Map<Redis, ConnectionWaits>();

  constructor(
    private readonly redis: Redis | Cluster,
    private readonly options: ReplicaAckOptions,
  ) {
    if (options.minReplicas < 1) throw new Error('a ReplicaAcknowledger needs minReplicas >= 1');
  }

  /**
   * Resolves once every write already answered on this connection for these
   * destinations' queues is on `minReplicas` replicas; rejects with
   * {@link ReplicasNotReachedError} after the timeout.
   */
  async confirm(destinationIds: readonly string[]): Promise<void> {
    const connections = this.redis.isCluster ? this.shardConnections(destinationIds) : [this.redis as Redis];
    await Promise.all(connections.map((connection) => this.waitsOf(connection).confirm()));
  }

  private waitsOf(connection: Redis): ConnectionWaits {
    let waits = this.waits.get(connection);
    if (!waits) {
      waits = new ConnectionWaits(connection, this.options);
      this.waits.set(connection, waits);
    }
    return waits;
  }

  /**
   * The cluster's own connections to the masters that serve these
   * destinations' queues: every key of a queue hashes to the slot of the
   * destination id (its `{…}` hash tag, see redis-keys).
   */
  private shardConnections(destinationIds: readonly string[]): Redis[] {
    const cluster = this.redis as Cluster;
    const masters = new Map(cluster.nodes('master').map((node) => [`${node.options.host}:${node.options.port}`, node]));
    const connections = new Set<Redis>();
    for (const id of destinationIds) {
      const owner = cluster.slots[calculateSlot(id)]?.[0];
      const connection = owner === undefined ? undefined : masters.get(owner);
      // Slots not known yet (cluster still connecting): the write itself would have failed first.
      if (!connection) throw new ReplicasNotReachedError(0, this.options.minReplicas, 0);
      connections.add(connection);
    }
    // Connections of nodes that left the cluster are not kept.
    for (const known of this.waits.keys()) if (![...masters.values()].includes(known)) this.waits.delete(known);
    return [...connections];
  }
}
