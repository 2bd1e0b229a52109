import type { ControlDb, DestinationRecord, DestinationStore } from '@pushrail/control-db';
import type { PortalAccess } from '@pushrail/control-db';
import type { EventProducer } from '@pushrail/queue';
import type { Response } from 'express';
import { DocumentedRoutes } from '../../openapi/documented-routes';
import type { Redis } from 'ioredis';
import type { z } from 'zod';
import {
  parseConfig,
  pauseDestination,
  resumeDestination,
  setupGuideFor,
  testDestinationConfig,
  validNewConfig,
  validPatchedConfig,
} from '../../destination-actions';
import type { EventIntake } from '../../event-intake';
import { HttpError, zodIssues } from '../../http-errors';
import { readDestinationStatuses } from '../../destination-status';
import { sessionTenant } from '../../portal/portal-session';
import type { TenantDestinations } from '../../tenant-destinations';
import { parseBody } from '../../validate-body';
import { eventTypeQuery } from '../admin/destination-schemas';
import { destinationTestQuery, testEventBody, testEventStatusQuery, type TestEventStatusResponse } from './portal-schemas';

export interface PortalDestinationDeps {
  db: ControlDb;
  store: DestinationStore;
  access: PortalAccess;
  producer: EventProducer;
  redis: Redis;
  intake: EventIntake;
  tenantDestinations: TenantDestinations;
  allowPrivateHosts: boolean;
}

/** Why a pause from the portal happened, as the destination shows it. */
const PORTAL_PAUSE_MESSAGE = 'paused in the customer portal';

/** A query string parsed with its zod schema; a 400 lists each problem. */
function parseQuery<S extends z.ZodType>(schema: S, query: unknown): z.output<S> {
  const result = schema.safeParse(query);
  if (!result.success) throw new HttpError('invalid_request', 'invalid query', { issues: zodIssues(result.error.issues) });
  return result.data;
}

/**
 * The session's tenant's destinations: list with status, create, edit, test a
 * config before saving it, set-up guide, test events, pause and resume.
 * Another tenant's destination is a 404, exactly like one that does not exist.
 */
export function portalDestinationRoutes(deps: PortalDestinationDeps): DocumentedRoutes {
  const routes = new DocumentedRoutes('/portal/api');
  const { db, store } = deps;

  const ownRecord = async (res: Response, id: string): Promise<DestinationRecord> => {
    const record = await db.getDestination(id);
    if (!record || record.tenantId !== sessionTenant(res)) throw new HttpError('not_found', 'no such destination');
    return record;
  };

  /** The destinations with their status; without Redis, with none (the page says the figures are unavailable) rather than a 500. */
  const withStatus = async (records: DestinationRecord[]) => {
    const statuses =
      deps.redis.status === 'ready'
        ? await readDestinationStatuses({ redis: deps.redis, prefix: deps.producer.prefix }, records).catch(() => undefined)
        : undefined;
    return records.map((r) => ({ ...store.view(r), status: statuses?.get(r.id) ?? null }));
  };

  routes.serve('portalListDestinations', async (_req, res) => {
    res.json({ items: await withStatus(await db.listDestinations(sessionTenant(res))) });
  });

  routes.serve('portalCreateDestination', async (req, res) => {
    const tenantId = sessionTenant(res);
    const config = await validNewConfig(store, req.body ?? {}, deps.allowPrivateHosts);
    const record = await store.create(tenantId, config);
    deps.tenantDestinations.invalidate(tenantId);
    res.status(201).json((await withStatus([record]))[0]);
  });

  routes.serve('portalGetDestination', async (req, res) => {
    res.json((await withStatus([await ownRecord(res, req.params.id)]))[0]);
  });

  routes.serve('portalPatchDestination', async (req, res) => {
    const own = await ownRecord(res, req.params.id);
    const current = store.reveal(own);
    const config = await validPatchedConfig(store, current.config, req.body, deps.allowPrivateHosts);
    const record = await store.update(own.id, config);
    if (!record) throw new HttpError('not_found', 'no such destination');
    res.json((await withStatus([record]))[0]);
  });

  routes.serve('portalPauseDestination', async (req, res) => {
    await ownRecord(res, req.params.id);
    const record = await pauseDestination(deps, req.params.id, PORTAL_PAUSE_MESSAGE);
    if (!record) throw new HttpError('not_found', 'no such destination');
    res.json((await withStatus([record]))[0]);
  });

  routes.serve('portalResumeDestination', async (req, res) => {
    await ownRecord(res, req.params.id);
    const record = await resumeDestination(deps, req.params.id);
    if (!record) throw new HttpError('not_found', 'no such destination');
    res.json((await withStatus([record]))[0]);
  });

  routes.serve('portalSetupGuide', async (req, res) => {
    const query = parseQuery(eventTypeQuery, req.query);
    const { config } = store.reveal(await ownRecord(res, req.params.id));
    res.json(setupGuideFor(config, query.eventType));
  });

  // Test before saving: the unsaved config, or the unsaved change of a saved one (its secrets kept unless retyped).
  routes.serve('portalTestDestinationConfig', async (req, res) => {
    const query = parseQuery(destinationTestQuery, req.query);
    let config;
    if (query.destinationId !== undefined) {
      const { config: current } = store.reveal(await ownRecord(res, query.destinationId));
      const { type: _type, ...patch } = (req.body ?? {}) as Record<string, unknown>;
      config = parseConfig(() => store.merge(current, patch));
    } else {
      config = parseConfig(() => store.parse(req.body ?? {}));
    }
    // The provider's own first check is the SSRF guard ("host"), so a forbidden host is a failed check, not a 400.
    res.json(await testDestinationConfig(config, { allowPrivateHosts: deps.allowPrivateHosts, eventType: query.eventType }));
  });

  routes.serve('portalSendTestEvent', async (req, res) => {
    const record = await ownRecord(res, req.params.id);
    const body = parseBody(testEventBody, req.body);
    res.status(202).json(await deps.intake.acceptTestEvent(record.tenantId, record.id, body.eventType));
  });

  routes.serve<'id' | 'eventId'>('portalTestEventStatus', async (req, res) => {
    const record = await ownRecord(res, req.params.id);
    const { jobId } = parseQuery(testEventStatusQuery, req.query);
    res.json(await testEventStatus(deps, record.id, req.params.eventId, jobId));
  });

  return routes;
}

/**
 * How a test event fared. Its dead letter, once there, says it was refused;
 * else its job: still queued or retrying (pending), or failed (dead-lettered,
 * its dead letter not mirrored yet). A job that is gone without a dead letter
 * was delivered: jobs are removed when their batch commits.
 */
async function testEventStatus(deps: PortalDestinationDeps, destinationId: string, eventId: string, jobId: string): Promise<TestEventStatusResponse> {
  const deadLetterId = await deps.access.deadLetterIdOfEvent(destinationId, eventId);
  if (deadLetterId !== undefined) {
    const deadLetter = (await deps.db.getDeadLetter(deadLetterId))!;
    return {
      state: 'dead_lettered',
      attempts: deadLetter.attempts,
      error: { kind: deadLetter.errorKind, message: deadLetter.errorMessage },
      deadLetterId,
    };
  }
  const job = await deps.producer.queueFor(destinationId).getJob(jobId);
  if (!job) return { state: 'delivered', attempts: 0, error: null, deadLetterId: null };
  const failed = (await job.getState()) === 'failed';
  return {
    state: failed ? 'dead_lettered' : 'pending',
    attempts: job.attemptsMade,
    error: job.failedReason ? { kind: null, message: job.failedReason } : null,
    deadLetterId: null,
  };
}
