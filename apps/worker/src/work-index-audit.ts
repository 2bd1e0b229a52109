import type { ControlDb } from '@pushrail/control-db';
import type { Logger } from '@pushrail/observability';
import { destinationQueueKeys, workIndexAuditLockKey, workIndexKey } from '@pushrail/queue';
import type { Redis } from 'ioredis';
import { FleetPeriodicTask } from './fleet-periodic-task';
import { restoreWorkIndexEntry } from './work-index-entry';

/** Destinations looked at per Redis round trip. */
const CHUNK = 500;

/**
 * A safety net for the work index. Workers find destinations to lease only
 * through it, so a queued job whose destination has no entry waits until the
 * next event for that destination writes one. Ingest writes the entry right
 * after each job and a worker giving a destination back re-checks its queue,
 * so this should never find anything; it exists for what those cannot see
 * (someone running SCRIPT FLUSH on a live Redis, which makes ioredis resend
 * an add script after the ZADD that followed it; keys removed by hand). Every
 * `intervalMs` one worker of the fleet (a Redis lock) looks for destinations
 * with jobs but no entry, writes the entry and says so in a warning.
 */
export class WorkIndexAudit extends FleetPeriodicTask<string[]> {
  constructor(
    private readonly deps: { db: ControlDb; redis: Redis; prefix: string; logger: Logger },
    intervalMs: number,
  ) {
    super(
      { redis: deps.redis, lockKey: workIndexAuditLockKey(deps.prefix), intervalMs, logger: deps.logger, failureMessage: 'work-index audit failed' },
      [],
    );
  }

  /** One pass over every destination; returns the ids whose entry it put back ([] when another worker is auditing). */
  auditOnce(): Promise<string[]> {
    return this.runOnce();
  }

  protected async pass(): Promise<string[]> {
    const { redis, prefix, db, logger } = this.deps;
    const restored: string[] = [];
    const ids = (await db.listDestinations()).map((d) => d.id);
    for (let i = 0; i < ids.length; i += CHUNK) {
      for (const id of await this.unindexedWithJobs(ids.slice(i, i + CHUNK))) {
        if (await restoreWorkIndexEntry(redis, prefix, id)) restored.push(id);
      }
    }
    if (restored.length > 0) {
      logger.warn({ destinationIds: restored }, 'destinations had queued jobs but no work-index entry; entries put back');
    }
    return restored;
  }

  /**
   * Of `ids`, those without a work-index entry whose queue holds any job. One
   * pipeline on a single Redis; on a cluster the keys of different
   * destinations live in different slots, so the commands go out one by one
   * (ioredis routes each to its node), all at once.
   */
  private async unindexedWithJobs(ids: string[]): Promise<string[]> {
    const { redis, prefix } = this.deps;
    const index = workIndexKey(prefix);
    const commandsOf = (id: string): Array<[string, ...(string | number)[]]> => {
      const queue = destinationQueueKeys(prefix, id);
      return [['zscore', index, id], ['llen', queue.wait!], ['zcard', queue.prioritized!], ['llen', queue.active!], ['zcard', queue.delayed!]];
    };
    let replies: unknown[][];
    if (redis.isCluster) {
      replies = await Promise.all(ids.map((id) => Promise.all(commandsOf(id).map(([name, ...args]) => redis.call(name, ...args)))));
    } else {
      const pipeline = redis.pipeline(ids.flatMap(commandsOf));
      const flat = (await pipeline.exec()) ?? [];
      replies = ids.map((_, n) =>
        flat.slice(n * 5, n * 5 + 5).map(([error, value]) => {
          if (error) throw error;
          return value;
        }),
      );
    }
    return ids.filter((_, n) => {
      const [score, wait, prioritized, active, delayed] = replies[n]!;
      return score === null && Number(wait) + Number(prioritized) + Number(active) + Number(delayed) > 0;
    });
  }
}
