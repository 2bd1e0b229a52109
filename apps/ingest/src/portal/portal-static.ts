import { existsSync } from 'node:fs';
import path from 'node:path';
import express, { type RequestHandler } from 'express';

/**
 * The portal's built front end (apps/portal's `dist/`), found through the
 * package so it works from the repository and from an installed copy alike;
 * undefined when it has not been built.
 */
export function portalAssetsDir(): string | undefined {
  try {
    const dir = path.join(path.dirname(require.resolve('@pushrail/portal/package.json')), 'dist');
    return existsSync(path.join(dir, 'index.html')) ? dir : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The page and its assets. Vite names assets by content hash, so they may be
 * cached for a year; index.html is revalidated every time so a new build
 * shows at once.
 */
export function portalStatic(dir: string): RequestHandler {
  return express.static(dir, {
    index: 'index.html',
    redirect: true,
    setHeaders: (res, file) => {
      res.set('Cache-Control', file.includes(`${path.sep}assets${path.sep}`) ? 'public, max-age=31536000, immutable' : 'no-cache');
    },
  });
}
