import { DocumentedRoutes } from '../openapi/documented-routes';
import { segmentCallOperationId } from '../openapi/route-catalogue';
import type { SegmentHandlers } from './segment-handlers';
import { readSegmentBody, type SegmentBodyLimit } from './segment-body';
import { MAX_SEGMENT_BATCH_BYTES, MAX_SEGMENT_MESSAGE_BYTES, SEGMENT_CALL_TYPES } from './segment-message';

/** Where the Segment routes are mounted: SDKs take `<origin>/segment` (RudderStack) or the batch path (Segment). */
export const SEGMENT_PREFIX = '/segment';

const MESSAGE_LIMIT: SegmentBodyLimit = { bytes: MAX_SEGMENT_MESSAGE_BYTES, code: 'message_too_large', what: 'the message' };
const BATCH_LIMIT: SegmentBodyLimit = { bytes: MAX_SEGMENT_BATCH_BYTES, code: 'batch_too_large', what: 'the batch' };

/**
 * `POST /segment/v1/batch` and `POST /segment/v1/<type>` for each call type.
 * Mounted before express's JSON parser: these routes read their own bodies
 * (gzip, any Content-Type). Errors go to the app's error handler, in the one
 * JSON shape.
 */
export function segmentRoutes(handlers: SegmentHandlers): DocumentedRoutes {
  const routes = new DocumentedRoutes(SEGMENT_PREFIX);
  routes.serve('postSegmentBatch', async (req, res) => {
    const body = await readSegmentBody(req, BATCH_LIMIT);
    const answer = await handlers.batch(req.headers.authorization, body);
    res.status(answer.status).json(answer.body);
  });
  for (const type of SEGMENT_CALL_TYPES) {
    routes.serve(segmentCallOperationId(type), async (req, res) => {
      const body = await readSegmentBody(req, MESSAGE_LIMIT);
      const answer = await handlers.single(type, req.headers.authorization, body);
      res.status(answer.status).json(answer.body);
    });
  }
  return routes;
}
