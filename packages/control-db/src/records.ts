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

export type DeadLetterErrorKind = 'transient' | 'permanent' | 'bad_row';

export interface DeadLetterRecord {
  id: string;
  destinationId: string;
  eventId: string;
  jobId: string;
  /** The queued event as JSON text. */
  eventJson: string;
  errorKind: DeadLetterErrorKind;
  errorCode: string | null;
  errorMessage: string;
  attempts: number;
  firstFailedAt: Date;
  lastFailedAt: Date;
  deadLetteredAt: Date;
  redrivenAt: Date | null;
}

export interface NewDeadLetter {
  destinationId: string;
  eventId: string;
  jobId: string;
  eventJson: string;
  errorKind: DeadLetterErrorKind;
  errorCode: string | null;
  errorMessage: string;
  attempts: number;
  firstFailedAt: Date;
  lastFailedAt: Date;
}

export interface DeadLetterFilter {
  destinationId?: string;
  errorKind?: DeadLetterErrorKind;
  since?: Date;
  until?: Date;
  /** Only those not redriven yet. */
  pendingOnly?: boolean;
}
