import { z } from 'zod';
import { noDestinationWarning } from '../routes/event-schemas';

/** The answer of every Segment route: Segment's own `{"success": true}`, and the id of each event in message order. */
export const segmentAcceptedResponse = z.object({
  success: z.literal(true),
  eventIds: z.array(z.uuid()).describe('One id per message, in order: UUIDv5 of its messageId in the tenant\'s namespace, else a fresh UUIDv7'),
  warning: noDestinationWarning,
});
export type SegmentAcceptedResponse = z.output<typeof segmentAcceptedResponse>;
