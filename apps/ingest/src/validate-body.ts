import type { z } from 'zod';
import { HttpError, zodIssues } from './http-errors';

/** Parses a request body with a zod schema; a 400 lists the path of each problem. */
export function parseBody<S extends z.ZodType>(schema: S, body: unknown): z.infer<S> {
  const result = schema.safeParse(body ?? {});
  if (!result.success) throw new HttpError('invalid_request', 'the request body is invalid', { issues: zodIssues(result.error.issues) });
  return result.data;
}
