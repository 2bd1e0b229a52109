import { destinationConfigSchema } from '@pushrail/destinations';
import { z } from 'zod';
import { destinationStatusResponse } from '../admin/destination-status-schemas';
import { destinationResponse } from '../admin/destination-schemas';

/** `GET /portal/api/session`: whose session this is, and the CSRF token every change must carry. */
export const portalSessionResponse = z.object({
  tenant: z.object({ id: z.uuid(), name: z.string() }),
  readOnly: z.boolean().describe('A read-only session may look but not change anything (every change answers 403)'),
  expiresAt: z.iso.datetime(),
  csrfToken: z.string().describe('Send as the `X-Pushrail-CSRF` header with every POST, PATCH and DELETE'),
});
export type PortalSessionResponse = z.output<typeof portalSessionResponse>;

/** `GET /portal/api/destination-types`: what the add form renders from, one entry per provider. */
export const destinationTypesResponse = z.object({
  items: z.array(
    z.object({
      type: z.string().describe('The `type` of its configs: `POSTGRES`, …'),
      label: z.string().describe('The name people know it by'),
      configSchema: z.record(z.string(), z.unknown()).describe("The provider's config schema as JSON Schema (draft 2020-12, as the API takes it)"),
      secretPaths: z.array(z.string()).describe('Dotted paths of write-only fields (`auth.password`): never sent back, unchanged unless given'),
    }),
  ),
});
export type DestinationTypesResponse = z.output<typeof destinationTypesResponse>;

/** A destination as the portal shows it: the admin view and its status. */
export const portalDestinationResponse = destinationResponse.extend({
  status: destinationStatusResponse
    .nullable()
    .describe('null while the event queue (Redis) cannot be read: the destination itself, paused or not, comes from the control database'),
});
export const portalDestinationListResponse = z.object({ items: z.array(portalDestinationResponse) });

/** `POST /portal/api/destination-tests?destinationId=&eventType=`. */
export const destinationTestQuery = z
  .object({
    destinationId: z.uuid().optional().describe('Test the config as a change of this destination: secrets left out keep the stored ones'),
    eventType: z.string().min(1).max(255).optional().describe('In `per_event_type` mode, the event type whose table to check'),
  })
  .strict();

/** A config the portal sends to create or test (the provider's schema, without `tenantId`: the session names the tenant). */
export const portalDestinationConfigBody = destinationConfigSchema;

/** `GET /portal/api/destinations/:id/setup-guide`. */
export const setupGuideResponse = z.object({
  table: z.string().describe('The table the statements are for'),
  sql: z.string().describe('The DDL and grants to run, safe to run twice'),
});

/** `POST /portal/api/destinations/:id/test-events`. */
export const testEventBody = z
  .object({ eventType: z.string().trim().min(1).max(255).default('pushrail.test').describe('Default `pushrail.test`') })
  .strict();

export const testEventAccepted = z.object({
  eventId: z.uuid(),
  jobId: z.string().describe('Pass as `jobId` when asking how the event fared'),
});

export const testEventStatusQuery = z.object({ jobId: z.string().regex(/^[A-Za-z0-9_-]{1,100}$/).describe('From the answer that sent it') }).strict();

/** How a test event fared: still on its way, in the table, or dead-lettered with the error. */
export const testEventStatusResponse = z.object({
  state: z.enum(['pending', 'delivered', 'dead_lettered']),
  attempts: z.number().int().min(0).describe('Delivery attempts made so far'),
  error: z
    .object({ kind: z.string().nullable(), message: z.string() })
    .nullable()
    .describe('Why the last attempt failed (a retry may still succeed while `pending`)'),
  deadLetterId: z.string().nullable().describe('Its dead letter, once recorded'),
});
export type TestEventStatusResponse = z.output<typeof testEventStatusResponse>;

/** `GET /portal/api/dead-letter-scope`: how many pending dead letters a filter matches, and the newest id among them. */
export const deadLetterScopeResponse = z.object({
  count: z.number().int().min(0),
  maxId: z.string().nullable().describe('Dead letters with a higher id came later: a redrive of "all matching" stops there'),
});

/** A write key as the portal lists it: never the key, never its hash. */
export const writeKeyResponse = z.object({
  id: z.uuid(),
  prefix: z.string().describe('The start of the key, to recognise it'),
  createdAt: z.iso.datetime(),
  revokedAt: z.iso.datetime().nullable(),
});
export const writeKeyListResponse = z.object({ items: z.array(writeKeyResponse) });
