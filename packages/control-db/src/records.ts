import type { DeliveryErrorKind } from '@pushrail/destination-core';

/** Rows of the control database, as the rest of Pushrail sees them. */

export interface Tenant {
  id: string;
  name: string;
  /** Events per second; null means no limit. */
  rateLimitPerSec: number | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface WriteKeyRecord {
  id: string;
  tenantId: string;
  keyPrefix: string;
  createdAt: Date;
  revokedAt: Date | null;
}

export interface WriteKeyOwner {
  keyId: string;
  tenantId: string;
  rateLimitPerSec: number | null;
}

export type PauseReason = 'operator' | 'failures';

export interface DestinationRecord {
  id: string;
  tenantId: string;
  type: string;
  name: string;
  /** The config with secrets redacted, as validated when it was stored. */
  config: Record<string, unknown>;
  secretsCiphertext: string;
  pausedAt: Date | null;
  pausedReason: PauseReason | null;
  pausedMessage: string | null;
  createdAt: Date;
  updatedAt: Date;
}

/** Where a tenant's events may go: a destination and the event types it takes (undefined: all). */
export interface DestinationRoute {
  id: string;
  eventTypes: string[] | undefined;
}


/** A dead letter without its event and job: what an operator's listing shows. */
export interface DeadLetterSummary {
  /** bigserial as a decimal string (it can outgrow a JS number). */
  id: string;
  destinationId: string;
  eventId: string;
  errorKind: DeliveryErrorKind;
  errorCode: string | null;
  errorMessage: string;
  attempts: number;
  firstFailedAt: Date;
  lastFailedAt: Date;
  deadLetteredAt: Date;
  redrivenAt: Date | null;
  /** When an operator discarded it (never redriven after); null while not. */
  discardedAt: Date | null;
}

export interface DeadLetterRecord extends DeadLetterSummary {
  jobId: string;
  /** The queued event as JSON text. */
  eventJson: string;
}

/** What a worker or the sweeper writes; the table sets the id and when it was dead-lettered. */
export type NewDeadLetter = Omit<DeadLetterRecord, 'id' | 'deadLetteredAt' | 'redrivenAt' | 'discardedAt'>;

export interface DeadLetterFilter {
  destinationId?: string;
  /** Any of these destinations (a tenant's, for the portal); `destinationId` wins when both are given. An empty list matches nothing. */
  destinationIds?: readonly string[];
  errorKind?: DeliveryErrorKind;
  since?: Date;
  until?: Date;
}
