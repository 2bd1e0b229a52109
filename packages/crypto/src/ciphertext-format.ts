import { DecryptionFailedError } from './errors';

// The self-describing ciphertext string:
//   v1.<keyId>.<base64url iv>.<base64url ciphertext>.<base64url tag>
// The header "v1.<keyId>" is the AES-GCM additional authenticated data, so
// neither the version nor the key id can be swapped without failing
// authentication. The ciphertext segment is empty for an empty plaintext.

/** The only format version written and read today. */
export const CIPHERTEXT_VERSION = 'v1';

/** AES-GCM nonce length, in bytes (the size GCM is specified for). */
export const IV_BYTES = 12;

/** AES-GCM authentication tag length, in bytes (full strength). */
export const TAG_BYTES = 16;

const KEY_ID = /^[0-9a-f]{8}$/;

/** The parts of a ciphertext string, decoded. */
export interface CiphertextParts {
  readonly version: string;
  readonly keyId: string;
  readonly iv: Buffer;
  readonly data: Buffer;
  readonly tag: Buffer;
}

/** The additional authenticated data binding version and key id to the ciphertext. */
export function headerOf(version: string, keyId: string): Buffer {
  return Buffer.from(`${version}.${keyId}`, 'utf8');
}

/** Serialises the parts into the `v1.<keyId>.<iv>.<data>.<tag>` string. */
export function formatCiphertext(parts: CiphertextParts): string {
  return [
    parts.version,
    parts.keyId,
    parts.iv.toString('base64url'),
    parts.data.toString('base64url'),
    parts.tag.toString('base64url'),
  ].join('.');
}

/**
 * Parses a ciphertext string without authenticating it.
 *
 * @throws DecryptionFailedError when it is malformed or of an unknown version.
 *   The message never includes the ciphertext.
 */
export function parseCiphertext(text: string): CiphertextParts {
  const segments = text.split('.');
  if (segments.length !== 5) {
    throw new DecryptionFailedError('ciphertext is malformed: expected 5 dot-separated parts');
  }
  const [version, keyId, iv, data, tag] = segments as [string, string, string, string, string];
  if (version !== CIPHERTEXT_VERSION) {
    throw new DecryptionFailedError('ciphertext is malformed: unsupported format version');
  }
  if (!KEY_ID.test(keyId)) {
    throw new DecryptionFailedError('ciphertext is malformed: key id is not 8 hex characters');
  }
  const parts = {
    version,
    keyId,
    iv: decodeStrict(iv, 'iv'),
    data: decodeStrict(data, 'data'),
    tag: decodeStrict(tag, 'tag'),
  };
  if (parts.iv.length !== IV_BYTES || parts.tag.length !== TAG_BYTES) {
    throw new DecryptionFailedError('ciphertext is malformed: wrong iv or tag length');
  }
  return parts;
}

// Buffer.from(…, 'base64url') skips characters outside the alphabet and
// ignores unused trailing bits, so several strings decode to the same bytes.
// Requiring the canonical encoding makes every change to the string an error.
function decodeStrict(segment: string, what: string): Buffer {
  const bytes = Buffer.from(segment, 'base64url');
  if (bytes.toString('base64url') !== segment) {
    throw new DecryptionFailedError(`ciphertext is malformed: ${what} is not canonical base64url`);
  }
  return bytes;
}
