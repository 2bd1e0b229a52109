/**
 * `redocly lint` over the generated document, with apps/ingest/redocly.yaml:
 * the CI gate for the OpenAPI document. Runs the local binary offline
 * (telemetry and update checks off).
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { buildOpenApiDocument, openApiJson } from './openapi-document';

const INGEST_DIR = resolve(__dirname, '../..');
const REDOCLY = join(INGEST_DIR, 'node_modules/.bin/redocly');
const CONFIG = join(INGEST_DIR, 'redocly.yaml');

interface LintProblem {
  ruleId: string;
  severity: string;
  message: string;
  location: Array<{ pointer?: string }>;
}

interface LintReport {
  totals: { errors: number; warnings: number; ignored: number };
  problems: LintProblem[];
}

/** Lints one document; a bad redocly.yaml is an error too (`--lint-config error`). */
async function lint(document: string): Promise<{ exitCode: number; report: LintReport; stderr: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'pushrail-openapi-'));
  try {
    const file = join(dir, 'openapi.json');
    await writeFile(file, document);
    return await new Promise((done, fail) => {
      execFile(
        REDOCLY,
        ['lint', '--config', CONFIG, '--lint-config', 'error', '--format', 'json', file],
        { env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true', NO_COLOR: '1' }, timeout: 60_000 },
        (error, stdout, stderr) => {
          const exitCode = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
          try {
            done({ exitCode, report: JSON.parse(stdout) as LintReport, stderr });
          } catch {
            fail(new Error(`redocly lint printed no JSON report (exit ${exitCode}): ${stderr}`));
          }
        },
      );
    });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const describeProblem = (p: LintProblem) => `${p.severity} ${p.ruleId} at ${p.location[0]?.pointer ?? '?'}: ${p.message}`;

describe('redocly lint of /openapi.json', () => {
  test('the generated document has no error and no warning', async () => {
    const { exitCode, report, stderr } = await lint(openApiJson());
    expect(report.problems.map(describeProblem)).toEqual([]);
    expect(report.totals).toEqual({ errors: 0, warnings: 0, ignored: 0 });
    expect({ exitCode, stderr: exitCode === 0 ? '' : stderr }).toEqual({ exitCode: 0, stderr: '' });
  });

  test('the configured rules are live: an operation without operationId and a camelCase path fail the lint', async () => {
    const document = buildOpenApiDocument() as { paths: Record<string, Record<string, Record<string, unknown>>> };
    delete document.paths['/healthz']!.get!.operationId;
    document.paths['/admin/v1/deadLetters'] = document.paths['/admin/v1/dead-letters']!;
    delete document.paths['/admin/v1/dead-letters'];
    const { exitCode, report } = await lint(JSON.stringify(document));
    expect(report.problems.map((p) => `${p.severity} ${p.ruleId}`).sort()).toEqual(['error operation-operationId', 'error paths-kebab-case']);
    expect(exitCode).not.toBe(0);
  });
});
