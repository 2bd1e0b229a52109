import { InvalidEncryptionKeyError, Keyring, parseEncryptionKey } from '@pushrail/crypto';

/** What `pushrail-reencrypt` runs with. */
export interface ReencryptConfig {
  databaseUrl: string;
  /** The current key (PUSHRAIL_ENCRYPTION_KEY) and every old key still accepted for decryption. */
  keyring: Keyring;
}

/** Bad configuration of `pushrail-reencrypt`: the message names the variable, never its value. */
export class ReencryptConfigError extends Error {
  override readonly name = 'ReencryptConfigError';
}

/**
 * Reads the command's three variables, once. Each key is parsed under the
 * name of the variable it came from, so the one line an operator sees says
 * which variable (and which entry of the old-key list) is wrong.
 */
export function loadReencryptConfig(env: NodeJS.ProcessEnv): ReencryptConfig {
  const databaseUrl = env.DATABASE_URL ?? '';
  if (databaseUrl === '') throw new ReencryptConfigError('DATABASE_URL is required (the control database, a postgres:// URL)');
  if (!/^postgres(ql)?:\/\//.test(databaseUrl)) throw new ReencryptConfigError('DATABASE_URL must be a postgres:// URL');

  const currentKey = env.PUSHRAIL_ENCRYPTION_KEY ?? '';
  if (currentKey.trim() === '') {
    throw new ReencryptConfigError('PUSHRAIL_ENCRYPTION_KEY is required (base64 of 32 random bytes: the key to re-encrypt under)');
  }
  const oldKeys = (env.PUSHRAIL_ENCRYPTION_OLD_KEYS ?? '')
    .split(',')
    .map((k) => k.trim())
    .filter((k) => k.length > 0);
  try {
    parseEncryptionKey(currentKey, 'PUSHRAIL_ENCRYPTION_KEY');
    oldKeys.forEach((key, i) => parseEncryptionKey(key, `PUSHRAIL_ENCRYPTION_OLD_KEYS entry #${i + 1}`));
    return { databaseUrl, keyring: new Keyring({ currentKey, oldKeys }) };
  } catch (error) {
    if (error instanceof InvalidEncryptionKeyError) throw new ReencryptConfigError(error.message);
    throw error;
  }
}
