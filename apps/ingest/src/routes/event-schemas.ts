import { z } from 'zod';

/**
 * Answers of `POST /v1/events` and `POST /v1/batch` (request bodies are
 * @pushrail/events' `eventEnvelopeSchema` and `batchBodySchema`).
 */
export const noDestinationWarning = z
  .string()
  .optional()
  .describe('Present when the tenant has no destination at all: the events were accepted but go nowhere');

export const eventAcceptedResponse = z.object({
  eventId: z.uuid().describe('The event\'s id: UUIDv5 of the idempotencyKey in the tenant\'s namespace (the same key always gives the same id), else a fresh UUIDv7'),
  warning: noDestinationWarning,
});
export type EventAcceptedResponse = z.output<typeof eventAcceptedResponse>;

export const batchAcceptedResponse = z.object({
  eventIds: z.array(z.uuid()).describe('One id per event, in the order of `events`'),
  warning: noDestinationWarning,
});
export type BatchAcceptedResponse = z.output<typeof batchAcceptedResponse>;
