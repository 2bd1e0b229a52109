import type { DestinationView } from '@pushrail/control-db';
import type { DestinationTestReport } from '@pushrail/destination-core';
import { DESTINATION_TYPES, destinationConfigSchema, PROVIDERS } from '@pushrail/destinations';
import { z } from 'zod';
import type { Expect, Same } from '../../openapi/type-equality';

/** `GET /admin/v1/destinations?tenantId=`. */
export const destinationListQuery = z.object({ tenantId: z.string().uuid().optional() });

/** `GET …/ddl?eventType=` and `POST …/test?eventType=`: the table of that event type in `per_event_type` mode. */
export const eventTypeQuery = z.object({ eventType: z.string().min(1).max(255).optional() });

/** One schema per provider, joined; a union of one is only noise in the OpenAPI document. */
function oneOrUnion<T extends z.ZodType>(options: T[], union: (options: T[]) => z.ZodType): z.ZodType {
  return options.length === 1 ? options[0]! : union(options);
}

/**
 * `POST /admin/v1/destinations`: the tenant and a config of one of the
 * registered types. The route takes `tenantId` off first (an unknown tenant
 * is a 404) and validates the rest with the provider's schema; this is the
 * two together, one variant per provider, discriminated by `type`.
 */
export const createDestinationBody = oneOrUnion(
  PROVIDERS.map((p) => p.configSchema.safeExtend({ tenantId: z.uuid().describe('The tenant whose events go here') })),
  (options) => z.discriminatedUnion('type', options as unknown as [z.ZodObject]),
);

/**
 * A field of the config as a patch takes it: optional, and without the
 * default (a field left out keeps its value). A field the config may go
 * without (optional, or with a default) may also be `null`, which removes it
 * (JSON Merge Patch, mergeConfigPatch): the default applies again.
 */
function patchField(field: z.ZodType): z.ZodType {
  const clearable = field instanceof z.ZodDefault || field instanceof z.ZodOptional;
  const inner = field instanceof z.ZodDefault ? (field.unwrap() as z.ZodType) : field instanceof z.ZodOptional ? (field.unwrap() as z.ZodType) : field;
  // An object with modes (auth): any mode's fields, each optional, merged field by field (or replaced when `mode` changes).
  const patchable = inner instanceof z.ZodDiscriminatedUnion ? z.union((inner.options as z.ZodObject[]).map((option) => option.partial())) : inner;
  return clearable ? patchable.nullable().optional().describe(`${inner.description ? `${inner.description}. ` : ''}\`null\` removes it (its default applies)`) : patchable.optional();
}

/** The patchable fields of one provider's config: all but `type`. */
function patchShape(schema: z.ZodObject): Record<string, z.ZodType> {
  const { type: _type, ...fields } = schema.shape as Record<string, z.ZodType>;
  return Object.fromEntries(Object.entries(fields).map(([name, field]) => [name, patchField(field)]));
}

/**
 * `PATCH /admin/v1/destinations/:id`: any fields of the destination's config
 * but `type` (and never `tenantId`), merged over the stored config; the
 * result is validated like a create (DestinationStore.merge). A secret left
 * out, or sent back as "[REDACTED]", keeps the stored one; an optional field
 * sent as `null` is removed.
 */
export const patchDestinationBody = oneOrUnion(
  PROVIDERS.map((p) => z.object(patchShape(p.configSchema)).strict()),
  (options) => z.union(options as unknown as [z.ZodObject]),
);

const isoTime = z.iso.datetime();

/** A destination as every answer shows it (DestinationStore.view): secrets redacted. */
export const destinationResponse = z.object({
  id: z.uuid(),
  tenantId: z.uuid(),
  name: z.string(),
  type: z.string().describe(`The destination type: ${DESTINATION_TYPES.map((t) => `\`${t}\``).join(', ')}`),
  target: z
    .object({ host: z.string(), port: z.number().int(), database: z.string(), table: z.string().describe('Schema-qualified where the server has schemas') })
    .describe('Where it writes'),
  config: destinationConfigSchema,
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
