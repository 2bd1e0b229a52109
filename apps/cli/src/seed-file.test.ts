import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CliError } from './errors';
import { readSeedFile } from './seed-file';

describe('readSeedFile', () => {
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'pushrail-seed-'));
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const file = async (name: string, text: string) => {
    const at = path.join(dir, name);
    await writeFile(at, text);
    return at;
  };

  it('reads a JSON object', async () => {
    const at = await file('ok.json', '{"type":"POSTGRES","port":5432}');
    await expect(readSeedFile(at)).resolves.toEqual({ type: 'POSTGRES', port: 5432 });
  });

  it('says when the file is missing or a directory', async () => {
    await expect(readSeedFile(path.join(dir, 'absent.json'))).rejects.toThrow(`cannot read ${path.join(dir, 'absent.json')}: no such file`);
    await expect(readSeedFile(dir)).rejects.toThrow(`cannot read ${dir}: it is a directory`);
  });

  it('gives the position of a JSON error and never the text around it (it holds a password)', async () => {
    const at = await file('bad.json', '{\n  "auth": { "password": "hunter2-secret" }\n  "port": 5432\n}');
    const error = (await readSeedFile(at).catch((e: unknown) => e)) as CliError;
    expect(error).toBeInstanceOf(CliError);
    expect(error.exitCode).toBe(1);
    expect(error.message).toMatch(new RegExp(`^${at.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} is not valid JSON( \\(line \\d+, column \\d+\\))?$`));
    expect(error.message).not.toContain('hunter2');

    const cut = await file('cut.json', '{"auth": {"password": "hunter2-secret"');
    const cutError = (await readSeedFile(cut).catch((e: unknown) => e)) as CliError;
    expect(cutError.message).toMatch(/is not valid JSON/);
    expect(cutError.message).not.toContain('hunter2');
  });

  it('refuses JSON that is not one object', async () => {
    for (const [name, text] of [['array.json', '[{"type":"POSTGRES"}]'], ['null.json', 'null'], ['string.json', '"x"']]) {
      const at = await file(name!, text!);
      await expect(readSeedFile(at)).rejects.toThrow(`${at} must hold one JSON object (a destination config)`);
    }
  });
});
