import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import type { ControlDb } from '@pushrail/control-db';
import type { EventProducer } from '@pushrail/queue';
import { Router, type Express } from 'express';
import { documentedRoute } from './openapi/documented-routes';

/** How long the list of queues shown is reused, in milliseconds: a new destination appears within this. */
const QUEUE_LIST_TTL_MS = 2_000;

/** Where Bull Board is served (behind the admin token, like every /admin route): its catalogue entry's path. */
export const BULL_BOARD_PATH = documentedRoute('bullBoard').path;

/**
 * Bull Board over every destination's queue, each shown with the
 * destination's name. The list is refreshed from the control database as
 * requests come, so new destinations appear without a restart. Jobs carry
 * destination ids and events, never credentials.
 *
 * Read-only (docs/operations.md): a failed job retried from the board would
 * run again while its dead letters stayed "pending" forever, and a redrive
 * later would send the events a second time; pausing from the board would
 * leave the control database saying "active", and adding a job would skip
 * ingest's validation. Every change goes through the admin API instead
 * (redrive, pause, resume, delete), which keeps Redis and the control
 * database in step. Bull Board refuses each of its write routes on a
 * read-only queue (405) and hides their buttons.
 */
export function bullBoardRouter(deps: { db: ControlDb; producer: EventProducer }): Router {
  const serverAdapter = new ExpressAdapter();
  serverAdapter.setBasePath(BULL_BOARD_PATH);
  const board = createBullBoard({ queues: [], serverAdapter, options: { uiConfig: { boardTitle: 'Pushrail' } } });
  let refreshedAt = 0;

  const router = Router();
  router.use(async (_req, _res, next) => {
    if (Date.now() - refreshedAt > QUEUE_LIST_TTL_MS) {
      refreshedAt = Date.now();
      const destinations = await deps.db.listDestinations();
      board.replaceQueues(
        destinations.map(
          (d) =>
            new BullMQAdapter(deps.producer.queueFor(d.id), {
              displayName: `${d.name} · ${d.id}`,
              description: d.pausedAt ? `paused (${d.pausedReason})` : `destination ${d.id}`,
              readOnlyMode: true,
            }),
        ),
      );
    }
    next();
  });
  const boardApp = serverAdapter.getRouter() as Express;
  // Bull Board's adapter is an express app of its own, which announces itself unless told not to.
  boardApp.disable('x-powered-by');
  router.use(boardApp);
  return router;
}
