/**
 * The portal's typed client is generated from ingest's OpenAPI document
 * (`pnpm --filter @pushrail/portal api-types`); this fails when the committed
 * types and the document have drifted apart, so a changed portal API route
 * breaks the portal's build (tsc) instead of the page.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openApiJson } from '../../../ingest/src/openapi/openapi-document';

const GENERATOR = path.join(__dirname, '../../node_modules/.bin/openapi-typescript');

describe('the portal API client types', () => {
  it('are what openapi-typescript makes of the current OpenAPI document', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'portal-api-types-'));
    try {
      writeFileSync(path.join(dir, 'openapi.json'), openApiJson());
      execFileSync(GENERATOR, [path.join(dir, 'openapi.json'), '--output', path.join(dir, 'schema.d.ts')], { stdio: 'pipe' });
      const fresh = readFileSync(path.join(dir, 'schema.d.ts'), 'utf8');
      const committed = readFileSync(path.join(__dirname, 'schema.d.ts'), 'utf8');
      expect(committed === fresh ? 'up to date' : 'stale: run pnpm --filter @pushrail/portal api-types').toBe('up to date');
      expect(committed).toContain('"/portal/api/destinations"');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
