import { batchBodySchema, type EventEnvelope } from '@pushrail/events';
import { Router } from 'express';
import type { EventIntake } from '../event-intake';
import { EventIntake as Intake } from '../event-intake';
import { HttpError, requireJson, zodIssues, type Issue } from '../http-errors';
import type { WriteKeyAuthenticator } from '../write-key-auth';

/** `POST /v1/events` and `POST /v1/batch`. */
export function eventRoutes(deps: { auth: WriteKeyAuthenticator; intake: EventIntake }): Router {
  const router = Router();

  router.post('/v1/events', requireJson, async (req, res) => {
    const owner = await deps.auth.authenticate(req.headers.authorization);
    const { event, issues, tooLarge } = Intake.validate(req.body);
    if (tooLarge) throw new HttpError('payload_too_large', issues[0]!.message);
    if (!event) throw new HttpError('invalid_request', 'the event is invalid; nothing was accepted', { issues });
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
    const eventIds = await deps.intake.acceptBatch(owner, events);
    res.status(202).json({ eventIds });
  });

  return router;
}
