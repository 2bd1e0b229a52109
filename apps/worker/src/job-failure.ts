import { DELIVERY_ERROR_KINDS, type DeliveryError, type DeliveryErrorKind } from '@pushrail/destination-core';
import { z } from 'zod';

/**
 * A delivery failure as it crosses the queue: BullMQ keeps only a failed
 * job's reason text, so the worker stores the classified error there as JSON
 * data (kind, code, message) and the dead-letter sweeper, maybe in another
 * process days later, reads the same fields back. Nothing is parsed out of
 * a formatted message.
 */
const jobFailureSchema = z.object({
  kind: z.custom<DeliveryErrorKind>((value) => DELIVERY_ERROR_KINDS.includes(value as DeliveryErrorKind)),
  code: z.string().optional(),
  message: z.string(),
});

export type JobFailure = z.infer<typeof jobFailureSchema>;

/** The reason a worker fails a job with (the message of its UnrecoverableError). */
export function failedReason(error: DeliveryError): string {
  const failure: JobFailure = { kind: error.kind, ...(error.code !== undefined ? { code: error.code } : {}), message: error.message };
  return JSON.stringify(failure);
}

/**
 * Reads a failed job's reason back. A job that BullMQ itself failed (or a
 * worker from before this format) has plain text there: that is a permanent
 * failure of unknown code, with the text as its message.
 */
export function parseFailedReason(reason: string | undefined): JobFailure {
  let data: unknown;
  try {
    data = JSON.parse(reason ?? '');
  } catch {
    data = undefined;
  }
  const parsed = jobFailureSchema.safeParse(data);
  return parsed.success ? parsed.data : { kind: 'permanent', message: reason || 'job failed without a reason' };
}
