import { loadReencryptEnv } from '@pushrail/config';
import { Keyring } from '@pushrail/crypto';

/** What `pnpm reencrypt` and `pushrail keys reencrypt` run with. */
export interface ReencryptConfig {
  databaseUrl: string;
  /** The current key (PUSHRAIL_ENCRYPTION_KEY) and every old key still accepted for decryption. */
  keyring: Keyring;
}

/**
 * Parses the command's environment once (the schema in @pushrail/config) and
 * builds its keyring. Throws ConfigError, whose one line names each bad
 * variable (and which entry of the old-key list), never a value.
 */
export function loadReencryptConfig(env: NodeJS.ProcessEnv): ReencryptConfig {
  const { databaseUrl, encryptionKey, oldEncryptionKeys } = loadReencryptEnv(env);
  return { databaseUrl, keyring: new Keyring({ currentKey: encryptionKey, oldKeys: oldEncryptionKeys }) };
}
