import { createHash, createSecretKey, randomBytes, type KeyObject } from 'node:crypto';

import { InvalidEncryptionKeyError } from './errors';

/** AES-256 key length, in bytes. */
export const ENCRYPTION_KEY_BYTES = 32;

/** Length of a key id, in hex characters (4 bytes of SHA-256). */
const KEY_ID_HEX_CHARS = 8;

// 32 bytes encode to 43 base64 characters plus one '=' of padding. Both the
// standard and the URL-safe alphabets are accepted, padding optional, so a key
// from `openssl rand -base64 32` or from generateEncryptionKey() both work.
const BASE64_BODY = /^[A-Za-z0-9+/_-]+$/;

/** A parsed key: its id and the key material wrapped so it never prints. */
export interface EncryptionKey {
  /** First 8 hex characters of SHA-256 of the key bytes: stable, needs no configuration. */
  readonly id: string;
  /** The 32 key bytes as a KeyObject, whose inspect/JSON output shows no material. */
  readonly key: KeyObject;
}

/**
 * Parses base64 key material into an {@link EncryptionKey}.
 *
 * @param material - base64 (or base64url) of exactly 32 bytes; surrounding whitespace is ignored.
 * @param label - names the key in error messages, e.g. `"current encryption key"`.
 * @throws InvalidEncryptionKeyError when the material is not base64 or not 32 bytes;
 *   the message never contains the material.
 */
export function parseEncryptionKey(material: string, label = 'encryption key'): EncryptionKey {
  const problem = encryptionKeyProblem(material);
  if (problem !== undefined) throw new InvalidEncryptionKeyError(`${label} ${problem}`);
  const bytes = keyBytesOf(material);
  const key = { id: keyIdOf(bytes), key: createSecretKey(bytes) };
  bytes.fill(0);
  return key;
}

/**
 * What is wrong with key material, as the end of a sentence whose subject is
 * the key ("is not valid base64; …"), or undefined when it is a usable key.
 * The one rule for a key: configuration checks it with this at boot, the
 * keyring with {@link parseEncryptionKey}. Never contains the material.
 */
export function encryptionKeyProblem(material: string): string | undefined {
  const trimmed = material.trim();
  if (trimmed.length === 0) return `is empty; expected base64 of ${ENCRYPTION_KEY_BYTES} random bytes`;
  const body = trimmed.replace(/={1,2}$/, '');
  if (!BASE64_BODY.test(body) || body.length % 4 === 1) {
    return `is not valid base64; expected base64 of ${ENCRYPTION_KEY_BYTES} random bytes`;
  }
  const length = keyBytesOf(material).length;
  if (length !== ENCRYPTION_KEY_BYTES) return `decodes to ${length} bytes; expected exactly ${ENCRYPTION_KEY_BYTES} (AES-256)`;
  return undefined;
}

/** The bytes of base64 or base64url key material (padding optional, whitespace around ignored). */
function keyBytesOf(material: string): Buffer {
  const body = material.trim().replace(/={1,2}$/, '');
  return Buffer.from(body.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
}

/** The key id of raw key bytes: first 8 hex characters of their SHA-256. */
export function keyIdOf(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex').slice(0, KEY_ID_HEX_CHARS);
}

/** A fresh random key, base64 of 32 bytes, suitable for PUSHRAIL_ENCRYPTION_KEY. */
export function generateEncryptionKey(): string {
  return randomBytes(ENCRYPTION_KEY_BYTES).toString('base64');
}
