import { z } from 'zod';
import { ERROR_STATUS, type ErrorCode, type Issue } from '../http-errors';
import type { Expect, Same } from './type-equality';

const errorCodes = Object.keys(ERROR_STATUS) as [ErrorCode, ...ErrorCode[]];
/** `invalid_json 400, …`, from the one table in http-errors.ts. */
const codeStatuses = Object.entries(ERROR_STATUS)
  .map(([code, status]) => `${code} ${status}`)
  .join(', ');

/** One problem in a request (http-errors.ts `Issue`). */
export const issueSchema = z.object({
  path: z.string().describe('Where the problem is, as a JSON path: `occurredAt`, `auth.password`, `events[3].payload`; `(root)` for the body itself'),
  message: z.string().describe('What is wrong there'),
});

export type IssueMatches = Expect<Same<Issue, z.output<typeof issueSchema>>>;

/**
 * The one error shape of the API (http-errors.ts `errorHandler`, and the
 * event fast path): `{"error":{"code","message", …}}`.
 */
export const errorResponse = z
  .object({
    error: z.object({
      code: z.enum(errorCodes).describe(`Machine-readable; each code has one status: ${codeStatuses}`),
      message: z.string().describe('For people; never contains a secret'),
      issues: z.array(issueSchema).optional().describe('400 invalid_request: each problem of the body or query, with its path'),
      invalidEvents: z
        .array(
          z.object({
            index: z.number().int().min(0).describe('Position of the event in `events`, from 0'),
            issues: z.array(issueSchema),
          }),
        )
        .optional()
        .describe('400 invalid_events (`POST /v1/batch`): every invalid event by index; nothing of the batch was accepted'),
      queued: z
        .array(z.object({ destinationId: z.uuid(), name: z.string(), queuedJobs: z.number().int().min(1) }))
        .optional()
        .describe('409 (`DELETE /admin/v1/tenants/{id}`): each destination with events still queued, and how many jobs'),
      requestId: z.string().describe('The request\'s id, also in the `X-Request-Id` header and in the access-log line: the caller\'s own when sane, else one made for it'),
    }),
  })
  .describe('Every error answer of the API');
