import { generateEncryptionKey, Keyring } from '@pushrail/crypto';
import { ConfigError } from '@pushrail/config';
import { loadReencryptConfig } from './reencrypt-config';

const URL = 'postgresql://pushrail:db-password@db.internal:5432/pushrail';
const current = generateEncryptionKey();
const old = generateEncryptionKey();

function failureOf(env: NodeJS.ProcessEnv): ConfigError {
  try {
    loadReencryptConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error('expected a configuration error');
}

describe('loadReencryptConfig', () => {
  it('builds a keyring that writes under the current key and reads the old ones', () => {
    const { databaseUrl, keyring } = loadReencryptConfig({
      DATABASE_URL: URL,
      PUSHRAIL_ENCRYPTION_KEY: current,
      PUSHRAIL_ENCRYPTION_OLD_KEYS: ` ${old} , `,
    });
    expect(databaseUrl).toBe(URL);
    expect(keyring.currentKeyId).toBe(new Keyring({ currentKey: current }).currentKeyId);
    const underOld = new Keyring({ currentKey: old }).encrypt('secret');
    expect(keyring.needsReencryption(underOld)).toBe(true);
    expect(keyring.decrypt(keyring.reencrypt(underOld))).toBe('secret');
  });

  it('needs no old keys', () => {
    expect(loadReencryptConfig({ DATABASE_URL: URL, PUSHRAIL_ENCRYPTION_KEY: current }).keyring).toBeInstanceOf(Keyring);
  });

  it.each<[string, NodeJS.ProcessEnv, RegExp]>([
    ['no DATABASE_URL', { PUSHRAIL_ENCRYPTION_KEY: current }, /^invalid configuration: DATABASE_URL is required/],
    ['a DATABASE_URL of another scheme', { DATABASE_URL: 'mysql://x@y/z', PUSHRAIL_ENCRYPTION_KEY: current }, /^invalid configuration: DATABASE_URL must be a postgres:\/\/ URL$/],
    ['no PUSHRAIL_ENCRYPTION_KEY', { DATABASE_URL: URL }, /^invalid configuration: PUSHRAIL_ENCRYPTION_KEY is required/],
    ['a blank PUSHRAIL_ENCRYPTION_KEY', { DATABASE_URL: URL, PUSHRAIL_ENCRYPTION_KEY: '  ' }, /^invalid configuration: PUSHRAIL_ENCRYPTION_KEY is required/],
    ['a short PUSHRAIL_ENCRYPTION_KEY', { DATABASE_URL: URL, PUSHRAIL_ENCRYPTION_KEY: 'c2hvcnQta2V5' }, /^invalid configuration: PUSHRAIL_ENCRYPTION_KEY decodes to 9 bytes; expected exactly 32/],
    ['a PUSHRAIL_ENCRYPTION_KEY that is not base64', { DATABASE_URL: URL, PUSHRAIL_ENCRYPTION_KEY: 'not base64!' }, /^invalid configuration: PUSHRAIL_ENCRYPTION_KEY is not valid base64/],
    [
      'a bad second old key',
      { DATABASE_URL: URL, PUSHRAIL_ENCRYPTION_KEY: current, PUSHRAIL_ENCRYPTION_OLD_KEYS: `${old},secret-but-wrong` },
      /^invalid configuration: PUSHRAIL_ENCRYPTION_OLD_KEYS entry #2 /,
    ],
  ])('refuses %s with one line naming the variable', (_label, env, message) => {
    const error = failureOf(env);
    expect(error.message).toMatch(message);
    expect(error.message).not.toContain('\n');
    for (const secret of [current, old, 'secret-but-wrong', 'db-password']) expect(error.message).not.toContain(secret);
  });
});
