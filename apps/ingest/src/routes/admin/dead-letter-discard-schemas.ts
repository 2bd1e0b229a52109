import { z } from 'zod';
import { redriveBody } from './dead-letter-schemas';

/** `DELETE /admin/v1/dead-letters` takes what a redrive takes: `ids`, or `destinationId` with optional filters. */
export const discardBody = redriveBody;

/** What a discard did (the counts of ids only for a discard by ids). */
export const discardResponse = z.object({
  discarded: z.number().int().min(0).describe('Pending dead letters marked discarded: never redriven, deleted after the retention period'),
  notFound: z.number().int().min(0).optional().describe('By ids: ids that name no dead letter'),
  alreadyResolved: z.number().int().min(0).optional().describe('By ids: dead letters redriven or discarded before, left as they are'),
});
export type DiscardResponse = z.output<typeof discardResponse>;
