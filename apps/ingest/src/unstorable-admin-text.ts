import { unstorableTextProblem } from '@pushrail/events';
import type { RequestHandler } from 'express';
import { formatPath, HttpError, type Issue } from './http-errors';

/** Issues named in one answer at most: enough to fix a body, bounded for a hostile one. */
const MAX_ISSUES = 20;

/**
 * Every string in a parsed JSON value, keys included, that no database text
 * column stores (U+0000, an unpaired surrogate), with its path. Walks with a
 * stack of its own, so no nesting overflows it.
 */
export function unstorableTextIssues(value: unknown): Issue[] {
  const issues: Issue[] = [];
  const pending: Array<{ value: unknown; path: Array<string | number> }> = [{ value, path: [] }];
  while (pending.length > 0 && issues.length < MAX_ISSUES) {
    const { value: current, path } = pending.pop()!;
    if (typeof current === 'string') {
      const problem = unstorableTextProblem(current);
      if (problem) issues.push({ path: formatPath(path), message: problem });
    } else if (Array.isArray(current)) {
      for (let i = current.length - 1; i >= 0; i--) pending.push({ value: current[i], path: [...path, i] });
    } else if (current !== null && typeof current === 'object') {
      for (const [key, child] of Object.entries(current).reverse()) {
        const problem = unstorableTextProblem(key);
        if (problem) issues.push({ path: formatPath([...path, key]), message: `its name ${problem}` });
        pending.push({ value: child, path: [...path, key] });
      }
    }
  }
  return issues;
}

/**
 * The admin API's one check of text before any route sees it: a body
 * holding U+0000 or an unpaired surrogate in any string, keys included, is a
 * 400 naming each path. The control database's TEXT columns refuse both
 * (PostgreSQL 22P05, 22021), and so would every destination given them in
 * its config. Query values are each route's own schema's to check: an
 * unknown query parameter is ignored, never stored.
 */
export const refuseUnstorableText: RequestHandler = (req, _res, next) => {
  const issues = unstorableTextIssues(req.body);
  if (issues.length > 0) {
    next(new HttpError('invalid_request', 'the request body is invalid', { issues }));
    return;
  }
  next();
};
