import type { DestinationView } from '@pushrail/control-db';
import type { DestinationTestReport } from '@pushrail/destination-core';
import { postgresAuthSchema, postgresDestinationConfigSchema } from '@pushrail/destination-postgres';
import { z } from 'zod';
import type { Expect, Same } from '../../openapi/type-equality';

/** `GET /admin/v1/destinations?tenantId=`. */
export const destinationListQuery = z.object({ tenantId: z.string().uuid().optional() });

/** `GET …/ddl?eventType=` and `POST …/test?eventType=`: the table of that event type in `per_event_type` mode. */
export const eventTypeQuery = z.object({ eventType: z.string().min(1).max(255).optional() });

/**
 * `POST /admin/v1/destinations`: the tenant and the seed's config. The route
 * takes `tenantId` off first (an unknown tenant is a 404) and validates the
 * rest with `postgresDestinationConfigSchema`; this is the two together.
 */
export const createDestinationBody = postgresDestinationConfigSchema.safeExtend({ tenantId: z.uuid().describe('The tenant whose events go here') });

/** A field of the config as a patch takes it: optional, and without the default (a field left out keeps its value). */
function patchField<T extends z.ZodType>(field: T): z.ZodOptional<z.ZodType<z.output<T>, z.input<T>>> {
  return (field instanceof z.ZodDefault ? (field.unwrap() as z.ZodType) : field).optional() as never;
}

const [passwordAuth, rdsIamAuth] = postgresAuthSchema.options;
const { type: _type, ...patchableFields } = postgresDestinationConfigSchema.shape;

/**
 * `PATCH /admin/v1/destinations/:id`: any fields of the config but `type`
 * (and never `tenantId`), merged over the stored config, `auth` field by
 * field; the result is validated like a create (DestinationStore.merge).
 * `auth.password` left out, or sent back as "[REDACTED]", keeps the stored one.
 */
export const patchDestinationBody = z
  .object({
    ...Object.fromEntries(Object.entries(patchableFields).map(([name, field]) => [name, patchField(field)])),
    auth: z.union([passwordAuth.partial(), rdsIamAuth.partial()]).optional(),
  })
  .strict();

const isoTime = z.iso.datetime();

/** A destination as every answer shows it (DestinationStore.view): secrets redacted. */
export const destinationResponse = z.object({
  id: z.uuid(),
  tenantId: z.uuid(),
  name: z.string(),
  type: z.string().describe('`POSTGRES`'),
  config: postgresDestinationConfigSchema,
  paused: z.boolean(),
  pausedReason: z.enum(['operator', 'failures']).nullable().describe('`operator`: paused through the API; `failures`: paused by the worker after permanent failures'),
  pausedMessage: z.string().nullable(),
  pausedAt: isoTime.nullable(),
  createdAt: isoTime,
  updatedAt: isoTime,
});

export type DestinationViewMatches = Expect<Same<DestinationView, z.output<typeof destinationResponse>>>;

export const destinationListResponse = z.object({ items: z.array(destinationResponse) });

/** `POST /admin/v1/destinations/:id/test`: `ok: false` with the failing check when the database is reachable but wrong. */
export const destinationTestResponse = z.object({
  ok: z.boolean(),
  checks: z.array(
    z.object({
      name: z.string().describe('The step: `host` (the SSRF guard), `connect`, `tls`, `insert` (an INSERT rolled back)'),
      ok: z.boolean(),
      message: z.string().optional().describe('What the step found, or why it failed'),
    }),
  ),
});

export type DestinationTestReportMatches = Expect<Same<DestinationTestReport, z.output<typeof destinationTestResponse>>>;
