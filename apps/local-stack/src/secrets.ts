import crypto from 'node:crypto';
import path from 'node:path';
import { generateEncryptionKey } from '@pushrail/crypto';
import { z } from 'zod';
import { readPrivateJsonFile, writePrivateJsonFile } from './private-json-file';

/** The keys the stack's processes share, kept so that a second run can read what the first encrypted. */
export interface StackSecrets {
  /** `PUSHRAIL_ENCRYPTION_KEY`: base64 of 32 bytes. */
  encryptionKey: string;
  /** `PUSHRAIL_ADMIN_TOKEN`. */
  adminToken: string;
}

const storedSecretsSchema = z.object({ encryptionKey: z.string().optional(), adminToken: z.string().optional() });

/** Random bytes in a generated admin token (base64url, 43 characters). */
const ADMIN_TOKEN_BYTES = 32;

export function secretsFile(home: string): string {
  return path.join(home, 'secrets.json');
}

/**
 * The encryption key and admin token: from the environment when set there
 * (never written to disk then), else from `<home>/secrets.json`, else
 * generated and saved there (mode 0600) for the next run.
 */
export function loadOrCreateSecrets(home: string, fromEnv: Partial<StackSecrets>): StackSecrets {
  const file = secretsFile(home);
  const stored = readPrivateJsonFile(file, storedSecretsSchema) ?? {};
  const encryptionKey = fromEnv.encryptionKey ?? stored.encryptionKey ?? generateEncryptionKey();
  const adminToken = fromEnv.adminToken ?? stored.adminToken ?? crypto.randomBytes(ADMIN_TOKEN_BYTES).toString('base64url');
  const toStore = {
    ...stored,
    ...(fromEnv.encryptionKey === undefined ? { encryptionKey } : {}),
    ...(fromEnv.adminToken === undefined ? { adminToken } : {}),
  };
  if (toStore.encryptionKey !== stored.encryptionKey || toStore.adminToken !== stored.adminToken) {
    writePrivateJsonFile(file, toStore);
  }
  return { encryptionKey, adminToken };
}
