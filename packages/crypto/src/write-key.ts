import { randomBytes } from 'node:crypto';

import { hashSecret } from './secret-hash';

/** Every write key starts with this, so leaked keys are recognisable by secret scanners. */
export const WRITE_KEY_PREFIX = 'pr_wk_';

/** Random bytes in a write key (256 bits). */
const WRITE_KEY_RANDOM_BYTES = 32;

/** Characters of the key kept in clear as its display prefix ("pr_wk_" + 6). */
export const WRITE_KEY_DISPLAY_PREFIX_CHARS = 12;

// 32 bytes are 43 base64url characters (no padding).
const WRITE_KEY_FORMAT = /^pr_wk_[A-Za-z0-9_-]{43}$/;

/** A newly generated write key. */
export interface GeneratedWriteKey {
  /** The secret: shown to the caller once, never stored. */
  key: string;
  /** First 12 characters of the key, stored and shown in listings to identify it. */
  prefix: string;
  /** {@link hashSecret} of the key: what is stored and looked up. */
  hash: string;
}

/** Generates a write key: `pr_wk_` + base64url of 32 random bytes. */
export function generateWriteKey(): GeneratedWriteKey {
  const key = WRITE_KEY_PREFIX + randomBytes(WRITE_KEY_RANDOM_BYTES).toString('base64url');
  return { key, prefix: key.slice(0, WRITE_KEY_DISPLAY_PREFIX_CHARS), hash: hashSecret(key) };
}

/**
 * True when a string has the shape of a write key. Lets ingest reject garbage
 * without a database lookup; it says nothing about whether the key exists.
 */
export function looksLikeWriteKey(value: string): boolean {
  return WRITE_KEY_FORMAT.test(value);
}
