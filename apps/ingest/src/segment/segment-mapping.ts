import type { SegmentMessage } from './segment-message';

/** `source` of an event whose message names no library (`context.library.name`). */
export const DEFAULT_SEGMENT_SOURCE = 'segment';

/**
 * Fields never copied into metadata: `writeKey` is a secret (the HTTP API
 * lets a caller put it in the body), so it must not land in a customer's row.
 */
const NEVER_STORED = new Set(['writeKey']);

/** The canonical event before validation: @pushrail/events' envelope checks it next (depth, sizes). */
export interface MappedEvent {
  eventType: string;
  occurredAt: string;
  source: string;
  customerExternalId?: string;
  idempotencyKey?: string;
  payload: Record<string, unknown>;
  metadata: Record<string, unknown>;
}

/** The field a message's payload comes from: `properties`, else `traits` (identify, group), else none. */
export function payloadField(message: SegmentMessage): 'properties' | 'traits' | undefined {
  if (message.properties !== undefined) return 'properties';
  if (message.traits !== undefined) return 'traits';
  return undefined;
}

function libraryName(context: Record<string, unknown> | undefined): string | undefined {
  const library = context?.library;
  if (library === null || typeof library !== 'object') return undefined;
  const name = (library as Record<string, unknown>).name;
  return typeof name === 'string' && name.length > 0 && name.length <= 255 ? name : undefined;
}

/**
 * One Segment message as one canonical event (the mapping table in README.md,
 * "Segment and RudderStack SDKs"). `receivedAt` is the request's receipt time, the event's
 * time when the message gives none.
 */
export function segmentToEvent(message: SegmentMessage, receivedAt: Date): MappedEvent {
  const payloadFrom = payloadField(message);
  const metadata: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(message)) {
    if (key === payloadFrom || NEVER_STORED.has(key) || value === undefined) continue;
    metadata[key] = value;
  }
  const customerExternalId = message.userId ?? message.anonymousId;
  return {
    eventType: message.type === 'track' ? message.event! : message.type,
    occurredAt: message.timestamp ?? message.originalTimestamp ?? receivedAt.toISOString(),
    source: libraryName(message.context) ?? DEFAULT_SEGMENT_SOURCE,
    ...(customerExternalId !== undefined ? { customerExternalId } : {}),
    ...(message.messageId !== undefined ? { idempotencyKey: message.messageId } : {}),
    payload: payloadFrom === undefined ? {} : message[payloadFrom]!,
    metadata,
  };
}
