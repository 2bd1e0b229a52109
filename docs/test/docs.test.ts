/**
 * Claims the documents make that the code can make false: the environment
 * table of docs/design.md against the config schemas, every `pnpm` command
 * and CLI command the documents name against package.json and the CLI, the
 * Node version against `engines`, the test prerequisites against .ci/run,
 * and no reference to a design document outside the repository.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import { availableParallelism } from 'node:os';
import * as path from 'node:path';
import {
  cliEnvSchema,
  ENV_VARIABLES_BY_PROCESS,
  ingestEnvSchema,
  migrateEnvSchema,
  reencryptEnvSchema,
  workerEnvSchema,
} from '@pushrail/config';
import type { Command } from 'commander';
import type { z } from 'zod';
import { CliContext } from '../../apps/cli/src/context';
import { Output } from '../../apps/cli/src/output';
import { createProgram } from '../../apps/cli/src/program';

const ROOT = path.resolve(__dirname, '..', '..');
const read = (rel: string): string => fs.readFileSync(path.join(ROOT, rel), 'utf8');

/** The documents a user or an operator reads. */
const DOCUMENTS = ['README.md', 'SECURITY.md', 'docs/design.md', 'docs/scaling.md', 'infra/README.md', 'bench/README.md'];

/** The rows of the markdown table whose header row starts with `| <firstHeader> |`, as cells. */
function tableAfter(markdown: string, firstHeader: string): { header: string[]; rows: string[][] } {
  const lines = markdown.split('\n');
  const start = lines.findIndex((line) => line.startsWith(`| ${firstHeader} |`));
  expect({ firstHeader, found: start >= 0 }).toEqual({ firstHeader, found: true });
  const cells = (line: string) => line.split('|').slice(1, -1).map((cell) => cell.trim());
  const rows: string[][] = [];
  for (let i = start + 2; i < lines.length && lines[i]!.startsWith('|'); i++) rows.push(cells(lines[i]!));
  return { header: cells(lines[start]!), rows };
}

describe('docs/design.md, "Environment"', () => {
  const { header, rows } = tableAfter(read('docs/design.md'), 'variable');
  const variableOf = (row: string[]) => /^`([A-Z0-9_]+)`$/.exec(row[0]!)?.[1];

  it('lists, for each command, exactly the variables its config schema declares', () => {
    const columns = Object.keys(ENV_VARIABLES_BY_PROCESS) as Array<keyof typeof ENV_VARIABLES_BY_PROCESS>;
    for (const column of columns) {
      const index = header.indexOf(column);
      expect({ column, index: index > 0 }).toEqual({ column, index: true });
      const documented = rows.filter((row) => row[index] === '✓').map(variableOf).sort();
      expect({ column, variables: documented }).toEqual({ column, variables: [...ENV_VARIABLES_BY_PROCESS[column]].sort() });
    }
    const everyVariable = new Set(Object.values(ENV_VARIABLES_BY_PROCESS).flat());
    expect(rows.map(variableOf).sort()).toEqual([...everyVariable].sort());
  });

  it('states the default the schema applies (or that the variable is required)', () => {
    const schemas: z.ZodType[] = [ingestEnvSchema, workerEnvSchema, migrateEnvSchema, reencryptEnvSchema, cliEnvSchema];
    const fieldOf = (variable: string): z.ZodType | undefined => {
      for (const schema of schemas) {
        const shape = (schema as unknown as { in: { shape: Record<string, z.ZodType> } }).in.shape;
        if (shape[variable]) return shape[variable];
      }
      return undefined; // only `pnpm start` reads it; its defaults depend on where the repository is
    };
    const defaultColumn = header.indexOf('default');
    for (const row of rows) {
      const variable = variableOf(row)!;
      const field = fieldOf(variable);
      if (!field) continue;
      const parsed = field.safeParse(undefined);
      const cell = row[defaultColumn]!;
      let expected: string;
      if (!parsed.success) expected = 'required';
      else if (parsed.data === availableParallelism() && cell === 'one per core') continue;
      else if (parsed.data === undefined || (Array.isArray(parsed.data) && parsed.data.length === 0)) expected = 'none';
      else expected = `\`${String(parsed.data)}\``;
      expect({ variable, default: cell.startsWith(expected) }).toEqual({ variable, default: true });
    }
  });
});

describe('the README', () => {
  const readme = read('README.md');

  it('names only variables some config schema declares', () => {
    const everyVariable = new Set(Object.values(ENV_VARIABLES_BY_PROCESS).flat());
    const { rows } = tableAfter(readme, 'variable');
    for (const row of rows) {
      const variable = /^`([A-Z0-9_]+)`$/.exec(row[0]!)?.[1];
      expect({ variable, declared: everyVariable.has(variable ?? '') }).toEqual({ variable, declared: true });
    }
  });

  it('asks for the Node version package.json `engines` asks for', () => {
    const engines = (JSON.parse(read('package.json')) as { engines: { node: string } }).engines.node;
    const version = /^>=(\d+\.\d+)$/.exec(engines)?.[1];
    expect(version).toBeDefined();
    expect(readme).toContain(`Node ${version} or later`);
  });

  it('names every Debian package .ci/run installs for the tests', () => {
    const packages = [...read('.ci/run').matchAll(/missing\+=\(([a-z0-9.-]+)\)/g)].map((m) => m[1]!);
    expect(packages.length).toBeGreaterThan(0);
    for (const name of packages) expect({ name, inReadme: readme.includes(`\`${name}\``) }).toEqual({ name, inReadme: true });
  });
});

describe('commands the documents name', () => {
  const scripts = (JSON.parse(read('package.json')) as { scripts: Record<string, string> }).scripts;
  /** pnpm's own commands the documents may name. */
  const PNPM_BUILTINS = new Set(['install', 'add', 'exec', 'dlx', 'fetch', 'run']);

  const mentions = (pattern: RegExp): Array<{ document: string; match: RegExpMatchArray }> =>
    DOCUMENTS.flatMap((document) => [...read(document).matchAll(pattern)].map((match) => ({ document, match })));

  it('every `pnpm <command>` is a root package.json script or a pnpm command', () => {
    const named = mentions(/\bpnpm ([a-z][a-z:-]*)/g);
    expect(named.length).toBeGreaterThan(10);
    for (const { document, match } of named) {
      const command = match[1]!;
      expect({ document, command, exists: command in scripts || PNPM_BUILTINS.has(command) }).toEqual({ document, command, exists: true });
    }
  });

  it('every `pnpm pushrail <command> [<subcommand>]` exists in the CLI', () => {
    const program = createProgram(new CliContext(new Output({ stdout: process.stdout, stderr: process.stderr }), {}));
    const find = (parent: Command, name: string) => parent.commands.find((c) => c.name() === name);
    const named = mentions(/\bpnpm pushrail ([a-z][a-z-]*)(?: ([a-z][a-z-]*))?/g);
    expect(named.length).toBeGreaterThan(0);
    for (const { document, match } of named) {
      const [, name, sub] = match;
      const command = find(program, name!);
      expect({ document, command: name, exists: command !== undefined }).toEqual({ document, command: name, exists: true });
      if (sub && command!.commands.length > 0) {
        expect({ document, command: `${name} ${sub}`, exists: find(command!, sub) !== undefined }).toEqual({
          document,
          command: `${name} ${sub}`,
          exists: true,
        });
      }
    }
  });

  it('every `node <file>.js` a document names is built from a source file that exists', () => {
    const named = mentions(/\bnode (?:--[a-z-]+ )*((?:apps|packages)\/[\w/-]+)\/dist\/([\w-]+)\.js/g);
    expect(named.length).toBeGreaterThan(0);
    for (const { document, match } of named) {
      const source = `${match[1]}/src/${match[2]}.ts`;
      expect({ document, source, exists: fs.existsSync(path.join(ROOT, source)) }).toEqual({ document, source, exists: true });
    }
  });
});

describe('docs/design.md, "Metrics"', () => {
  it('names every metric the code registers', () => {
    const design = read('docs/design.md');
    const files = execFileSync('git', ['ls-files', 'apps/*/src/*.ts', 'packages/*/src/*.ts', 'packages/*/*/src/*.ts'], { cwd: ROOT, encoding: 'utf8' })
      .split('\n')
      .filter((file) => file.endsWith('.ts') && !file.endsWith('.test.ts') && fs.existsSync(path.join(ROOT, file)));
    const registered = new Set(files.flatMap((file) => [...read(file).matchAll(/name: '(pushrail_[a-z_]+)'/g)].map((m) => m[1]!)));
    expect(registered.size).toBeGreaterThan(5);
    for (const metric of registered) expect({ metric, documented: design.includes(`\`${metric}\``) }).toEqual({ metric, documented: true });
  });
});

describe('the design document', () => {
  it('is the one in the repository: no file cites the shared design file outside it', () => {
    const files = execFileSync('git', ['ls-files'], { cwd: ROOT, encoding: 'utf8' })
      .split('\n')
      .filter((file) => file !== '' && file !== 'docs/test/docs.test.ts' && fs.existsSync(path.join(ROOT, file)));
    // The name in capitals (this file spells it apart so it does not cite it itself); docs/design.md is lower case.
    const outside = new RegExp(`\\b${'DESIGN'}\\.md\\b`);
    const citing = files.filter((file) => outside.test(fs.readFileSync(path.join(ROOT, file), 'utf8')));
    expect(citing).toEqual([]);
  });
});
