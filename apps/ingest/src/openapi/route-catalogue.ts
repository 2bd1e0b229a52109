import { destinationConfigSchema } from '@pushrail/destinations';
import { batchBodySchema, eventEnvelopeSchema, MAX_BATCH_EVENTS } from '@pushrail/events';
import { z } from 'zod';
import {
  DEAD_LETTER_ID,
  deadLetterListQuery,
  deadLetterListResponse,
  deadLetterResponse,
  deadLetterSummaryResponse,
  redriveBody,
  redriveByIdsOutcomeResponse,
  redriveOutcomeResponse,
  redriveResponse,
} from '../routes/admin/dead-letter-schemas';
import {
  createDestinationBody,
  destinationListQuery,
  destinationListResponse,
  destinationResponse,
  destinationTestResponse,
  eventTypeQuery,
  patchDestinationBody,
} from '../routes/admin/destination-schemas';
import { portalLinkBody, portalLinkResponse } from '../routes/admin/portal-link-schemas';
import {
  deadLetterScopeResponse,
  destinationTestQuery,
  destinationTypesResponse,
  portalDestinationConfigBody,
  portalDestinationListResponse,
  portalDestinationResponse,
  portalSessionResponse,
  setupGuideResponse,
  testEventAccepted,
  testEventBody,
  testEventStatusQuery,
  testEventStatusResponse,
  writeKeyListResponse as portalWriteKeyListResponse,
} from '../routes/portal/portal-schemas';
import { discardResponse } from '../routes/admin/dead-letter-discard-schemas';
import { destinationStatusResponse } from '../routes/admin/destination-status-schemas';
import { deleteTenantQuery, tenantListQuery, tenantListResponse, writeKeyListResponse } from '../routes/admin/tenant-operations-schemas';
import { createTenantBody, patchTenantBody, tenantResponse, writeKeyCreatedResponse } from '../routes/admin/tenant-schemas';
import { batchAcceptedResponse, eventAcceptedResponse } from '../routes/event-schemas';
import { healthResponse, readinessResponse } from '../routes/health-schemas';
import { openApiDocumentResponse } from '../routes/openapi-schemas';
import { MAX_SEGMENT_BATCH_BYTES, MAX_SEGMENT_MESSAGE_BYTES, SEGMENT_CALL_TYPES, segmentBatchSchema, segmentMessageSchema } from '../segment/segment-message';
import { segmentAcceptedResponse } from '../segment/segment-schemas';
import { errorResponse } from './error-schema';

/**
 * Every route of the ingest HTTP API, one entry each, with the zod schemas the
 * routes themselves use (requests) or whose types their views return
 * (responses). openapi-document.ts turns this into the OpenAPI document;
 * nothing here is a second copy of a schema.
 */

/** Request bodies by component name, converted as zod's input (fields with defaults optional, before transforms). */
export const REQUEST_SCHEMAS = {
  EventEnvelope: eventEnvelopeSchema,
  BatchRequest: batchBodySchema,
  CreateTenantRequest: createTenantBody,
  PatchTenantRequest: patchTenantBody,
  CreateDestinationRequest: createDestinationBody,
  PatchDestinationRequest: patchDestinationBody,
  RedriveRequest: redriveBody,
  SegmentMessage: segmentMessageSchema,
  SegmentBatchRequest: segmentBatchSchema,
  PortalLinkRequest: portalLinkBody,
  DestinationConfigRequest: portalDestinationConfigBody,
  TestEventRequest: testEventBody,
} satisfies Record<string, z.ZodType>;

/** Response bodies by component name, converted as zod's output (what the views build). */
export const RESPONSE_SCHEMAS = {
  Error: errorResponse,
  EventAccepted: eventAcceptedResponse,
  BatchAccepted: batchAcceptedResponse,
  Health: healthResponse,
  Readiness: readinessResponse,
  Tenant: tenantResponse,
  WriteKeyCreated: writeKeyCreatedResponse,
  TenantList: tenantListResponse,
  WriteKeyList: writeKeyListResponse,
  DestinationConfig: destinationConfigSchema,
  Destination: destinationResponse,
  DestinationList: destinationListResponse,
  DestinationTestReport: destinationTestResponse,
  DestinationStatus: destinationStatusResponse,
  DeadLetterSummary: deadLetterSummaryResponse,
  DeadLetterList: deadLetterListResponse,
  DeadLetter: deadLetterResponse,
  RedriveOutcome: redriveOutcomeResponse,
  RedriveByIdsOutcome: redriveByIdsOutcomeResponse,
  RedriveResult: redriveResponse,
  DiscardResult: discardResponse,
  OpenApiDocument: openApiDocumentResponse,
  SegmentAccepted: segmentAcceptedResponse,
  PortalLink: portalLinkResponse,
  PortalSession: portalSessionResponse,
  DestinationTypes: destinationTypesResponse,
  PortalDestination: portalDestinationResponse,
  PortalDestinationList: portalDestinationListResponse,
  SetupGuide: setupGuideResponse,
  TestEventAccepted: testEventAccepted,
  TestEventStatus: testEventStatusResponse,
  DeadLetterScope: deadLetterScopeResponse,
  PortalWriteKeyList: portalWriteKeyListResponse,
} satisfies Record<string, z.ZodType>;

export type RequestSchemaName = keyof typeof REQUEST_SCHEMAS;
export type ResponseSchemaName = keyof typeof RESPONSE_SCHEMAS;

/** Descriptions of the components whose zod schemas live in other packages and carry none. */
export const COMPONENT_DESCRIPTIONS: Partial<Record<RequestSchemaName | ResponseSchemaName, string>> = {
  EventEnvelope: 'The canonical event. An event is at most 1 MB of JSON; `payload` and `metadata` nest at most 32 levels.',
  BatchRequest: `Up to ${MAX_BATCH_EVENTS} events, all or nothing: each is validated as an EventEnvelope, and one invalid event refuses the batch (400 \`invalid_events\` lists every bad index).`,
  SegmentMessage:
    `One message of the Segment tracking spec, as Segment's and RudderStack's SDKs send it (any other field is kept in the event's metadata). At most ${MAX_SEGMENT_MESSAGE_BYTES / 1024} KB of JSON.`,
  SegmentBatchRequest: `Up to ${MAX_BATCH_EVENTS} messages in at most ${MAX_SEGMENT_BATCH_BYTES / 1024} KB of JSON, all or nothing; \`context\` is merged into each message's own.`,
  DestinationConfig:
    'A destination\'s config as answers show it, one shape per `type`: every default filled in, and every secret (`auth.password`) always "[REDACTED]".',
};

/**
 * `POST /v1/batch`'s `events` are `unknown` to zod (each is validated on its
 * own, so every bad index is reported); the document shows them as what they
 * must be.
 */
export const DOCUMENT_AS: ReadonlyMap<z.core.$ZodType, RequestSchemaName> = new Map<z.core.$ZodType, RequestSchemaName>([
  [batchBodySchema.shape.events.element, 'EventEnvelope'],
  [segmentBatchSchema.shape.batch.element, 'SegmentMessage'],
]);

/** Response headers the document names (components.headers). */
export const HEADERS = {
  RetryAfter: { name: 'Retry-After', description: 'Seconds to wait before retrying', schema: { type: 'integer', minimum: 1 } },
  WWWAuthenticate: {
    name: 'WWW-Authenticate',
    description:
      'The schemes the admin token may come in, each challenge in a header of its own: `Bearer realm="pushrail-admin"` and `Basic realm="pushrail-admin", charset="UTF-8"` (any user name, the token as the password)',
    schema: { type: 'string' },
  },
} as const;
export type HeaderName = keyof typeof HEADERS;

export type ResponseSpec =
  /** A JSON body of a component of RESPONSE_SCHEMAS. */
  | { description: string; json: ResponseSchemaName; headers?: HeaderName[] }
  /** A body of another media type, not described further. */
  | { description: string; media: 'text/plain' | 'text/html' }
  /** No body. */
  | { description: string };

export type Tag = 'events' | 'segment' | 'tenants' | 'destinations' | 'dead-letters' | 'operations' | 'portal';

export const TAGS: Record<Tag, string> = {
  events: 'Events in, with a write key',
  segment: 'The Segment HTTP tracking API, for unmodified Segment and RudderStack SDKs: each message becomes one canonical event',
  tenants: 'Tenants and their write keys',
  destinations: 'Where a tenant\'s events are delivered',
  'dead-letters': 'Events that could not be delivered: list, inspect, redrive',
  operations: 'Health, metrics, Bull Board and this document',
  portal: 'The customer portal: its page, and its API scoped to the tenant of the session (docs/portal.md)',
};

export interface RouteSpec {
  method: 'get' | 'post' | 'patch' | 'delete';
  /** OpenAPI path template: `/admin/v1/tenants/{id}`. */
  path: string;
  operationId: string;
  summary: string;
  description?: string;
  tag: Tag;
  /** `portalSession`: the session cookie, and on every change also the session's CSRF token header. */
  auth: 'writeKey' | 'segmentWriteKey' | 'adminToken' | 'portalSession' | 'none';
  /** Each `{…}` of `path`, as a zod schema with its description. */
  pathParams?: Record<string, z.ZodType>;
  /** The query string, as the zod object the route parses it with. */
  query?: z.ZodType;
  /** The JSON request body. */
  body?: RequestSchemaName;
  /** Every status the route answers with. */
  responses: Record<number, ResponseSpec>;
}

const error = (description: string, headers?: HeaderName[]): ResponseSpec => ({ description, json: 'Error', ...(headers ? { headers } : {}) });

/** Any route that reads the control database or Redis may fail unexpectedly; the answer says nothing more (http-errors.ts). */
const INTERNAL = {
  500: error('An unexpected failure (`internal`); the answer reveals nothing, the cause is in the log'),
} satisfies Record<number, ResponseSpec>;

/** Statuses of every admin route: the token is checked before anything else. */
const ADMIN = {
  401: error('No or wrong admin token (a 401, never a redirect)', ['WWWAuthenticate']),
  ...INTERNAL,
} satisfies Record<number, ResponseSpec>;

/** Statuses of a route that reads a JSON body, besides its own validation's 400. */
const JSON_BODY = {
  413: error('The body is over the 5 MB limit'),
  415: error('The body is not `application/json` (UTF-8)'),
} satisfies Record<number, ResponseSpec>;

const badRequest = (what: string): ResponseSpec =>
  error(`${what}; \`issues\` gives the path and problem of each (\`invalid_request\`), or the body is not JSON (\`invalid_json\`)`);
const badQuery = (what: string): ResponseSpec => error(`${what}; \`issues\` gives each problem (\`invalid_request\`)`);
const notFound = (what: string): ResponseSpec => error(`No such ${what}`);
const QUEUE_DOWN = error('Redis cannot take the change now; nothing was changed, retry later', ['RetryAfter']);

const tenantId = z.uuid().describe('A tenant id (anything else is a 404)');
const linkToken = z.string().describe('The token of a link from `POST /admin/v1/tenants/{id}/portal-links`');
const LINK_GONE = error('The link was used already, has expired or was never issued (`gone`); a browser gets a page saying so');
const destinationId = z.uuid().describe('A destination id (anything else is a 404)');
const writeKeyId = z.uuid().describe('A write key id (anything else is a 404)');
const deadLetterId = z.string().regex(DEAD_LETTER_ID).describe('A dead letter id: a positive whole number (anything else is a 404)');

const WRITE_KEY_ERRORS = {
  401: error('Missing, unknown or revoked write key'),
  415: JSON_BODY[415],
  429: error("The tenant is over its rate limit (`rateLimitPerSec`); nothing was accepted", ['RetryAfter']),
  503: error('Redis cannot take the write; nothing was accepted (never a 202 then), retry later', ['RetryAfter']),
  ...INTERNAL,
} satisfies Record<number, ResponseSpec>;

/** Statuses of the Segment routes besides 200 and 400: the SDKs retry 429, 500 and 503, and give up on 401 and 415. */
const SEGMENT_ERRORS = {
  ...WRITE_KEY_ERRORS,
  401: error('Missing, unknown or revoked write key (the user name of HTTP Basic)'),
  415: error('A `Content-Encoding` other than gzip'),
} satisfies Record<number, ResponseSpec>;

const SEGMENT_BODY =
  'JSON, gzip-compressed or not (by `Content-Encoding: gzip` or its bytes), whatever the `Content-Type`. Answers once the events are durable in Redis. Each message becomes one canonical event (the mapping table in the README).';

/** The operation of `POST /segment/v1/<type>`: `postSegmentTrack` for `track`. */
export const segmentCallOperationId = (type: string): string => `postSegment${type[0]!.toUpperCase()}${type.slice(1)}`;

export const ROUTES: readonly RouteSpec[] = [
  {
    method: 'post',
    path: '/v1/events',
    operationId: 'postEvent',
    summary: 'Send one event',
    description: 'Answers 202 once the event is durable in Redis for every destination of the tenant.',
    tag: 'events',
    auth: 'writeKey',
    body: 'EventEnvelope',
    responses: {
      202: { description: 'Accepted: durable in Redis for every destination', json: 'EventAccepted' },
      400: badRequest('The event is invalid; nothing was accepted'),
      ...WRITE_KEY_ERRORS,
      413: error('The body is over the 5 MB limit, or the event over the 1 MB limit'),
    },
  },
  {
    method: 'post',
    path: '/v1/batch',
    operationId: 'postBatch',
    summary: `Send up to ${MAX_BATCH_EVENTS} events, all or nothing`,
    tag: 'events',
    auth: 'writeKey',
    body: 'BatchRequest',
    responses: {
      202: { description: 'Every event accepted: durable in Redis for every destination', json: 'BatchAccepted' },
      400: error(
        'Nothing was accepted: the body is not JSON (`invalid_json`) or not `{"events":[…]}` with 1 to ' +
          `${MAX_BATCH_EVENTS} events (\`invalid_request\`, with \`issues\`), or some events are invalid (\`invalid_events\`, with \`invalidEvents\` listing each bad index)`,
      ),
      ...WRITE_KEY_ERRORS,
      413: JSON_BODY[413],
    },
  },
  {
    method: 'post',
    path: '/segment/v1/batch',
    operationId: 'postSegmentBatch',
    summary: 'Send a batch of Segment messages, all or nothing',
    description: SEGMENT_BODY,
    tag: 'segment',
    auth: 'segmentWriteKey',
    body: 'SegmentBatchRequest',
    responses: {
      200: { description: 'Every message accepted: durable in Redis for every destination', json: 'SegmentAccepted' },
      400: error(
        `Nothing was accepted: the body is not JSON or gzip (\`invalid_json\`), not \`{"batch":[…]}\` with 1 to ${MAX_BATCH_EVENTS} messages (\`invalid_request\`), ` +
          `over ${MAX_SEGMENT_BATCH_BYTES / 1024} KB (\`batch_too_large\`, Segment's own 400), or some messages are invalid or over ${MAX_SEGMENT_MESSAGE_BYTES / 1024} KB (\`invalid_events\`, listing each bad index)`,
      ),
      ...SEGMENT_ERRORS,
    },
  },
  ...SEGMENT_CALL_TYPES.map(
    (type): RouteSpec => ({
      method: 'post',
      path: `/segment/v1/${type}`,
      operationId: segmentCallOperationId(type),
      summary: `Send one Segment ${type} message`,
      description: `${SEGMENT_BODY} The message's \`type\` may be left out; when given it must be \`${type}\`.`,
      tag: 'segment',
      auth: 'segmentWriteKey',
      body: 'SegmentMessage',
      responses: {
        200: { description: 'Accepted: durable in Redis for every destination', json: 'SegmentAccepted' },
        400: error(
          `Nothing was accepted: the body is not JSON or gzip (\`invalid_json\`), the message is invalid (\`invalid_request\`, with \`issues\`), or over ${MAX_SEGMENT_MESSAGE_BYTES / 1024} KB (\`message_too_large\`, Segment's own 400)`,
        ),
        ...SEGMENT_ERRORS,
      },
    }),
  ),
  {
    method: 'post',
    path: '/admin/v1/tenants',
    operationId: 'createTenant',
    summary: 'Create a tenant',
    tag: 'tenants',
    auth: 'adminToken',
    body: 'CreateTenantRequest',
    responses: { 201: { description: 'Created', json: 'Tenant' }, 400: badRequest('The body is invalid'), ...ADMIN, ...JSON_BODY },
  },
  {
    method: 'get',
    path: '/admin/v1/tenants/{id}',
    operationId: 'getTenant',
    summary: 'Get a tenant',
    tag: 'tenants',
    auth: 'adminToken',
    pathParams: { id: tenantId },
    responses: { 200: { description: 'The tenant', json: 'Tenant' }, ...ADMIN, 404: notFound('tenant') },
  },
  {
    method: 'patch',
    path: '/admin/v1/tenants/{id}',
    operationId: 'patchTenant',
    summary: 'Rename a tenant or set its rate limit',
    description: 'A rate limit takes effect on every ingest process within 2 seconds.',
    tag: 'tenants',
    auth: 'adminToken',
    pathParams: { id: tenantId },
    body: 'PatchTenantRequest',
    responses: {
      200: { description: 'The tenant as changed', json: 'Tenant' },
      400: badRequest('The body is invalid'),
      ...ADMIN,
      404: notFound('tenant'),
      ...JSON_BODY,
    },
  },
  {
    method: 'post',
    path: '/admin/v1/tenants/{id}/write-keys',
    operationId: 'createWriteKey',
    summary: 'Create a write key',
    description: 'The key is in this answer only: it is stored hashed.',
    tag: 'tenants',
    auth: 'adminToken',
    pathParams: { id: tenantId },
    responses: { 201: { description: 'Created; `key` is shown this once', json: 'WriteKeyCreated' }, ...ADMIN, 404: notFound('tenant') },
  },
  {
    method: 'get',
    path: '/admin/v1/tenants',
    operationId: 'listTenants',
    summary: 'List tenants',
    description: 'In the order they were created, a page at a time.',
    tag: 'tenants',
    auth: 'adminToken',
    query: tenantListQuery,
    responses: { 200: { description: 'A page of tenants', json: 'TenantList' }, 400: badQuery('The query is invalid'), ...ADMIN },
  },
  {
    method: 'get',
    path: '/admin/v1/tenants/{id}/write-keys',
    operationId: 'listWriteKeys',
    summary: "List a tenant's write keys",
    description: 'Id, prefix, when created, last used (to the minute) and revoked; never the key.',
    tag: 'tenants',
    auth: 'adminToken',
    pathParams: { id: tenantId },
    responses: { 200: { description: 'The keys, oldest first', json: 'WriteKeyList' }, ...ADMIN, 404: notFound('tenant') },
  },
  {
    method: 'delete',
    path: '/admin/v1/tenants/{id}',
    operationId: 'deleteTenant',
    summary: 'Delete a tenant',
    description:
      'Its write keys stop working at once (within 0.5 s on other ingest processes); its destinations and their dead letters are deleted. Events still queued for its destinations are dropped only with `force=true`; without it such a delete answers 409 naming each destination and its queued jobs.',
    tag: 'tenants',
    auth: 'adminToken',
    pathParams: { id: tenantId },
    query: deleteTenantQuery,
    responses: {
      204: { description: 'Deleted' },
      400: badQuery('The query is invalid'),
      ...ADMIN,
      404: notFound('tenant'),
      409: error('Events are still queued for its destinations (`queued` names each); nothing was deleted'),
      503: QUEUE_DOWN,
    },
  },
  {
    method: 'delete',
    path: '/admin/v1/write-keys/{id}',
    operationId: 'revokeWriteKey',
    summary: 'Revoke a write key',
    description: 'The key stops working at once on this process, and within 0.5 s on every other.',
    tag: 'tenants',
    auth: 'adminToken',
    pathParams: { id: writeKeyId },
    responses: { 204: { description: 'Revoked' }, ...ADMIN, 404: notFound('write key') },
  },
  {
    method: 'post',
    path: '/admin/v1/destinations',
    operationId: 'createDestination',
    summary: 'Create a destination',
    description:
      'The config is validated, and its host must resolve to public addresses only (the SSRF guard) unless PUSHRAIL_ALLOW_PRIVATE_HOSTS is true. The password is stored encrypted and never shown again.',
    tag: 'destinations',
    auth: 'adminToken',
    body: 'CreateDestinationRequest',
    responses: {
      201: { description: 'Created, secrets redacted', json: 'Destination' },
      400: badRequest('The config is invalid, or its host is not allowed'),
      ...ADMIN,
      404: notFound('tenant'),
      ...JSON_BODY,
    },
  },
  {
    method: 'get',
    path: '/admin/v1/destinations',
    operationId: 'listDestinations',
    summary: 'List destinations',
    tag: 'destinations',
    auth: 'adminToken',
    query: destinationListQuery,
    responses: {
      200: { description: 'Every destination (of the tenant, when given), secrets redacted', json: 'DestinationList' },
      400: badQuery('The query is invalid'),
      ...ADMIN,
    },
  },
  {
    method: 'get',
    path: '/admin/v1/destinations/{id}',
    operationId: 'getDestination',
    summary: 'Get a destination',
    tag: 'destinations',
    auth: 'adminToken',
    pathParams: { id: destinationId },
    responses: { 200: { description: 'The destination, secrets redacted', json: 'Destination' }, ...ADMIN, 404: notFound('destination') },
  },
  {
    method: 'patch',
    path: '/admin/v1/destinations/{id}',
    operationId: 'patchDestination',
    summary: 'Change a destination',
    description:
      'The fields given are merged over the stored config as a JSON Merge Patch (an optional field sent as `null` is removed, so its default applies), and the result is validated like a create (SSRF guard included).',
    tag: 'destinations',
    auth: 'adminToken',
    pathParams: { id: destinationId },
    body: 'PatchDestinationRequest',
    responses: {
      200: { description: 'The destination as changed, secrets redacted', json: 'Destination' },
      400: badRequest('The merged config is invalid, its host is not allowed, or the patch names `tenantId` or `type`'),
      ...ADMIN,
      404: notFound('destination'),
      ...JSON_BODY,
    },
  },
  {
    method: 'delete',
    path: '/admin/v1/destinations/{id}',
    operationId: 'deleteDestination',
    summary: 'Delete a destination',
    description: 'Its queued events are dropped: they have nowhere to go any more.',
    tag: 'destinations',
    auth: 'adminToken',
    pathParams: { id: destinationId },
    responses: { 204: { description: 'Deleted' }, ...ADMIN, 404: notFound('destination'), 503: QUEUE_DOWN },
  },
  {
    method: 'post',
    path: '/admin/v1/destinations/{id}/test',
    operationId: 'testDestination',
    summary: 'Check a destination',
    description:
      'Connects, checks TLS, and tries an INSERT inside a transaction that is rolled back. A reachable but wrong destination (missing table, no privilege) answers 200 with `ok: false` and the failing check; a 4xx means the request itself is bad.',
    tag: 'destinations',
    auth: 'adminToken',
    pathParams: { id: destinationId },
    query: eventTypeQuery,
    responses: {
      200: { description: 'What each check found', json: 'DestinationTestReport' },
      400: badQuery('The query is invalid'),
      ...ADMIN,
      404: notFound('destination'),
    },
  },
  {
    method: 'post',
    path: '/admin/v1/destinations/{id}/pause',
    operationId: 'pauseDestination',
    summary: 'Pause a destination',
    description: 'Events are still accepted and queued; none are delivered until it is resumed.',
    tag: 'destinations',
    auth: 'adminToken',
    pathParams: { id: destinationId },
    responses: { 200: { description: 'The destination, paused', json: 'Destination' }, ...ADMIN, 404: notFound('destination'), 503: QUEUE_DOWN },
  },
  {
    method: 'post',
    path: '/admin/v1/destinations/{id}/resume',
    operationId: 'resumeDestination',
    summary: 'Resume a destination',
    tag: 'destinations',
    auth: 'adminToken',
    pathParams: { id: destinationId },
    responses: { 200: { description: 'The destination, running', json: 'Destination' }, ...ADMIN, 404: notFound('destination'), 503: QUEUE_DOWN },
  },
  {
    method: 'get',
    path: '/admin/v1/destinations/{id}/ddl',
    operationId: 'getDestinationDdl',
    summary: 'The DDL and GRANTs the customer runs',
    description:
      'CREATE TABLE and GRANT statements for the INSERT-only role. Pushrail never creates the customer\'s tables. In `per_event_type` mode, `eventType` names the table of that type.',
    tag: 'destinations',
    auth: 'adminToken',
    pathParams: { id: destinationId },
    query: eventTypeQuery,
    responses: {
      200: { description: 'SQL to run on the customer\'s database', media: 'text/plain' },
      400: badQuery('The query is invalid'),
      ...ADMIN,
      404: notFound('destination'),
    },
  },
  {
    method: 'get',
    path: '/admin/v1/destinations/{id}/status',
    operationId: 'getDestinationStatus',
    summary: "A destination's state, queue and delivery figures",
    description:
      'Cheap to poll for a page of destinations: read from Redis only (queue keys and counters workers keep per batch), never from the customer\'s table. `delivered24h` and `deadLettered24h` cover the last 24 hours to 10 minutes.',
    tag: 'destinations',
    auth: 'adminToken',
    pathParams: { id: destinationId },
    responses: {
      200: { description: 'The status', json: 'DestinationStatus' },
      ...ADMIN,
      404: notFound('destination'),
      503: error('Redis cannot be read now; retry later', ['RetryAfter']),
    },
  },
  {
    method: 'get',
    path: '/admin/v1/dead-letters',
    operationId: 'listDeadLetters',
    summary: 'List dead letters',
    description: 'Oldest first, a page at a time; `since`/`until` filter on the time the event was dead-lettered.',
    tag: 'dead-letters',
    auth: 'adminToken',
    query: deadLetterListQuery,
    responses: {
      200: { description: 'A page of dead letters, without their events', json: 'DeadLetterList' },
      400: badQuery('The query is invalid'),
      ...ADMIN,
    },
  },
  {
    method: 'get',
    path: '/admin/v1/dead-letters/{id}',
    operationId: 'getDeadLetter',
    summary: 'Get a dead letter with its event and error',
    tag: 'dead-letters',
    auth: 'adminToken',
    pathParams: { id: deadLetterId },
    responses: { 200: { description: 'The dead letter', json: 'DeadLetter' }, ...ADMIN, 404: notFound('dead letter') },
  },
  {
    method: 'post',
    path: '/admin/v1/dead-letters/redrive',
    operationId: 'redriveDeadLetters',
    summary: 'Send dead letters through again',
    description:
      'By ids, or by destination with optional error kind and time range. Only dead letters not yet redriven are sent, so a repeat sends nothing twice, and the customer\'s table skips an event already there.',
    tag: 'dead-letters',
    auth: 'adminToken',
    body: 'RedriveRequest',
    responses: {
      202: { description: 'Enqueued again (RedriveByIdsOutcome for a redrive by ids)', json: 'RedriveResult' },
      400: badRequest('The body is invalid'),
      ...ADMIN,
      ...JSON_BODY,
    },
  },
  {
    method: 'delete',
    path: '/admin/v1/dead-letters',
    operationId: 'discardDeadLetters',
    summary: 'Discard dead letters',
    description:
      'By ids, or by destination with optional error kind and time range (the body of a redrive). Only pending dead letters are discarded: a discarded one is never redriven, and it is deleted, like a redriven one, PUSHRAIL_DEAD_LETTER_RETENTION_DAYS after (default 30).',
    tag: 'dead-letters',
    auth: 'adminToken',
    body: 'RedriveRequest',
    responses: {
      200: { description: 'How many were discarded (and, by ids, what was left alone)', json: 'DiscardResult' },
      400: badRequest('The body is invalid'),
      ...ADMIN,
      ...JSON_BODY,
    },
  },
  {
    method: 'get',
    path: '/admin/queues',
    operationId: 'bullBoard',
    summary: 'Bull Board',
    description:
      'Every destination\'s queue, named after the destination. A browser may send the admin token as the password of HTTP Basic.',
    tag: 'operations',
    auth: 'adminToken',
    responses: { 200: { description: 'Bull Board\'s page', media: 'text/html' }, ...ADMIN },
  },
  {
    method: 'get',
    path: '/metrics',
    operationId: 'metrics',
    summary: 'Prometheus metrics',
    tag: 'operations',
    auth: 'none',
    responses: { 200: { description: 'Prometheus text exposition format', media: 'text/plain' }, ...INTERNAL },
  },
  {
    method: 'get',
    path: '/healthz',
    operationId: 'health',
    summary: 'Liveness',
    tag: 'operations',
    auth: 'none',
    responses: { 200: { description: 'The process lives', json: 'Health' } },
  },
  {
    method: 'get',
    path: '/readyz',
    operationId: 'readiness',
    summary: 'Readiness: Redis and the control database answer',
    tag: 'operations',
    auth: 'none',
    responses: {
      200: { description: 'Ready', json: 'Readiness' },
      503: { description: 'Not ready: `checks` names the dependency that did not answer', json: 'Readiness' },
    },
  },
  {
    method: 'get',
    path: '/openapi.json',
    operationId: 'openApiDocument',
    summary: 'This document',
    tag: 'operations',
    auth: 'none',
    responses: { 200: { description: 'The OpenAPI 3.1 document of this API', json: 'OpenApiDocument' } },
  },
];

// --- the customer portal (docs/portal.md) ---

/** Statuses of every portal API route: the session is checked before anything else. */
const PORTAL = {
  401: error('No portal session, or it expired: open the portal through a new link'),
  ...INTERNAL,
} satisfies Record<number, ResponseSpec>;

/** Statuses of every portal API change, besides PORTAL's. */
const PORTAL_CHANGE = {
  ...PORTAL,
  403: error("The CSRF token header is missing or wrong, or the session is read-only (`forbidden`)"),
} satisfies Record<number, ResponseSpec>;

const notOwn = (what: string): ResponseSpec => error(`No such ${what} for the session's tenant (another tenant's reads exactly the same)`);

const portalRoutes: RouteSpec[] = [
  {
    method: 'post',
    path: '/admin/v1/tenants/{id}/portal-links',
    operationId: 'createPortalLink',
    summary: 'Make a single-use link to the customer portal',
    description:
      'The link opens a portal session for this tenant only, once, within PUSHRAIL_PORTAL_LINK_TTL_SEC (15 minutes by default); it is on PUSHRAIL_PUBLIC_URL, or else on the origin this request came to.',
    tag: 'portal',
    auth: 'adminToken',
    pathParams: { id: tenantId },
    body: 'PortalLinkRequest',
    responses: { 201: { description: 'The link', json: 'PortalLink' }, 400: badRequest('The body is invalid'), ...ADMIN, 404: notFound('tenant'), ...JSON_BODY },
  },
  {
    method: 'get',
    path: '/portal/open/{token}',
    operationId: 'openPortalLink',
    summary: 'Show a portal link',
    description:
      "The link's page, which leaves the link unused: a form that POSTs it back, submitted at once by a same-origin script. A browser goes straight on to the portal; a service that fetches links to preview them runs no script, so it cannot use the link up.",
    tag: 'portal',
    auth: 'none',
    pathParams: { token: linkToken },
    responses: {
      200: { description: 'The link can be used: its page', media: 'text/html' },
      410: LINK_GONE,
      ...INTERNAL,
    },
  },
  {
    method: 'post',
    path: '/portal/open/{token}',
    operationId: 'usePortalLink',
    summary: 'Use a portal link',
    description: 'Uses the link up, sets the session cookie (HttpOnly, SameSite, Secure behind HTTPS) and answers a page that goes on to `/portal/` at once (a meta refresh).',
    tag: 'portal',
    auth: 'none',
    pathParams: { token: linkToken },
    responses: {
      200: { description: 'Session opened: a page that goes on to the portal', media: 'text/html' },
      410: LINK_GONE,
      ...INTERNAL,
    },
  },
  {
    method: 'get',
    path: '/portal',
    operationId: 'portalPage',
    summary: 'The customer portal',
    description: 'Static files; everything the page shows comes from the portal API below, with the session cookie.',
    tag: 'portal',
    auth: 'none',
    responses: { 200: { description: 'The page', media: 'text/html' } },
  },
  {
    method: 'get',
    path: '/portal/api/session',
    operationId: 'portalSession',
    summary: 'The session: its tenant, whether it is read-only, its CSRF token',
    tag: 'portal',
    auth: 'portalSession',
    responses: { 200: { description: 'The session', json: 'PortalSession' }, ...PORTAL },
  },
  {
    method: 'post',
    path: '/portal/api/session/logout',
    operationId: 'portalLogout',
    summary: 'End the session',
    tag: 'portal',
    auth: 'portalSession',
    responses: { 204: { description: 'Ended; the cookie is cleared' }, ...PORTAL_CHANGE },
  },
  {
    method: 'get',
    path: '/portal/api/destination-types',
    operationId: 'portalDestinationTypes',
    summary: 'The destination types and their config schemas (what the add form renders from)',
    tag: 'portal',
    auth: 'portalSession',
    responses: { 200: { description: 'One entry per provider', json: 'DestinationTypes' }, ...PORTAL },
  },
  {
    method: 'get',
    path: '/portal/api/destinations',
    operationId: 'portalListDestinations',
    summary: "The tenant's destinations, each with its status",
    tag: 'portal',
    auth: 'portalSession',
    responses: { 200: { description: 'The list, secrets redacted', json: 'PortalDestinationList' }, ...PORTAL },
  },
  {
    method: 'post',
    path: '/portal/api/destinations',
    operationId: 'portalCreateDestination',
    summary: 'Add a destination',
    description: 'Validated like `POST /admin/v1/destinations` (the provider\'s schema, then the SSRF guard); the tenant is the session\'s.',
    tag: 'portal',
    auth: 'portalSession',
    body: 'DestinationConfigRequest',
    responses: {
      201: { description: 'Created, secrets redacted', json: 'PortalDestination' },
      400: badRequest('The config is invalid'),
      ...PORTAL_CHANGE,
      ...JSON_BODY,
    },
  },
  {
    method: 'get',
    path: '/portal/api/destinations/{id}',
    operationId: 'portalGetDestination',
    summary: 'One destination with its status',
    tag: 'portal',
    auth: 'portalSession',
    pathParams: { id: destinationId },
    responses: { 200: { description: 'The destination, secrets redacted', json: 'PortalDestination' }, ...PORTAL, 404: notOwn('destination') },
  },
  {
    method: 'patch',
    path: '/portal/api/destinations/{id}',
    operationId: 'portalPatchDestination',
    summary: 'Edit a destination',
    description:
      'Merged over the stored config and validated like a create; a secret left out, or sent back as "[REDACTED]", keeps the stored one, and an optional field sent as `null` is removed (its default applies).',
    tag: 'portal',
    auth: 'portalSession',
    pathParams: { id: destinationId },
    body: 'PatchDestinationRequest',
    responses: {
      200: { description: 'The destination as changed', json: 'PortalDestination' },
      400: badRequest('The change is invalid'),
      ...PORTAL_CHANGE,
      404: notOwn('destination'),
      ...JSON_BODY,
    },
  },
  ...(['pause', 'resume'] as const).map(
    (action): RouteSpec => ({
      method: 'post',
      path: `/portal/api/destinations/{id}/${action}`,
      operationId: action === 'pause' ? 'portalPauseDestination' : 'portalResumeDestination',
      summary: action === 'pause' ? 'Pause a destination (its events wait in its queue)' : 'Resume a destination',
      tag: 'portal',
      auth: 'portalSession',
      pathParams: { id: destinationId },
      responses: {
        200: { description: 'The destination', json: 'PortalDestination' },
        ...PORTAL_CHANGE,
        404: notOwn('destination'),
        503: QUEUE_DOWN,
      },
    }),
  ),
  {
    method: 'get',
    path: '/portal/api/destinations/{id}/setup-guide',
    operationId: 'portalSetupGuide',
    summary: 'The DDL and grants to run for the destination (for one event type in `per_event_type` mode)',
    tag: 'portal',
    auth: 'portalSession',
    pathParams: { id: destinationId },
    query: eventTypeQuery,
    responses: { 200: { description: 'The statements', json: 'SetupGuide' }, 400: badQuery('The query is invalid'), ...PORTAL, 404: notOwn('destination') },
  },
  {
    method: 'post',
    path: '/portal/api/destination-tests',
    operationId: 'portalTestDestinationConfig',
    summary: 'Test a config before saving it',
    description:
      "Runs the provider's checks (host allowed, connect, TLS, privilege, table, an INSERT rolled back) on the config in the body; with `destinationId`, on that destination's config changed by the body (secrets kept unless given).",
    tag: 'portal',
    auth: 'portalSession',
    query: destinationTestQuery,
    body: 'DestinationConfigRequest',
    responses: {
      200: { description: 'Each check; `ok: false` names the one that failed', json: 'DestinationTestReport' },
      400: badRequest('The config or the query is invalid'),
      ...PORTAL_CHANGE,
      404: notOwn('destination'),
      ...JSON_BODY,
    },
  },
  {
    method: 'post',
    path: '/portal/api/destinations/{id}/test-events',
    operationId: 'portalSendTestEvent',
    summary: 'Send a test event to this destination only',
    tag: 'portal',
    auth: 'portalSession',
    pathParams: { id: destinationId },
    body: 'TestEventRequest',
    responses: {
      202: { description: 'Queued for the destination', json: 'TestEventAccepted' },
      400: badRequest('The body is invalid'),
      ...PORTAL_CHANGE,
      404: notOwn('destination'),
      ...JSON_BODY,
      503: error('Redis cannot take the event; nothing was sent, retry later', ['RetryAfter']),
    },
  },
  {
    method: 'get',
    path: '/portal/api/destinations/{id}/test-events/{eventId}',
    operationId: 'portalTestEventStatus',
    summary: 'How a test event fared: pending, delivered, or dead-lettered with its error',
    tag: 'portal',
    auth: 'portalSession',
    pathParams: { id: destinationId, eventId: z.uuid().describe('From the answer that sent it') },
    query: testEventStatusQuery,
    responses: { 200: { description: 'Its state', json: 'TestEventStatus' }, 400: badQuery('The query is invalid'), ...PORTAL, 404: notOwn('destination') },
  },
  {
    method: 'get',
    path: '/portal/api/dead-letters',
    operationId: 'portalListDeadLetters',
    summary: "The tenant's dead letters: of one destination (destinationId), or of all of them",
    tag: 'portal',
    auth: 'portalSession',
    query: deadLetterListQuery,
    responses: {
      200: { description: 'A page', json: 'DeadLetterList' },
      400: badQuery('The query is invalid'),
      ...PORTAL,
      404: notOwn('destination'),
    },
  },
  {
    method: 'get',
    path: '/portal/api/dead-letter-scope',
    operationId: 'portalDeadLetterScope',
    summary: 'How many pending dead letters a filter matches (one destination, or all of the tenant\'s), for a redrive with progress',
    tag: 'portal',
    auth: 'portalSession',
    query: deadLetterListQuery,
    responses: { 200: { description: 'The count and the newest id', json: 'DeadLetterScope' }, 400: badQuery('The query is invalid'), ...PORTAL, 404: notOwn('destination') },
  },
  {
    method: 'get',
    path: '/portal/api/dead-letters/{id}',
    operationId: 'portalGetDeadLetter',
    summary: 'One dead letter with its event and error',
    tag: 'portal',
    auth: 'portalSession',
    pathParams: { id: deadLetterId },
    responses: { 200: { description: 'The dead letter', json: 'DeadLetter' }, ...PORTAL, 404: notOwn('dead letter') },
  },
  {
    method: 'post',
    path: '/portal/api/dead-letters/redrive',
    operationId: 'portalRedriveDeadLetters',
    summary: 'Send dead letters through again, by ids or by filter',
    description: "As the admin redrive; ids of other tenants' dead letters count as not found.",
    tag: 'portal',
    auth: 'portalSession',
    body: 'RedriveRequest',
    responses: {
      202: { description: 'Enqueued again', json: 'RedriveResult' },
      400: badRequest('The body is invalid'),
      ...PORTAL_CHANGE,
      404: notOwn('destination'),
      ...JSON_BODY,
    },
  },
  {
    method: 'get',
    path: '/portal/api/write-keys',
    operationId: 'portalListWriteKeys',
    summary: "The tenant's write keys, newest first (prefix and dates, never the key)",
    tag: 'portal',
    auth: 'portalSession',
    responses: { 200: { description: 'The keys', json: 'PortalWriteKeyList' }, ...PORTAL },
  },
  {
    method: 'post',
    path: '/portal/api/write-keys',
    operationId: 'portalCreateWriteKey',
    summary: 'Create a write key (shown this once)',
    tag: 'portal',
    auth: 'portalSession',
    responses: { 201: { description: 'Created; `key` is shown this once', json: 'WriteKeyCreated' }, ...PORTAL_CHANGE },
  },
  {
    method: 'delete',
    path: '/portal/api/write-keys/{id}',
    operationId: 'portalRevokeWriteKey',
    summary: 'Revoke a write key; it stops working at once',
    tag: 'portal',
    auth: 'portalSession',
    pathParams: { id: writeKeyId },
    responses: { 204: { description: 'Revoked' }, ...PORTAL_CHANGE, 404: notOwn('write key') },
  },
];

/** Every route: the API's and the portal's. */
export const ALL_ROUTES: readonly RouteSpec[] = [...ROUTES, ...portalRoutes];
