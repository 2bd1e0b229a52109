import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseEncryptionKey } from '@pushrail/crypto';
import { loadOrCreateSecrets, secretsFile } from './secrets';

describe('loadOrCreateSecrets', () => {
  let home: string;
  beforeEach(() => {
    home = fs.mkdtempSync(path.join(os.tmpdir(), 'pushrail-secrets-'));
  });
  afterEach(() => {
    fs.rmSync(home, { recursive: true, force: true });
  });

  it('generates a key and a token on the first run, saves them 0600, and gives the same ones after', () => {
    const first = loadOrCreateSecrets(home, {});
    expect(() => parseEncryptionKey(first.encryptionKey)).not.toThrow();
    expect(first.adminToken.length).toBeGreaterThanOrEqual(32);
    expect(fs.statSync(secretsFile(home)).mode & 0o777).toBe(0o600);
    expect(loadOrCreateSecrets(home, {})).toEqual(first);
  });

  it('takes values from the environment first and never writes them to disk', () => {
    const fromEnv = { encryptionKey: Buffer.alloc(32, 9).toString('base64'), adminToken: 'admin-token-from-the-environment' };
    expect(loadOrCreateSecrets(home, fromEnv)).toEqual(fromEnv);
    expect(fs.existsSync(secretsFile(home))).toBe(false);

    const tokenOnly = loadOrCreateSecrets(home, { adminToken: fromEnv.adminToken });
    const stored = fs.readFileSync(secretsFile(home), 'utf8');
    expect(stored).not.toContain(fromEnv.adminToken);
    expect(stored).toContain(tokenOnly.encryptionKey);
  });

  it('refuses a damaged file, naming it, instead of replacing a key that may be the only copy', () => {
    fs.writeFileSync(secretsFile(home), '{ not json');
    expect(() => loadOrCreateSecrets(home, {})).toThrow(`${secretsFile(home)} is not valid JSON; fix or remove it`);
    fs.writeFileSync(secretsFile(home), JSON.stringify({ adminToken: 42 }));
    expect(() => loadOrCreateSecrets(home, {})).toThrow(/does not have the expected fields \(adminToken\)/);
    expect(fs.readFileSync(secretsFile(home), 'utf8')).toBe(JSON.stringify({ adminToken: 42 }));
  });
});
