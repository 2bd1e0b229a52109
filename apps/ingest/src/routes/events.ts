import { batchBodySchema, type EventEnvelope } from '@pushrail/events';
import { Router } from 'express';
import type { EventIntake } from '../event-intake';
import { EventIntake as Intake } from '../event-intake';
import { HttpError, requireJson, zodIssues, type Issue } from '../http-errors';
import type { WriteKeyOwner } from '@pushrail/control-db';
import type { TenantRateLimiter } from '../tenant-rate-limit';
import type { WriteKeyAuthenticator } from '../write-key-auth';

/** `POST /v1/events` and `POST /v1/batch`. */
export function eventRoutes(deps: { auth: WriteKeyAuthenticator; intake: EventIntake; rateLimiter: TenantRateLimiter }): Router {
  const router = Router();

  /** 429 with Retry-After when the tenant is over its rate; valid events only are counted. */
  const charge = async (owner: WriteKeyOwner, events: number) => {
    let decision;
    try {
      decision = await deps.rateLimiter.take(owner.tenantId, owner.rateLimitPerSec, events);
    } catch {
      throw new HttpError('unavailable', 'the event queue is unavailable; nothing was accepted, retry later', {}, { 'Retry-After': '1' });
    }
    if (!decision.allowed) {
      throw new HttpError('rate_limited', `over the tenant's rate limit of ${owner.rateLimitPerSec} events/s; nothing was accepted`, {}, {
        'Retry-After': String(decision.retryAfterSec),
      });
    }
  };

  router.post('/v1/events', requireJson, async (req, res) => {
    const owner = await deps.auth.authenticate(req.headers.authorization);
    const { event, issues, tooLarge } = Intake.validate(req.body);
    if (tooLarge) throw new HttpError('payload_too_large', issues[0]!.message);
    if (!event) throw new HttpError('invalid_request', 'the event is invalid; nothing was accepted', { issues });
    await charge(owner, 1);
    const eventId = await deps.intake.acceptOne(owner, event);
    res.status(202).json({ eventId });
  });

  router.post('/v1/batch', requireJson, async (req, res) => {
    const owner = await deps.auth.authenticate(req.headers.authorization);
    const body = batchBodySchema.safeParse(req.body);
    if (!body.success) {
      throw new HttpError('invalid_request', 'the batch is invalid; nothing was accepted', { issues: zodIssues(body.error.issues) });
    }
    const events: EventEnvelope[] = [];
    const invalidEvents: Array<{ index: number; issues: Issue[] }> = [];
    body.data.events.forEach((input, index) => {
      const result = Intake.validate(input, ['events', index]);
      if (result.event) events.push(result.event);
      else invalidEvents.push({ index, issues: result.issues });
    });
    if (invalidEvents.length > 0) {
      throw new HttpError('invalid_events', `${invalidEvents.length} of ${body.data.events.length} events are invalid; nothing was accepted`, {
        invalidEvents,
      });
    }
    await charge(owner, events.length);
    const eventIds = await deps.intake.acceptBatch(owner, events);
    res.status(202).json({ eventIds });
  });

  return router;
}
