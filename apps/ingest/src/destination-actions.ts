import { InvalidDestinationConfigError, type ControlDb, type DestinationRecord, type DestinationStore } from '@pushrail/control-db';
import {
  DestinationHostLookupError,
  ForbiddenDestinationHostError,
  resolveDestinationHost,
  type DestinationTestReport,
} from '@pushrail/destination-core';
import { providerOf, type DestinationConfig } from '@pushrail/destinations';
import type { EventProducer } from '@pushrail/queue';
import type { Redis } from 'ioredis';
import { HttpError, zodIssues } from './http-errors';

/**
 * What the admin API and the customer portal both do to destinations, in one
 * place: validate a config (the provider's schema, then the SSRF guard), run
 * the provider's checks, write its set-up guide.
 */

/**
 * Pause, resume and delete change the control database and the queue; with
 * Redis away they answer 503 before touching either, so the two never
 * disagree (a destination deleted in the database but with its queue left
 * behind, or paused in one and running in the other).
 */
export function requireQueue(redis: Redis): void {
  if (redis.status !== 'ready') {
    throw new HttpError('unavailable', 'the event queue is unavailable; nothing was changed, retry later', {}, { 'Retry-After': '1' });
  }
}

/** Runs a store call that validates a config; a bad config becomes a 400 listing each problem by path. */
export function parseConfig(build: () => DestinationConfig): DestinationConfig {
  try {
    return build();
  } catch (error) {
    if (error instanceof InvalidDestinationConfigError) {
      throw new HttpError('invalid_request', 'the destination config is invalid', { issues: zodIssues(error.issues) });
    }
    throw error;
  }
}

/** The SSRF guard at create and update: every host must resolve to public addresses only (unless allowed). */
export async function checkHost(config: DestinationConfig, allowPrivateHosts: boolean): Promise<void> {
  try {
    for (const host of providerOf(config).hostsOf(config)) await resolveDestinationHost(host, { allowPrivateHosts });
  } catch (error) {
    if (error instanceof ForbiddenDestinationHostError || error instanceof DestinationHostLookupError) {
      throw new HttpError('invalid_request', 'the destination host is not allowed', {
        issues: [{ path: 'host', message: error.message }],
      });
    }
    throw error;
  }
}

/** A config from a create body, validated: the provider's schema, then the SSRF guard. */
export async function validNewConfig(store: DestinationStore, input: unknown, allowPrivateHosts: boolean): Promise<DestinationConfig> {
  const config = parseConfig(() => store.parse(input));
  await checkHost(config, allowPrivateHosts);
  return config;
}

/** The config a patch makes of the stored one, validated like a create; `type` and `tenantId` cannot change. */
export async function validPatchedConfig(
  store: DestinationStore,
  current: DestinationConfig,
  patch: unknown,
  allowPrivateHosts: boolean,
): Promise<DestinationConfig> {
  if (patch === null || typeof patch !== 'object' || Array.isArray(patch)) {
    throw new HttpError('invalid_request', 'the body must be a JSON object');
  }
  if ('tenantId' in patch || 'type' in patch) {
    throw new HttpError('invalid_request', 'the request body is invalid', {
      issues: [{ path: 'tenantId' in patch ? 'tenantId' : 'type', message: 'cannot be changed' }],
    });
  }
  const config = parseConfig(() => store.merge(current, patch as Record<string, unknown>));
  await checkHost(config, allowPrivateHosts);
  return config;
}

/**
 * The provider's checks on a config, saved or not (host allowed, connect,
 * TLS, privilege, table, an INSERT rolled back), on one connection of its own.
 */
export async function testDestinationConfig(
  config: DestinationConfig,
  options: { allowPrivateHosts: boolean; eventType?: string | undefined },
): Promise<DestinationTestReport> {
  const writer = providerOf(config).createWriter(config, { allowPrivateHosts: options.allowPrivateHosts, maxConnections: 1 });
  try {
    return await writer.test(options.eventType !== undefined ? { eventType: options.eventType } : {});
  } finally {
    await writer.close();
  }
}

/** The table an event type's rows go to, and the DDL and grants for it (the whole table in `single` mode). */
export function setupGuideFor(config: DestinationConfig, eventType?: string): { table: string; sql: string } {
  const provider = providerOf(config);
  const table = eventType ? provider.tableFor(config, eventType) : config.table;
  return { table, sql: provider.setupGuide(config, [table]) };
}

/** What pausing and resuming touch: the record in the control database and the destination's queue. */
export interface PauseDeps {
  db: ControlDb;
  producer: EventProducer;
  redis: Redis;
}

/** Pauses a destination in the control database, then its queue; undefined when it is gone. */
export async function pauseDestination(deps: PauseDeps, id: string, message: string): Promise<DestinationRecord | undefined> {
  requireQueue(deps.redis);
  const record = await deps.db.setDestinationPaused(id, { reason: 'operator', message });
  if (record) await deps.producer.queueFor(record.id).pause();
  return record;
}

/** Resumes a destination (whoever paused it) and tells the workers its queue has work; undefined when it is gone. */
export async function resumeDestination(deps: PauseDeps, id: string): Promise<DestinationRecord | undefined> {
  requireQueue(deps.redis);
  const record = await deps.db.setDestinationPaused(id, null);
  if (record) {
    await deps.producer.queueFor(record.id).resume();
    await deps.producer.signalWork(record.id);
  }
  return record;
}
